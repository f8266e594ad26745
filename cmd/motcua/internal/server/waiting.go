package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/devices/spool"
	"motcua/kiosk/printing"
	"motcua/queue"
)

// counterQueueJSON is what a console shows of the queue beside the counts:
// every waiting number in calling order with its wait and priority, and the
// one its "next" calls now (the counter's policy, as the engine applies it).
type counterQueueJSON struct {
	Counter string           `json:"counter"`
	At      string           `json:"at"`   // the time the waits are measured at
	Next    *nextJSON        `json:"next"` // null when nobody waits for this counter
	Fields  []fieldQueueJSON `json:"fields"`
}

type nextJSON struct {
	Number   string `json:"number"`
	Service  string `json:"service"`
	Priority bool   `json:"priority"`
	Category string `json:"category,omitempty"` // the priority category, by name
	Online   bool   `json:"online,omitempty"`   // checked in from an online booking
}

type fieldQueueJSON struct {
	Code    string           `json:"code"`
	Name    string           `json:"name"`
	Mine    bool             `json:"mine"` // the counter serves it
	Tickets []queuedTicketJS `json:"tickets"`
}

type queuedTicketJS struct {
	Number   string `json:"number"`
	Priority bool   `json:"priority"`
	Category string `json:"category,omitempty"` // the priority category, by name
	Online   bool   `json:"online,omitempty"`   // checked in from an online booking
	IssuedAt string `json:"issued_at"`
	WaitS    int    `json:"wait_s"` // since it was issued
}

// counterQueue answers GET /counters/{counter}/queue from the board (the
// lists) and the engine (who is next).
func (s *Server) counterQueue(c *gin.Context) {
	counter := c.Param("counter")
	now := s.now()
	out := counterQueueJSON{Counter: counter, At: s.stamp(now), Fields: []fieldQueueJSON{}}
	var services []string
	found := false
	s.screens.board.read(func(b *queue.Board) {
		bc, ok := b.Counter(counter)
		if !ok {
			return
		}
		found, services = true, bc.Services
		for _, f := range b.Fields() {
			j := fieldQueueJSON{Code: f.Code, Name: f.Name, Mine: slices.Contains(services, f.Code),
				Tickets: make([]queuedTicketJS, len(f.Waiting))}
			for i, w := range f.Waiting {
				j.Tickets[i] = queuedTicketJS{Number: w.Number, Priority: w.Priority, Category: s.categoryName(w.Category), Online: w.Online, IssuedAt: s.stamp(w.IssuedAt),
					WaitS: max(int(now.Sub(w.IssuedAt).Seconds()), 0)}
			}
			out.Fields = append(out.Fields, j)
		}
	})
	if !found {
		s.fail(c, queue.ErrUnknownCounter)
		return
	}
	next, err := s.engine.Peek(counter)
	switch {
	case err == nil:
		out.Next = &nextJSON{Number: next.Number, Service: next.Service, Priority: next.Priority, Category: s.categoryName(next.Category), Online: next.Booking != ""}
	case !errors.Is(err, queue.ErrQueueEmpty):
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

// returnTicket puts a ticket marked absent back in its queue at its place:
// the console's undo of "Vắng mặt", or a citizen who came back.
func (s *Server) returnTicket(c *gin.Context) { s.onTicket(c, s.engine.Return) }

// noNumberError is a number a clerk asked for that was not issued today.
type noNumberError struct{ number string }

func (e *noNumberError) Error() string { return fmt.Sprintf("server: no ticket %s today", e.number) }

func (e *noNumberError) Unwrap() error { return queue.ErrNotFound }

// numbered names the number in a "no such ticket" of a clerk's request.
func numbered(err error, ref string) error {
	if errors.Is(err, queue.ErrNotFound) {
		return &noNumberError{number: strings.ToUpper(ref)}
	}
	return err
}

// printJobJSON is how a receipt's print job stands.
type printJobJSON struct {
	Job      string `json:"job"`
	Printer  string `json:"printer"`
	State    string `json:"state"` // queued, printing, printed, sent, failed
	Attempts int    `json:"attempts"`
	// Reason says why it waits or failed (printing.Reason): paper_out,
	// cover_open, offline, too_late, cut_off, other; "" for none. Detail
	// is the spooler's own words, for the technician.
	Reason string `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// receiptJob answers GET /receipts/{job}: the outcome of a receipt's print
// job, which the console follows after "sent to the printer". A clerk sees
// only the jobs of their counters' printers.
func (s *Server) receiptJobState(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("job"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(c, errNoPrintJob)
		return
	}
	j, err := s.printing.Job(c.Request.Context(), id)
	if errors.Is(err, spool.ErrNoJob) || (err == nil && j.Kind != printing.KindReceipt && j.Kind != printing.KindNotice) {
		s.fail(c, errNoPrintJob)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if u, isStaff := c.Get("user"); isStaff && u.(config.Staff).Role != config.RoleAdmin && !s.clerksPrinter(u.(config.Staff), j.Printer) {
		s.fail(c, errNoPrintJob) // another counter's job is none of the clerk's
		return
	}
	state := j.State
	if state == spool.Written { // every byte left, the confirmation is awaited
		state = spool.Printing
	}
	out := printJobJSON{Job: strconv.FormatInt(j.ID, 10), Printer: j.Printer, State: string(state), Attempts: j.Attempts}
	if state != spool.Printed && state != spool.Sent {
		out.Reason, out.Detail = printing.Reason(j.LastError), j.LastError
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}
