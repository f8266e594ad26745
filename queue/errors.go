package queue

import (
	"errors"
	"fmt"
)

// Errors of the engine; the HTTP layer maps each to a status and a code.
var (
	ErrQueueEmpty      = errors.New("queue: nobody is waiting")
	ErrUnknownService  = errors.New("queue: unknown field")
	ErrUnknownCounter  = errors.New("queue: unknown counter")
	ErrServiceClosed   = errors.New("queue: field closed at this hour")
	ErrDailyCapReached = errors.New("queue: daily cap reached")
	ErrNoCurrent       = errors.New("queue: the counter serves no ticket")
	ErrNotFound        = errors.New("queue: no such ticket")
	ErrNotWaiting      = errors.New("queue: ticket is not waiting")
	ErrNotNoShow       = errors.New("queue: ticket was not marked absent")
	ErrSameService     = errors.New("queue: ticket is already in that field")
	ErrBadState        = errors.New("queue: not allowed in the ticket's state")
	ErrBadRating       = errors.New("queue: rating must be 1, 2 or 3")
	ErrClosed          = errors.New("queue: engine stopped")
	ErrUnknownCategory = errors.New("queue: unknown priority category")
	// ErrBookingUsed: the booking was checked in already (a *BookingUsedError).
	ErrBookingUsed = errors.New("queue: booking already checked in")
	// ErrBookingExpired: the booking's window and grace are over.
	ErrBookingExpired = errors.New("queue: booking expired")
	// ErrBookingDay: the booking is for another day than the center's.
	ErrBookingDay = errors.New("queue: booking is for another day")
)

// BookingUsedError is ErrBookingUsed (errors.Is) with the ticket the
// booking became, so that the answer names its number.
type BookingUsedError struct {
	Ticket Ticket
}

func (e *BookingUsedError) Error() string {
	return fmt.Sprintf("queue: booking already checked in as %s", e.Ticket.Number)
}

// Is makes a BookingUsedError an ErrBookingUsed.
func (e *BookingUsedError) Is(target error) bool { return target == ErrBookingUsed }

// NotWaitingError is ErrNotWaiting (errors.Is) with the ticket as it is, so
// that a clerk who calls a number hears where it went: absent, served,
// cancelled, or at a counter.
type NotWaitingError struct {
	Ticket Ticket
}

func (e *NotWaitingError) Error() string {
	return fmt.Sprintf("queue: ticket %s is not waiting (%s)", e.Ticket.Number, e.Ticket.State)
}

// Is makes a NotWaitingError an ErrNotWaiting.
func (e *NotWaitingError) Is(target error) bool { return target == ErrNotWaiting }
