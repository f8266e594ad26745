package clock

import (
	"context"
	"time"
)

// Clock tells the time and waits.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After delivers the time on the returned channel once d has passed
	// (at once for d <= 0), like time.After.
	After(d time.Duration) <-chan time.Time
}

// System is the machine's clock.
type System struct{}

// Now returns time.Now().
func (System) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (System) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Or returns c, or System when c is nil: the default of every Opts.Clock.
func Or(c Clock) Clock {
	if c == nil {
		return System{}
	}
	return c
}

// Sleep waits d on c, or until ctx ends; it returns ctx.Err() in that case.
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.After(d):
		return nil
	}
}
