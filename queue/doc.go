// Package queue is the engine of a center's queue: its fields (lĩnh vực),
// counters (quầy) and tickets, the calling policy, per-field numbering with a
// daily reset at local midnight, opening hours and daily caps, and the ordered
// events that screens, printers and metrics follow.
//
// The engine knows nothing of HTTP or SQL. It keeps the current day in memory
// and persists every change through a Store before the operation returns:
// an operation that returned a ticket without error has been committed.
// Concurrent operations are serialised by one mutex; their changes go to one
// committer goroutine that writes them in batches (group commit), so many
// tickets share one durable commit without any being acknowledged before it.
//
// An online number booked at the hub enters the queue by CheckIn, ranked
// as a walk-in issued at its window's start, once per booking (Ticket.Booking).
//
// Who takes a number is kept with the ticket as a keyed hash (Person), so
// that Opts.Caps limit one person's numbers a day and per field, counted
// from the day's tickets. A field may be a lane (Field.Lane: agents,
// businesses), called only when no citizen waits at a counter that also
// serves it; a priority ticket may name its category (Opts.Categories).
//
// Every change carries Events with a strictly increasing sequence number.
// Listeners registered with OnEvents receive them in order, after the commit.
//
// Board is the one projection of the queue that screens, pages and
// notifiers follow: built from a Snapshot and kept current by the events,
// it holds each field's waiting tickets in calling order, what each counter
// holds and completed last, and the recent calls, and says for each event
// whose place in a queue changed. A Board is not safe for concurrent use;
// its owner serialises it.
//
// All methods of Engine are safe for concurrent use. Run owns the committer
// and the midnight timer; it stops when its context ends.
package queue
