package queue

import "errors"

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
	ErrSameService     = errors.New("queue: ticket is already in that field")
	ErrBadState        = errors.New("queue: not allowed in the ticket's state")
	ErrBadRating       = errors.New("queue: rating must be 1, 2 or 3")
	ErrClosed          = errors.New("queue: engine stopped")
)
