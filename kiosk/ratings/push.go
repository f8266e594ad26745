package ratings

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"motcua/internal/clock"
)

// Sender delivers one rating to the main system; an error leaves it for
// the next round.
type Sender func(ctx context.Context, r Rated) error

// PushOpts configures a Pusher.
type PushOpts struct {
	Store *Store
	Send  Sender
	// Every is the pause between rounds; default 30 s. A round sends at
	// most Batch ratings (default 50), oldest first, and stops at the first
	// failure (the system is down: the rest waits).
	Every time.Duration
	Batch int
	// Timeout bounds one send; default 5 s.
	Timeout time.Duration
	Clock   clock.Clock
	Logger  *slog.Logger
}

// Pusher sends each stored rating to the main system until it is
// acknowledged: at least once, in order, across restarts.
type Pusher struct{ o PushOpts }

// NewPusher checks opts.
func NewPusher(o PushOpts) (*Pusher, error) {
	if o.Store == nil || o.Send == nil {
		return nil, errors.New("ratings: pusher needs a store and a sender")
	}
	if o.Every <= 0 {
		o.Every = 30 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 50
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	o.Clock = clock.Or(o.Clock)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Pusher{o: o}, nil
}

// Run pushes until ctx ends.
func (p *Pusher) Run(ctx context.Context) {
	for {
		p.Round(ctx)
		if clock.Sleep(ctx, p.o.Clock, p.o.Every) != nil {
			return
		}
	}
}

// Round sends the pending ratings once and returns how many were
// acknowledged.
func (p *Pusher) Round(ctx context.Context) int {
	list, err := p.o.Store.Pending(ctx, p.o.Batch)
	if err != nil {
		p.o.Logger.Error("ratings: pending ratings not read", "err", err)
		return 0
	}
	sent := 0
	for _, r := range list {
		sctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
		err := p.o.Send(sctx, r)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				p.o.Logger.Warn("ratings: push failed, retried next round", "ticket", r.Number, "err", err)
				if ferr := p.o.Store.Failed(ctx, r.TicketID, err); ferr != nil {
					p.o.Logger.Error("ratings: failure not recorded", "err", ferr)
				}
			}
			return sent
		}
		if err := p.o.Store.Pushed(ctx, r.TicketID); err != nil {
			p.o.Logger.Error("ratings: acknowledged push not recorded (sent again next round)", "err", err)
			return sent
		}
		sent++
	}
	return sent
}
