package outbox

import (
	"context"
	"fmt"
	"strings"
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

// ParseQuiet reads quiet hours written "21:00-07:00" (they may wrap
// midnight).
func ParseQuiet(s string) (Quiet, error) {
	a, b, ok := strings.Cut(strings.ReplaceAll(s, " ", ""), "-")
	var h1, m1, h2, m2 int
	if ok {
		_, err1 := fmt.Sscanf(a, "%d:%d", &h1, &m1)
		_, err2 := fmt.Sscanf(b, "%d:%d", &h2, &m2)
		ok = err1 == nil && err2 == nil && len(a) == 5 && len(b) == 5
	}
	if !ok || h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0 {
		return Quiet{}, fmt.Errorf("%q: write quiet hours as HH:MM-HH:MM, e.g. 21:00-07:00", s)
	}
	q := Quiet{From: h1*60 + m1, To: h2*60 + m2}
	if q.From == q.To {
		return Quiet{}, fmt.Errorf("%q: an empty period", s)
	}
	return q, nil
}
