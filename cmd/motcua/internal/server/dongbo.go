package server

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"motcua/devices/layout"
	"motcua/internal/msg"
	"motcua/kiosk/dossier/dongbo"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
	"motcua/kiosk/ratings"
	"motcua/kiosk/web"
)

// maxPush bounds the body of a DongBoHoSoMC push (500 records of a few KB).
const maxPush = 4 << 20

// pushReceipt says what became of one pushed record's receipt.
type pushReceipt struct {
	Code    string `json:"code"`
	Printer string `json:"printer,omitempty"`
	Job     string `json:"job,omitempty"`
	// Print is "queued", "already_printed" (a known dossier, InLai not
	// set) or "no_printer" (no counter or officer of the record has one).
	Print string `json:"print"`
}

// dossierSync takes dossiers the province's system pushes as DongBoHoSoMC
// records: all or none are written to the registry, and the form-01
// receipt of each new one (or one with InLai) is queued on the printer of
// the counter that received it. Receipts are queued before the registry is
// written, so a crash between the two prints a receipt twice on the
// system's retry rather than never.
func (s *Server) dossierSync(c *gin.Context) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxPush))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = fmt.Errorf("%w: %w", errFileTooLarge, err)
		}
		s.fail(c, err)
		return
	}
	recs, err := dongbo.NewDecoder(s.codes).Decode(body)
	if err != nil {
		s.fail(c, err)
		return
	}
	codes := make([]string, len(recs))
	for i, r := range recs {
		codes[i] = r.Code
	}
	known, err := s.registry.Known(c.Request.Context(), codes)
	if err != nil {
		s.fail(c, err)
		return
	}
	receipts := make([]pushReceipt, 0, len(recs))
	entries := make([]registry.Entry, 0, len(recs))
	for _, r := range recs {
		out := pushReceipt{Code: r.Code, Print: "already_printed"}
		if !known[r.Code] || r.Reprint {
			out.Print = "no_printer"
			if name, counter := s.pushPrinter(r); name != "" && s.printing != nil {
				pj, err := s.printing.Receipt(c.Request.Context(), name, s.pushedReceipt(r))
				if err != nil {
					s.fail(c, err)
					return
				}
				out.Print, out.Printer, out.Job = "queued", name, strconv.FormatInt(pj.ID, 10)
				s.linkVisit(c.Request.Context(), counter, r.Code, ratings.HandedIn)
			}
		}
		if out.Print == "no_printer" {
			s.log.Warn("pushed dossier has no counter printer; receipt not printed", "code", r.Code, "counter", r.Counter)
		}
		receipts = append(receipts, out)
		entries = append(entries, registry.Entry{Code: r.Code, Status: r.Status, Procedure: r.Procedure,
			Applicant: r.Applicant, Unit: cmp.Or(r.Unit, s.cfg.Center.Name), ReceivedAt: r.ReceivedAt, DueAt: r.DueAt})
	}
	res, err := s.registry.Put(c.Request.Context(), entries)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.dossiersChanged(c.Request.Context(), res.Changed)
	s.log.Info("dossiers pushed", "records", len(recs), "created", res.Created, "updated", res.Updated)
	c.JSON(http.StatusAccepted, gin.H{"created": res.Created, "updated": res.Updated, "receipts": receipts})
}

// pushPrinter is the printer of the counter that received r (MaQuay, else
// the counters of the officer's account, TaiKhoanTiepNhan) and that
// counter; "" without one.
func (s *Server) pushPrinter(r dongbo.Record) (string, string) {
	counters := []string{}
	if r.Counter != "" {
		counters = append(counters, r.Counter)
	} else if r.Account != "" {
		if u, ok := s.cfg.User(r.Account); ok {
			counters = u.Counters
		}
	}
	for _, id := range counters {
		for _, ct := range s.cfg.Counters {
			if ct.ID == id && ct.Printer != "" {
				return ct.Printer, ct.ID
			}
		}
	}
	return "", ""
}

// pushedReceipt is the form-01 job of a pushed record.
func (s *Server) pushedReceipt(r dongbo.Record) layout.ReceiptJob {
	rows := make([]layout.Document, len(r.Documents))
	for i, d := range r.Documents {
		rows[i] = layout.Document{Name: d.Name, Kind: string(d.Kind), Count: d.Count}
	}
	return layout.ReceiptJob{
		DossierCode: r.Code, Procedure: r.Procedure,
		Applicant:    layout.Applicant{Name: r.Applicant, Address: r.Address, Phone: r.Phone, Email: r.Email},
		DocumentRows: rows, IDNumber: r.IDNumber, Layout: s.receiptLayout(), Sets: 1, ProcessingDays: r.Days, ReceivedAt: r.ReceivedAt, DueAt: r.DueAt,
		Fee: r.Fee, Receiver: r.Receiver, Copies: 1, Agency: s.cfg.Center.Name, Place: s.cfg.Center.Address,
		ReturnPlace: s.cfg.Center.Name,
		LookupURL:   lookup.Sign(s.pageURL(web.ReceiptPrefix), s.receiptKey, r.Code),
	}
}

// pushError answers a refused push with every refused record.
func pushError(err error) (answer, bool) {
	var pe *dongbo.Error
	if !errors.As(err, &pe) {
		return answer{}, false
	}
	return answer{status: http.StatusBadRequest, id: msg.InvalidPush, extra: func(_ *gin.Context, _ error, body gin.H) {
		items := pe.Items
		if items == nil {
			items = []dongbo.ItemError{}
		}
		body["records"], body["more"], body["reason"] = items, pe.More, pe.Msg
	}}, true
}
