package queue

import (
	"cmp"
	"context"
	"fmt"
	"time"
)

// CheckInRequest puts an online number in the queue: a booking the hub
// made for one person, one field and one window of a day, whose signature
// the caller has checked.
type CheckInRequest struct {
	// Booking is the booking's id: it becomes a ticket once.
	Booking string
	Service string
	// Person is who booked (the keyed hash of their ID number); required:
	// Opts.Caps count the ticket like any other.
	Person string
	// Day is the booking's local day; From and To its window. The ticket
	// ranks as a walk-in issued at From (its QueuedAt), and the booking is
	// checked in until To plus Grace.
	Day      string
	From, To time.Time
	Grace    time.Duration
	Kiosk    string
	Print    PrintState
}

// CheckIn gives the booking its number in the field: numbered like the
// field's walk-ins, queued at the window's start. It does not follow the
// field's opening hours or daily cap (the hub gave the booking against the
// field's online quota) but does follow Opts.Caps. It fails with
// ErrUnknownService, ErrBookingDay, ErrBookingExpired, a *BookingUsedError
// (ErrBookingUsed) or a *CapError (ErrPersonCap) and changes nothing then.
func (e *Engine) CheckIn(ctx context.Context, r CheckInRequest) (Ticket, error) {
	if r.Booking == "" || r.Person == "" || !r.To.After(r.From) {
		return Ticket{}, fmt.Errorf("queue: check-in needs a booking, a person and a window")
	}
	return e.apply(func(now time.Time, ch *Change) (Ticket, error) {
		f, ok := e.fields[r.Service]
		if !ok {
			return Ticket{}, ErrUnknownService
		}
		for _, t := range e.persons[r.Person] {
			if t.Booking == r.Booking {
				return Ticket{}, &BookingUsedError{Ticket: *t}
			}
		}
		if r.Day != e.day {
			return Ticket{}, ErrBookingDay
		}
		if now.After(r.To.Add(r.Grace)) {
			return Ticket{}, ErrBookingExpired
		}
		if err := e.checkCaps(r.Person, f.Code, nil); err != nil {
			return Ticket{}, err
		}
		n := e.issued[f.Code]
		if n == 0 {
			n = f.Start
		} else {
			n++
		}
		t := &Ticket{
			ID: e.opts.NewID(), Day: e.day, Origin: f.Code, Seq: n,
			Number: fmt.Sprintf("%s%0*d", f.Code, f.Digits, n), Service: f.Code,
			State: Waiting, Kiosk: r.Kiosk, IssuedAt: now, QueuedAt: r.From.UTC(),
			Print: cmp.Or(r.Print, PrintNone), Person: r.Person, Booking: r.Booking,
		}
		e.issued[f.Code] = n
		e.byID[t.ID] = t
		e.byNumber[t.Number] = t
		e.takenBy(t)
		e.queues[f.Code].insert(t)
		e.record(ch, EventIssued, t, "", now)
		return *t, nil
	})
}
