package server

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/display"
	"motcua/internal/msg"
	"motcua/queue"
)

// ticketJSON is a ticket as the contract shows it.
type ticketJSON struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	Service     string `json:"service"`
	ServiceName string `json:"service_name"`
	Priority    bool   `json:"priority"`
	State       string `json:"state"`
	IssuedAt    string `json:"issued_at"`
	CalledAt    string `json:"called_at,omitempty"`
	Ahead       int    `json:"ahead"`
	// EstimatedWaitS is null when the wait cannot be estimated (too few
	// services measured, no counter open): the texts are then empty and
	// the paper prints no wait.
	EstimatedWaitS *int `json:"estimated_wait_s"`
	// The wait in the words the paper ticket prints (msg.Wait), for the
	// pages to show as they are.
	EstimatedWaitText   string    `json:"estimated_wait_text"`
	EstimatedWaitTextEN string    `json:"estimated_wait_text_en"`
	Counter             string    `json:"counter,omitempty"`
	CounterName         string    `json:"counter_name,omitempty"`
	Calls               int       `json:"calls,omitempty"`
	TrackURL            string    `json:"track_url"`
	Print               printJSON `json:"print"`
	Rating              int       `json:"rating,omitempty"`
	Origin              string    `json:"origin_service,omitempty"`
	// Category and CategoryName: the priority category of a priority
	// ticket taken as one.
	Category     string `json:"category,omitempty"`
	CategoryName string `json:"category_name,omitempty"`
	// Online marks a number booked at the hub and checked in here.
	Online bool `json:"online,omitempty"`
}

type printJSON struct {
	State string `json:"state"`
}

func (s *Server) ticketJSON(in queue.TicketInfo) ticketJSON {
	var wait msg.Text
	var waitS *int
	if in.WaitKnown {
		wait = msg.Wait(in.EstimatedWait)
		s := int(in.EstimatedWait / time.Second)
		waitS = &s
	}
	t := ticketJSON{
		ID: in.ID, Number: in.Number, Service: in.Service, ServiceName: in.ServiceName,
		Priority: in.Priority, State: string(in.State), IssuedAt: s.stamp(in.IssuedAt),
		CalledAt: s.stamp(in.CalledAt), Ahead: max(in.Ahead, 0),
		EstimatedWaitS: waitS, EstimatedWaitText: wait.VI, EstimatedWaitTextEN: wait.EN, Calls: in.Calls,
		TrackURL: display.PhonePath(in.ID), Print: printJSON{State: string(in.Print)}, Rating: in.Rating,
		Category: in.Category, CategoryName: s.categoryName(in.Category), Online: in.Booking != "",
	}
	if in.State != queue.Waiting && in.State != queue.Transferred {
		t.Counter, t.CounterName = in.Counter, in.CounterName
	}
	if in.Origin != in.Service {
		t.Origin = in.Origin
	}
	if t.Print.State == "" {
		t.Print.State = string(queue.PrintNone)
	}
	return t
}

// stamp formats a time in the center's zone (+07:00), "" for the zero time.
func (s *Server) stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.loc).Format(time.RFC3339)
}

type serviceJSON struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Open    bool     `json:"open"`
	Full    bool     `json:"full"`
	Waiting int      `json:"waiting"`
	Hours   []string `json:"hours,omitempty"`
	// Identity is whether the kiosk asks for the ID card: off, optional
	// or required.
	Identity string `json:"identity"`
	// Lane: agents' and businesses' numbers, called after citizens'.
	Lane bool `json:"lane,omitempty"`
}

func (s *Server) services(c *gin.Context) {
	list := s.engine.Services()
	out := make([]serviceJSON, 0, len(list))
	for _, sv := range list {
		j := serviceJSON{Code: sv.Code, Name: sv.Name, Open: sv.Open && !sv.Full, Full: sv.Full, Waiting: sv.Waiting,
			Identity: string(s.identityMode(sv.Code)), Lane: sv.Lane}
		for _, h := range sv.Hours {
			j.Hours = append(j.Hours, h.String())
		}
		out = append(out, j)
	}
	c.JSON(http.StatusOK, out)
}

