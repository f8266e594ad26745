package server

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/devices/layout"
	"motcua/internal/msg"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
	"motcua/kiosk/printing"
	"motcua/kiosk/web"
	"motcua/queue"
)

// issuePrint prints a new ticket on its kiosk's printer. When the job
// cannot even be queued the ticket stays valid, marked failed, and the kiosk
// shows the number on screen.
func (s *Server) issuePrint(c *gin.Context, t queue.Ticket) queue.Ticket {
	if t.Print != queue.PrintQueued {
		return t
	}
	if _, err := s.printing.Ticket(c.Request.Context(), t.Kiosk, s.engine.Info(t)); err != nil {
		s.log.Error("ticket print job not queued", "ticket", t.Number, "kiosk", t.Kiosk, "err", err)
		if failed, ferr := s.engine.SetPrint(c.Request.Context(), t.ID, queue.PrintFailed); ferr == nil {
			return failed
		}
	}
	return t
}

// receiptRequest is the receipt job of the contract, with the counter whose
// printer prints it when it names no printer.
type receiptRequest struct {
	DossierCode string `json:"dossier_code"`
	Procedure   string `json:"procedure"`
	Applicant   struct {
		Name    string `json:"name"`
		Address string `json:"address"`
		Phone   string `json:"phone"`
		Email   string `json:"email"`
	} `json:"applicant"`
	Documents      []string `json:"documents"`
	Sets           int      `json:"sets"`
	ProcessingDays int      `json:"processing_days"`
	ReceivedAt     string   `json:"received_at"`
	DueAt          string   `json:"due_at"`
	ReturnPlace    string   `json:"return_place"`
	Fee            string   `json:"fee"`
	Receiver       string   `json:"receiver"`
	Printer        string   `json:"printer"`
	Counter        string   `json:"counter"`
	Copies         int      `json:"copies"`
}

// receiptJob checks the request and builds the layout job.
func (s *Server) receiptJob(r receiptRequest) (layout.ReceiptJob, error) {
	code := strings.ToUpper(strings.TrimSpace(r.DossierCode))
	if !s.codePattern.MatchString(code) {
		return layout.ReceiptJob{}, invalid(msg.FieldDossierCode, "")
	}
	if strings.TrimSpace(r.Procedure) == "" {
		return layout.ReceiptJob{}, invalid(msg.FieldProcedure, "")
	}
	if strings.TrimSpace(r.Applicant.Name) == "" {
		return layout.ReceiptJob{}, invalid(msg.FieldApplicant, "")
	}
	if len(r.Documents) > 60 {
		return layout.ReceiptJob{}, invalid(msg.FieldDocuments, "")
	}
	if r.Copies < 0 || r.Copies > 2 {
		return layout.ReceiptJob{}, invalid(msg.FieldCopies, "")
	}
	if r.Sets < 0 || r.Sets > 100 || r.ProcessingDays < 0 || r.ProcessingDays > 3650 {
		return layout.ReceiptJob{}, invalid(msg.FieldSets, "")
	}
	received, err := s.parseTime(r.ReceivedAt)
	if err != nil {
		return layout.ReceiptJob{}, invalid(msg.FieldReceivedAt, "")
	}
	if received.IsZero() {
		received = s.now()
	}
	due, err := s.parseTime(r.DueAt)
	if err != nil {
		return layout.ReceiptJob{}, invalid(msg.FieldDueAt, "")
	}
	if !due.IsZero() && due.Before(received) {
		return layout.ReceiptJob{}, invalid(msg.FieldDueBefore, "")
	}
	job := layout.ReceiptJob{
		DossierCode: code, Procedure: r.Procedure,
		Applicant: layout.Applicant{Name: r.Applicant.Name, Address: r.Applicant.Address, Phone: r.Applicant.Phone, Email: r.Applicant.Email},
		Documents: r.Documents, Sets: max(r.Sets, 1), ProcessingDays: r.ProcessingDays,
		ReceivedAt: received, DueAt: due, ReturnPlace: r.ReturnPlace, Fee: r.Fee, Receiver: r.Receiver,
		Copies: max(r.Copies, 1), Agency: s.cfg.Center.Name, Place: s.cfg.Center.Address,
		LookupURL: lookup.Sign(s.pageURL(web.ReceiptPrefix), s.receiptKey, code),
	}
	return job, nil
}

func (s *Server) parseTime(v string) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, strings.TrimSpace(v))
}

// receiptPrinter picks the printer: the one named, else that of the counter
// named or of the clerk's counter.
func (s *Server) receiptPrinter(c *gin.Context, r receiptRequest) (string, error) {
	if r.Printer != "" {
		return r.Printer, nil
	}
	user, isStaff := c.Get("user")
	counters := []string{}
	if r.Counter != "" {
		if isStaff && !user.(config.Staff).Allowed(r.Counter) {
			return "", errForbidden
		}
		counters = append(counters, r.Counter)
	} else if isStaff {
		counters = user.(config.Staff).Counters
	}
	for _, id := range counters {
		for _, ct := range s.cfg.Counters {
			if ct.ID == id && ct.Printer != "" {
				return ct.Printer, nil
			}
		}
	}
	return "", printing.ErrNoPrinter
}

// receipt prints a form-01 receipt and records the dossier in the registry,
// so the citizen's scan finds it.
func (s *Server) receipt(c *gin.Context) {
	var req receiptRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	job, err := s.receiptJob(req)
	if err != nil {
		s.fail(c, err)
		return
	}
	name, err := s.receiptPrinter(c, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	pj, err := s.printing.Receipt(c.Request.Context(), name, job)
	if err != nil {
		s.fail(c, err)
		return
	}
	if s.registry != nil {
		// Until the main system says otherwise, the center that received
		// the dossier holds it.
		if err := s.registry.Record(c.Request.Context(), registry.ReceiptInfo{Code: job.DossierCode,
			Procedure: job.Procedure, Applicant: job.Applicant.Name, ReceivedAt: job.ReceivedAt, DueAt: job.DueAt,
			Unit: s.cfg.Center.Name}); err != nil {
			s.log.Error("receipt printed but not recorded in the registry", "code", job.DossierCode, "err", err)
		}
	}
	c.JSON(http.StatusAccepted, gin.H{"job": strconv.FormatInt(pj.ID, 10), "printer": name})
}

// staffOrSystem lets through the main system's token or any staff session.
func (s *Server) staffOrSystem(c *gin.Context) {
	if tok := s.cfg.Dossiers.PushToken; tok != "" && bearerIs(c, tok) {
		c.Next()
		return
	}
	if _, ok := s.authenticate(c); ok {
		c.Next()
	}
}

func compileCode(pattern string) *regexp.Regexp {
	if pattern == "" {
		pattern = lookup.DefaultCodePattern
	}
	return regexp.MustCompile(pattern) // checked by config.Parse
}
