package server

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"motcua/devices/layout"
	"motcua/internal/msg"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
	"motcua/kiosk/ratings"
	"motcua/kiosk/web"
)

// receiptLayout is the center's form-01 layout (config forms).
func (s *Server) receiptLayout() *layout.ReceiptLayout {
	l := s.cfg.Forms.ReceiptLayout()
	return &l
}

// formsLayout tells the console what the center's form 01 asks for beyond
// the default: the applicant's CCCD/MST line, the documents as a table
// (each with its kind and count) or as a list, and whether the center
// tells dossiers' statuses (the applicant's number for them).
func (s *Server) formsLayout(c *gin.Context) {
	l := s.receiptLayout()
	id := false
	for _, line := range l.Lines {
		if line.Field == layout.FieldIDNumber {
			id = true
		}
	}
	docs := cmp.Or(l.Documents, layout.DocumentsList)
	watch := s.notifier != nil && s.notifier.TellsDossiers()
	c.JSON(http.StatusOK, gin.H{"id_number": id, "documents": docs, "notify": watch})
}

// formRequest is form 02 or 03 as a clerk asks for it. Procedure and
// applicant may be left out for a dossier the registry knows.
type formRequest struct {
	Form        string `json:"form"`
	DossierCode string `json:"dossier_code"`
	Procedure   string `json:"procedure"`
	Applicant   struct {
		Name    string `json:"name"`
		Address string `json:"address"`
		Phone   string `json:"phone"`
	} `json:"applicant"`
	ReceivedAt string   `json:"received_at"`
	Items      []string `json:"items"`
	Reason     string   `json:"reason"`
	Contact    string   `json:"contact"`
	Receiver   string   `json:"receiver"`
	Printer    string   `json:"printer"`
	Counter    string   `json:"counter"`
	Copies     int      `json:"copies"`
}

// form prints form 02 (the applicant must add or correct documents: status
// 5) or 03 (the dossier is refused: status 3) and records the status in the
// registry, so the citizen's scan says it.
func (s *Server) form(c *gin.Context) {
	var req formRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	job, status, err := s.formJob(c, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	name, err := s.receiptPrinter(c, receiptRequest{Printer: req.Printer, Counter: req.Counter})
	if err != nil {
		s.fail(c, err)
		return
	}
	pj, err := s.printing.Notice(c.Request.Context(), name, job)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.linkVisit(c.Request.Context(), s.printerCounter(c, req.Counter, name), job.DossierCode, ratings.HandedIn)
	if s.registry != nil {
		if err := s.formStatus(c, job, status); err != nil {
			s.log.Error("form printed but its status not recorded in the registry", "code", job.DossierCode, "form", job.Form, "err", err)
		} else {
			s.dossierChanged(context.WithoutCancel(c.Request.Context()), job.DossierCode)
		}
	}
	c.JSON(http.StatusAccepted, gin.H{"job": strconv.FormatInt(pj.ID, 10), "printer": name})
}

func (s *Server) formJob(c *gin.Context, r formRequest) (layout.NoticeJob, dossier.Status, error) {
	status := dossier.StatusNeedDocuments
	switch r.Form {
	case layout.FormSupplement:
	case layout.FormRefusal:
		status = dossier.StatusRejected
	default:
		return layout.NoticeJob{}, 0, invalid(msg.FieldForm, "")
	}
	code, err := s.codes.Parse(r.DossierCode)
	if err != nil {
		return layout.NoticeJob{}, 0, invalid(msg.FieldDossierCode, "")
	}
	job := layout.NoticeJob{Form: r.Form, DossierCode: code, Procedure: strings.TrimSpace(r.Procedure),
		Applicant: layout.Applicant{Name: strings.TrimSpace(r.Applicant.Name), Address: r.Applicant.Address, Phone: r.Applicant.Phone},
		At:        s.now(), Reason: r.Reason, Contact: cmp.Or(strings.TrimSpace(r.Contact), s.cfg.Forms.Contact), Receiver: r.Receiver,
		Copies: max(r.Copies, 1), Agency: s.cfg.Center.Name, Place: s.cfg.Center.Address, Heading: s.cfg.Forms.HeadingLines(),
		LookupURL: lookup.Sign(s.pageURL(web.ReceiptPrefix), s.receiptKey, code)}
	if job.ReceivedAt, err = s.parseTime(r.ReceivedAt); err != nil {
		return layout.NoticeJob{}, 0, invalid(msg.FieldReceivedAt, "")
	}
	if s.registry != nil && (job.Procedure == "" || job.Applicant.Name == "") {
		if d, err := s.registry.Lookup(c.Request.Context(), code); err == nil {
			job.Procedure = cmp.Or(job.Procedure, d.Procedure)
			job.Applicant.Name = cmp.Or(job.Applicant.Name, d.Applicant)
			if job.ReceivedAt.IsZero() {
				job.ReceivedAt = d.ReceivedAt
			}
		} else if !errors.Is(err, dossier.ErrNotFound) {
			return layout.NoticeJob{}, 0, err
		}
	}
	switch {
	case job.Procedure == "":
		return layout.NoticeJob{}, 0, invalid(msg.FieldProcedure, "")
	case job.Applicant.Name == "":
		return layout.NoticeJob{}, 0, invalid(msg.FieldApplicant, "")
	case len(r.Items) == 0 || len(r.Items) > maxDocuments:
		return layout.NoticeJob{}, 0, invalid(msg.FieldItems, "")
	case r.Copies < 0 || r.Copies > 2:
		return layout.NoticeJob{}, 0, invalid(msg.FieldCopies, "")
	}
	for _, it := range r.Items {
		if strings.TrimSpace(it) == "" || utf8.RuneCountInString(it) > maxDocumentText {
			return layout.NoticeJob{}, 0, invalid(msg.FieldItems, "")
		}
		job.Items = append(job.Items, strings.TrimSpace(it))
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"procedure", job.Procedure, maxLongText}, {"applicant.name", job.Applicant.Name, maxShortText},
		{"applicant.address", job.Applicant.Address, maxLongText}, {"applicant.phone", job.Applicant.Phone, maxShortText},
		{"reason", job.Reason, maxLongText}, {"contact", job.Contact, maxLongText}, {"receiver", job.Receiver, maxShortText},
	} {
		if utf8.RuneCountInString(f.value) > f.max {
			return layout.NoticeJob{}, 0, &tooLongError{field: f.name, max: f.max}
		}
	}
	return job, status, nil
}

// formStatus records the status a form gives its dossier.
func (s *Server) formStatus(c *gin.Context, job layout.NoticeJob, status dossier.Status) error {
	ctx := c.Request.Context()
	err := s.registry.UpdateStatus(ctx, registry.StatusUpdate{Code: job.DossierCode, Status: status, At: job.At})
	if !errors.Is(err, dossier.ErrNotFound) {
		return err
	}
	_, err = s.registry.Put(ctx, []registry.Entry{{Code: job.DossierCode, Status: status, Procedure: job.Procedure,
		Applicant: job.Applicant.Name, Unit: s.cfg.Center.Name, ReceivedAt: job.ReceivedAt, StatusAt: job.At}})
	return err
}
