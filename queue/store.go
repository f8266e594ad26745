package queue

import (
	"context"
	"time"
)

// Store persists the queue. The SQLite store (queue/sqlite) is the one a
// center runs; a PostgreSQL one for shared province servers fits the same
// interface.
type Store interface {
	// Load returns what the engine needs to resume: the current day, the last
	// event sequence number, every ticket of that day and every ticket of an
	// earlier day that is not final.
	Load(ctx context.Context) (Saved, error)
	// Apply writes the changes in one transaction, in order: all or nothing.
	// When it returns nil they are durable.
	Apply(ctx context.Context, changes []Change) error
	// Ticket returns any ticket ever issued, or ErrNotFound.
	Ticket(ctx context.Context, id string) (Ticket, error)
	// Tickets returns the tickets issued on the local days from..to
	// (inclusive, "2006-01-02"), for reports.
	Tickets(ctx context.Context, from, to string) ([]Ticket, error)
}

// Saved is the state a Store hands back to a starting engine.
type Saved struct {
	Day     string // "" for a new store
	Seq     uint64
	Tickets []Ticket
	// Service holds recent service durations per field, newest last, to
	// estimate waits from the first ticket after a restart.
	Service map[string][]time.Duration
}
