package outbox

import (
	"context"
	"time"
)

// Queue is where a Sender takes its messages: Store, the center's outbox
// in SQLite, or the hub's outbox in PostgreSQL (the centers' messages the
// hub sends for them). Every method may be called from several goroutines,
// and every change is durable when it returns.
type Queue interface {
	// OnDecide registers fn, called after each commit that stored
	// messages (the Sender's Wake).
	OnDecide(fn func())
	// Recover puts back the messages a crash left sending, and returns how
	// many: they are sent again with the same key.
	Recover(ctx context.Context) (int64, error)
	// Due returns up to limit pending messages whose time has come at now,
	// oldest first, with their recipient (Item.Phone, Item.Email).
	Due(ctx context.Context, now time.Time, limit int) ([]Item, error)
	// NextDue returns when the earliest pending message falls due; ok
	// false when none is pending.
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)
	// Claim marks a pending message as sending and counts the attempt;
	// false when it was no longer pending (dropped, or claimed by another
	// sender).
	Claim(ctx context.Context, id int64) (bool, error)
	// Settle records the outcome of a send.
	Settle(ctx context.Context, id int64, r Settlement) error
	// Postpone moves a pending message's time to next without counting an
	// attempt.
	Postpone(ctx context.Context, id int64, next time.Time) error
	// Purge deletes the recipients whose retention ended, drops the
	// pending messages left without one, and deletes finished messages
	// older than keep.
	Purge(ctx context.Context, keep time.Duration) error
}

// Settlement is where a message stands after an attempt.
type Settlement struct {
	State      State
	Route      int // the channel tried next (Pending) or last
	Attempts   int // on that channel
	Channel    string
	ProviderID string
	Reason     string
	Next       time.Time // when a Pending message is due again
	At         time.Time // now: a finished message's done time
}
