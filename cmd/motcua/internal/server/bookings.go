package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/msg"
	"motcua/kiosk/notify"
	"motcua/province/booking"
	"motcua/queue"
)

// errNoBookingKey: the center has no key of its hub to check bookings
// with (no hub, or none received yet).
var errNoBookingKey = errors.New("server: no booking key of the hub")

// errBookingCancelled: the hub said the booking was cancelled.
var errBookingCancelled = errors.New("server: booking cancelled")

// otherCenterError is a booking made for another center.
type otherCenterError struct{ center string }

func (e *otherCenterError) Error() string {
	return "server: booking of center " + strconv.Quote(e.center)
}

// bookingError is the engine's refusal of a booking (expired, another
// day) with the booking, so the answer names its window or day.
type bookingError struct {
	booking booking.Token
	err     error
}

func (e *bookingError) Error() string { return e.err.Error() }
func (e *bookingError) Unwrap() error { return e.err }

// checkInRequest is a booking's code as the kiosk's scanner or the
// counter read it.
type checkInRequest struct {
	Code string `json:"code"`
	// Kiosk may name the kiosk the credential proves; another is refused.
	Kiosk string `json:"kiosk"`
}

// checkIn checks in, at the kiosk of the request's credential, the online
// number whose code its scanner read, and prints its ticket like a walk-in's.
func (s *Server) checkIn(c *gin.Context) {
	var req checkInRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	k := c.MustGet("kiosk").(config.Kiosk)
	if req.Kiosk != "" && req.Kiosk != k.ID {
		s.fail(c, &wrongKioskError{kiosk: k.ID})
		return
	}
	s.checkInAtKiosk(c, k, req.Code)
}

// checkInAtKiosk checks code in at kiosk k, prints its ticket on k's
// printer and answers 201 with the ticket.
func (s *Server) checkInAtKiosk(c *gin.Context, k config.Kiosk, code string) {
	t, err := s.checkInCode(c, code, k.ID, s.kioskPrint(k))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.created(c, s.issuePrint(c, t))
}

// counterCheckIn checks in the online number whose code the counter's
// staff entered (a hand scanner typing it): it joins its field's queue
// like one checked in at the kiosk, and is not printed.
func (s *Server) counterCheckIn(c *gin.Context) {
	var req checkInRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.checkInCode(c, req.Code, "", queue.PrintNone)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.created(c, t)
}

// checkInCode verifies code with the hub's key and checks its booking in.
// Neither the code nor the person it names is logged.
func (s *Server) checkInCode(c *gin.Context, code, kiosk string, print queue.PrintState) (queue.Ticket, error) {
	if strings.TrimSpace(code) == "" {
		return queue.Ticket{}, invalid(msg.FieldBookingCode, "code")
	}
	var v *booking.Verifier
	if s.bookings != nil {
		v = s.bookings.Verifier()
	}
	if v == nil {
		return queue.Ticket{}, errNoBookingKey
	}
	tk, err := v.Verify(code)
	if err != nil {
		return queue.Ticket{}, err
	}
	if tk.Center != s.cfg.Hub.Center {
		return queue.Ticket{}, &otherCenterError{center: tk.Center}
	}
	if s.bookings.Cancelled(tk.ID) {
		return queue.Ticket{}, errBookingCancelled
	}
	t, err := s.engine.CheckIn(c.Request.Context(), queue.CheckInRequest{Booking: tk.ID, Service: tk.Field,
		Person: tk.Person, Day: tk.Day, From: tk.From, To: tk.To, Grace: s.cfg.Online.Grace, Kiosk: kiosk, Print: print})
	if errors.Is(err, queue.ErrBookingExpired) || errors.Is(err, queue.ErrBookingDay) {
		return t, &bookingError{booking: tk, err: err}
	}
	if err == nil {
		s.log.Info("online number checked in", "ticket", t.Number, "booking", tk.ID, "kiosk", kiosk)
		s.watchBooking(c, tk.ID, t)
	}
	return t, err
}

// watchBooking follows the ticket checked in from booking with the phone
// its booker consented to messages at (notify.Notifier.WatchBooking), as
// if typed at the kiosk. The ticket stands whatever happens to this.
func (s *Server) watchBooking(c *gin.Context, booking string, t queue.Ticket) {
	if s.notifier == nil {
		return
	}
	if _, err := s.notifier.WatchBooking(c.Request.Context(), booking, t.ID); err != nil && !errors.Is(err, notify.ErrDisabled) {
		s.log.Warn("notify: the online number's messages are not followed", "ticket", t.Number, "booking", booking, "err", err)
	}
}

// bookingRules answer what checkInCode refuses.
func (s *Server) bookingRules() []rule {
	is := func(kind error, status int, id msg.ID) rule {
		return rule{kind: kind, answer: answer{status: status, id: id}}
	}
	return []rule{
		is(errNoBookingKey, http.StatusServiceUnavailable, msg.BookingNoKey),
		is(booking.ErrNotBooking, http.StatusBadRequest, msg.BookingInvalid),
		is(booking.ErrForged, http.StatusBadRequest, msg.BookingForged),
		is(errBookingCancelled, http.StatusConflict, msg.BookingCancelled),
		{match: func(err error) (answer, bool) {
			var oc *otherCenterError
			var be *bookingError
			var used *queue.BookingUsedError
			switch {
			case errors.As(err, &oc):
				return answer{status: http.StatusConflict, id: msg.BookingOtherCenter, vars: []string{"center", oc.center}}, true
			case errors.As(err, &be) && errors.Is(be.err, queue.ErrBookingDay):
				day := be.booking.Day
				if d, err := time.Parse(time.DateOnly, day); err == nil {
					day = d.Format("02/01/2006")
				}
				return answer{status: http.StatusConflict, id: msg.BookingDay, vars: []string{"day", day}}, true
			case errors.As(err, &be):
				window := s.clock(be.booking.From) + "-" + s.clock(be.booking.To)
				return answer{status: http.StatusGone, id: msg.BookingExpired,
					vars: []string{"window", window, "grace", strconv.Itoa(int(s.cfg.Online.Grace.Minutes()))}}, true
			case errors.As(err, &used):
				return answer{status: http.StatusConflict, id: msg.BookingUsed,
						vars:  []string{"number", used.Ticket.Number, "at", s.clock(used.Ticket.IssuedAt)},
						extra: func(_ *gin.Context, _ error, body gin.H) { body["number"] = used.Ticket.Number }},
					true
			}
			return answer{}, false
		}},
	}
}