type issueRequest struct {
	Service  string `json:"service"`
	Priority bool   `json:"priority"`
	// Kiosk may name the kiosk the credential proves; another is refused.
	Kiosk string `json:"kiosk"`
	// CitizenID is what the kiosk read of the citizen's ID card: the QR
	// code of a CCCD as scanned, or its 12-digit number as typed. Only its
	// keyed hash is kept.
	CitizenID string `json:"citizen_id"`
	// Category is a priority category's code (priority is then implied);
	// StaffPIN the lobby staff's PIN where they confirm priority numbers.
	Category string `json:"category"`
	StaffPIN string `json:"staff_pin"`
}

// issue takes a number at the kiosk of the request's credential (kioskDevice)
// and prints it on that kiosk's printer, if it has one. Priority tickets come
// only this way: a staff session issues no ticket.
func (s *Server) issue(c *gin.Context) {
	var req issueRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.checkIssue(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.checkPriority(c.MustGet("kiosk").(config.Kiosk).ID, req.Priority, req.Category, req.StaffPIN); err != nil {
		s.fail(c, err)
		return
	}
	person, err := s.person(req.Service, req.CitizenID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.issueFor(c, req, person)
}

// checkIssue refuses, before anything changes, a request naming another
// kiosk than its credential's or no field; it trims req.Service.
func (s *Server) checkIssue(c *gin.Context, req *issueRequest) error {
	k := c.MustGet("kiosk").(config.Kiosk)
	if req.Kiosk != "" && req.Kiosk != k.ID {
		return &wrongKioskError{kiosk: k.ID}
	}
	req.Service = strings.TrimSpace(req.Service)
	if req.Service == "" {
		return errMissingService
	}
	return nil
}

// issueFor issues req's number for person (a keyed hash, "" for nobody)
// at the request's kiosk, once checkIssue and checkPriority let it
// through, and answers 201.
func (s *Server) issueFor(c *gin.Context, req issueRequest, person string) {
	k := c.MustGet("kiosk").(config.Kiosk)
	ir := queue.IssueRequest{Service: req.Service, Priority: req.Priority, Kiosk: k.ID, Person: person, Category: req.Category,
		Elsewhere: s.elsewhere(c.Request.Context(), person), Print: s.kioskPrint(k)}
	t, err := s.engine.Issue(c.Request.Context(), ir)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.created(c, s.issuePrint(c, t))
}

// kioskPrint is how a ticket taken at kiosk k is printed: queued for its
// printer, or not at all when it has none.
func (s *Server) kioskPrint(k config.Kiosk) queue.PrintState {
	if k.Printer != "" && s.printing != nil {
		return queue.PrintQueued
	}
	return queue.PrintNone
}

// created answers 201 with ticket t and where it is.
func (s *Server) created(c *gin.Context, t queue.Ticket) {
	c.Header("Location", TicketsPath+t.ID)
	c.JSON(http.StatusCreated, s.ticketJSON(s.engine.Info(t)))
}

func (s *Server) ticket(c *gin.Context) {
	id := c.Param("id")
	if len(id) > 64 {
		s.fail(c, queue.ErrNotFound)
		return
	}
	in, err := s.engine.Ticket(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.ticketJSON(in))
}

// queueJSON is the board as GET /api/v1/queue gives it, in the shape of
// the display socket's snapshot frame (fields with their tickets in calling
// order, counters with their ticket's field and last completed), so that
// the console reads both the same way.
type queueJSON struct {
	Seq      uint64         `json:"seq"`
	Day      string         `json:"day"`
	Waiting  map[string]int `json:"waiting"`
	Fields   []fieldJSON    `json:"fields"`
	Counters []counterJSON  `json:"counters"`
	Recent   []callJSON     `json:"recent"` // newest first
	Services []serviceJSON  `json:"services"`
}

type fieldJSON struct {
	Code    string        `json:"code"`
	Name    string        `json:"name"`
	Waiting int           `json:"waiting"`
	Tickets []waitingJSON `json:"tickets"`
}

type waitingJSON struct {
	Number   string `json:"number"`
	Priority bool   `json:"priority"`
	Online   bool   `json:"online,omitempty"` // checked in from an online booking
}

type counterJSON struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Services []string  `json:"services"`
	Serving  string    `json:"serving"`
	Service  string    `json:"service,omitempty"` // the field of the ticket served, after any transfer
	State    string    `json:"state,omitempty"`
	Since    string    `json:"since,omitempty"`
	Priority bool      `json:"priority,omitempty"` // the ticket served is a priority one
	Online   bool      `json:"online,omitempty"`   // the ticket served was booked online
	Last     *doneJSON `json:"last,omitempty"`
}

type doneJSON struct {
	Number string `json:"number"`
	At     string `json:"at"`
	Rated  bool   `json:"rated"`
}

type callJSON struct {
	Ticket   string `json:"ticket"`
	Service  string `json:"service"`
	Counter  string `json:"counter"`
	At       string `json:"at"`
	Recall   bool   `json:"recall"`
	Priority bool   `json:"priority,omitempty"`
}

func (s *Server) queueSnapshot(c *gin.Context) {
	var out queueJSON
	s.screens.board.read(func(b *queue.Board) {
		out = queueJSON{Seq: b.Seq(), Day: b.Day(), Waiting: map[string]int{}, Fields: []fieldJSON{},
			Counters: []counterJSON{}, Recent: []callJSON{}}
		for _, f := range b.Fields() {
			j := fieldJSON{Code: f.Code, Name: f.Name, Waiting: len(f.Waiting), Tickets: make([]waitingJSON, len(f.Waiting))}
			for i, w := range f.Waiting {
				j.Tickets[i] = waitingJSON{Number: w.Number, Priority: w.Priority, Online: w.Online}
			}
			out.Fields = append(out.Fields, j)
			out.Waiting[f.Code] = j.Waiting
		}
		for _, ct := range b.Counters() {
			j := counterJSON{ID: ct.ID, Name: ct.Name, Services: ct.Services}
			if t := ct.Current; t != nil {
				j.Serving, j.Service, j.State, j.Since = t.Number, t.Service, string(t.State), s.stamp(t.Since)
				j.Priority = t.Priority
				j.Online = t.Online
			}
			if l := ct.Last; l != nil {
				j.Last = &doneJSON{Number: l.Number, At: s.stamp(l.At), Rated: l.Rated}
			}
			out.Counters = append(out.Counters, j)
		}
		recent := b.Recent()
		for i := len(recent) - 1; i >= 0; i-- { // newest first
			r := recent[i]
			out.Recent = append(out.Recent, callJSON{Ticket: r.Ticket, Service: r.Service, Counter: r.Counter, At: s.stamp(r.At), Recall: r.Recall, Priority: r.Priority})
		}
	})
	for _, sv := range s.engine.Services() {
		out.Services = append(out.Services, serviceJSON{Code: sv.Code, Name: sv.Name, Open: sv.Open && !sv.Full, Full: sv.Full, Waiting: sv.Waiting})
	}
	c.JSON(http.StatusOK, out)
}

// cancel withdraws a waiting ticket (the citizen left); staff only, and a
// clerk only a ticket of a field one of their counters serves.
func (s *Server) cancel(c *gin.Context) {
	if err := decode(c, &struct{}{}); err != nil {
		s.fail(c, err)
		return
	}
	id := c.Param("id")
	if user := c.MustGet("user").(config.Staff); user.Role != config.RoleAdmin {
		if len(id) > 64 {
			s.fail(c, queue.ErrNotFound)
			return
		}
		in, err := s.engine.Ticket(c.Request.Context(), id)
		if err != nil {
			s.fail(c, err)
			return
		}
		if !s.servesField(user, in.Service) {
			s.fail(c, errNotYourField)
			return
		}
	}
	t, err := s.engine.Cancel(c.Request.Context(), id)
	s.answer(c, t, err)
}

// servesField tells whether one of u's counters serves the field.
func (s *Server) servesField(u config.Staff, field string) bool {
	for _, ct := range s.cfg.Counters {
		if u.Allowed(ct.ID) && slices.Contains(ct.Services, field) {
			return true
		}
	}
	return false
}
