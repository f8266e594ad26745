package queue

import (
	"context"
	"time"
)

// ServiceSamples is how many recent service durations per field Load hands
// back in Saved.Service.
const ServiceSamples = 20

// Store persists the queue. The SQLite store (queue/sqlite) is the one a
// center runs; a PostgreSQL one for shared province servers fits the same
// interface. Package queue/storetest checks that a Store keeps this contract.
//
// Times come back equal (time.Time.Equal) to what was applied, to the
// millisecond; their zone is not kept.
type Store interface {
	// Load returns what the engine needs to resume: the current day (the
	// last Day applied), the last event sequence number, every ticket of
	// that day and every ticket of an earlier day that is not final, and the
	// recent service durations.
	Load(ctx context.Context) (Saved, error)
	// Apply writes the changes in one transaction, in order: all or nothing.
	// When it returns nil they are durable. It refuses, keeping nothing of
	// the batch, a ticket whose day, origin and seq are another ticket's
	// (a number is given once a day) and an event whose Seq is not above
	// every committed one.
	Apply(ctx context.Context, changes []Change) error
	// Ticket returns any ticket ever issued, or ErrNotFound.
	Ticket(ctx context.Context, id string) (Ticket, error)
	// Tickets returns the tickets issued on the local days from..to
	// (inclusive, "2006-01-02") in the order they were issued, for reports
	// and, at start, the service times the engine estimates waits from
	// (Opts.EstimateDays).
	Tickets(ctx context.Context, from, to string) ([]Ticket, error)
	// Events returns the committed events whose Seq is above after, in Seq
	// order, at most limit of them (all when limit <= 0): what a province
	// hub is shipped, resuming after the last Seq it holds.
	Events(ctx context.Context, after uint64, limit int) ([]Event, error)
}

// Saved is the state a Store hands back to a starting engine.
type Saved struct {
	Day     string // "" for a new store
	Seq     uint64
	Tickets []Ticket
	// Service holds, per field (the ticket's Service), DoneAt-CalledAt of
	// the last ServiceSamples done tickets by DoneAt that were called and
	// took some time, oldest first. The engine no longer reads it: its wait
	// estimates need the time of day of each service, which it takes from
	// Tickets of the last Opts.EstimateDays days when it starts.
	Service map[string][]time.Duration
}
