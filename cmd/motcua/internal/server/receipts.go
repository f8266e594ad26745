package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/devices/layout"
	"motcua/internal/msg"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
	"motcua/kiosk/notify"
	"motcua/kiosk/printing"
	"motcua/kiosk/ratings"
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
	Documents []string `json:"documents"`
	// DocumentRows are the documents with their kind and count (the
	// table of the commune layout); IDNumber the applicant's CCCD/MST.
	DocumentRows   []layout.Document `json:"document_rows"`
	IDNumber       string            `json:"id_number"`
	Sets           int               `json:"sets"`
	ProcessingDays int               `json:"processing_days"`
	ReceivedAt     string            `json:"received_at"`
	DueAt          string            `json:"due_at"`
	ReturnPlace    string            `json:"return_place"`
	Fee            string            `json:"fee"`
	Receiver       string            `json:"receiver"`
	Printer        string            `json:"printer"`
	Counter        string            `json:"counter"`
	Copies         int               `json:"copies"`
	// Notify is where the dossier's status changes go, given at the
	// counter with the applicant's consent; never printed.
	Notify contactRequest `json:"notify"`
}

// The size of a receipt: every text is bounded, and so the paper (a 63 KB
// body once printed 6.9 m of it). Lengths count characters, not bytes.
const (
	maxDocuments     = 30   // documents listed
	maxDocumentText  = 200  // one document's name
	maxDocumentsText = 3000 // all the documents together
	maxShortText     = 100  // name, phone, e-mail, fee, receiver
	maxLongText      = 200  // procedure, address, return place
)

// checkLengths refuses a receipt whose texts would print too much paper.
func checkLengths(r receiptRequest) error {
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"procedure", r.Procedure, maxLongText}, {"applicant.name", r.Applicant.Name, maxShortText},
		{"applicant.address", r.Applicant.Address, maxLongText}, {"applicant.phone", r.Applicant.Phone, maxShortText},
		{"applicant.email", r.Applicant.Email, maxShortText}, {"return_place", r.ReturnPlace, maxLongText},
		{"fee", r.Fee, maxShortText}, {"receiver", r.Receiver, maxShortText}, {"id_number", r.IDNumber, maxShortText},
	} {
		if utf8.RuneCountInString(f.value) > f.max {
			return &tooLongError{field: f.name, max: f.max}
		}
	}
	if len(r.Documents) > maxDocuments || len(r.DocumentRows) > maxDocuments {
		return invalid(msg.FieldDocuments, "")
	}
	for _, d := range r.DocumentRows {
		if strings.TrimSpace(d.Name) == "" || d.Count < 0 || d.Count > 99 || (d.Kind != "" && layout.KindLabel(d.Kind) == "") {
			return invalid(msg.FieldDocuments, "")
		}
		r.Documents = append(r.Documents, d.Name) // the lengths below count them
	}
	total := 0
	for _, d := range r.Documents {
		n := utf8.RuneCountInString(d)
		if n > maxDocumentText {
			return &tooLongError{field: "documents", max: maxDocumentText}
		}
		total += n
	}
	if total > maxDocumentsText {
		return invalid(msg.FieldDocumentsText, "")
	}
	return nil
}

// receiptJob checks the request and builds the layout job.
func (s *Server) receiptJob(r receiptRequest) (layout.ReceiptJob, error) {
	code, err := s.codes.Parse(r.DossierCode)
	if err != nil {
		return layout.ReceiptJob{}, invalid(msg.FieldDossierCode, "")
	}
	if strings.TrimSpace(r.Procedure) == "" {
		return layout.ReceiptJob{}, invalid(msg.FieldProcedure, "")
	}
	if strings.TrimSpace(r.Applicant.Name) == "" {
		return layout.ReceiptJob{}, invalid(msg.FieldApplicant, "")
	}
	if err := checkLengths(r); err != nil {
		return layout.ReceiptJob{}, err
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
		IDNumber:  r.IDNumber, DocumentRows: r.DocumentRows, Layout: s.receiptLayout(),
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
// named or of the clerk's counter. A clerk may name only the printer of a
// counter of theirs; an administrator and the main system any printer.
func (s *Server) receiptPrinter(c *gin.Context, r receiptRequest) (string, error) {
	user, isStaff := c.Get("user")
	if r.Printer != "" {
		if isStaff && user.(config.Staff).Role != config.RoleAdmin && !s.clerksPrinter(user.(config.Staff), r.Printer) {
			return "", errNotYourPrinter
		}
		return r.Printer, nil
	}
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

// clerksPrinter tells whether printer is that of one of u's counters.
func (s *Server) clerksPrinter(u config.Staff, printer string) bool {
	for _, ct := range s.cfg.Counters {
		if ct.Printer == printer && u.Allowed(ct.ID) {
			return true
		}
	}
	return false
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
	watch, err := s.receiptContact(req.Notify)
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
	s.linkVisit(c.Request.Context(), s.printerCounter(c, req.Counter, name), job.DossierCode, ratings.HandedIn)
	if s.registry != nil {
		// Until the main system says otherwise, the center that received
		// the dossier holds it.
		if err := s.registry.Record(c.Request.Context(), registry.ReceiptInfo{Code: job.DossierCode,
			Procedure: job.Procedure, Applicant: job.Applicant.Name, ReceivedAt: job.ReceivedAt, DueAt: job.DueAt,
			Unit: s.cfg.Center.Name}); err != nil {
			s.log.Error("receipt printed but not recorded in the registry", "code", job.DossierCode, "err", err)
		}
	}
	out := gin.H{"job": strconv.FormatInt(pj.ID, 10), "printer": name}
	if watch {
		// Recorded first: the receipt's own status 2 is not told, the
		// receipt says it.
		ctx := context.WithoutCancel(c.Request.Context())
		if err := s.notifier.WatchDossier(ctx, job.DossierCode, req.Notify.Phone, req.Notify.Email); err != nil {
			s.log.Error("receipt printed but its contact not stored", "code", job.DossierCode, "err", err)
			out["notify"] = gin.H{"stored": false}
		} else {
			out["notify"] = gin.H{"stored": true, "phone": notify.MaskPhone(req.Notify.Phone), "email": notify.MaskEmail(req.Notify.Email)}
		}
	}
	c.JSON(http.StatusAccepted, out)
}

// receiptContact checks the phone number and address a receipt carries for
// the dossier's messages, before anything prints: false when it carries
// none; a number without the applicant's consent, or not a mobile number,
// refused.
func (s *Server) receiptContact(r contactRequest) (bool, error) {
	if strings.TrimSpace(r.Phone) == "" && strings.TrimSpace(r.Email) == "" {
		return false, nil
	}
	if s.notifier == nil {
		return false, notify.ErrDisabled
	}
	if !r.Consent {
		return false, errNoConsent
	}
	return true, s.notifier.CheckDossierContact(r.Phone, r.Email)
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
