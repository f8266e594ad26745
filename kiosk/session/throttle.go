package session

import (
	"context"
	"fmt"
	"sync"
	"time"

	"motcua/internal/clock"
)

// ThrottleOpts configure a Throttle; zero fields take the defaults.
type ThrottleOpts struct {
	// Free failures pass without waiting (default 5); each later one
	// doubles the wait, from First (default 1 s) up to Max (default 15 min).
	Free  int
	First time.Duration
	Max   time.Duration
	// Forget is how long after its last failure a key starts afresh
	// (default 1 h; never less than Max).
	Forget time.Duration
	// Compares is how many password comparisons may run at once (default 1:
	// on a two-core Pi a login flood keeps the other core for the queue).
	Compares int
	// MaxKeys bounds the keys remembered (default 10,000); past it the
	// forgotten ones are dropped first, then the oldest.
	MaxKeys int
	Clock   clock.Clock // default clock.System
}

// Throttle counts failed logins per key (an account, an address) and says
// how long a key must wait before its next try.
type Throttle struct {
	o   ThrottleOpts
	now func() time.Time
	sem chan struct{}

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	n     int
	last  time.Time
	until time.Time
}

// NewThrottle returns a throttle with no failures yet.
func NewThrottle(o ThrottleOpts) *Throttle {
	if o.Free <= 0 {
		o.Free = 5
	}
	if o.First <= 0 {
		o.First = time.Second
	}
	if o.Max <= 0 {
		o.Max = 15 * time.Minute
	}
	if o.Forget <= 0 {
		o.Forget = time.Hour
	}
	o.Forget = max(o.Forget, o.Max)
	if o.Compares <= 0 {
		o.Compares = 1
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = 10_000
	}
	return &Throttle{o: o, now: clock.Or(o.Clock).Now, sem: make(chan struct{}, o.Compares), keys: map[string]*failures{}}
}

// Wait is how long the longest-waiting of keys must still wait; 0: they
// may try now.
func (t *Throttle) Wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range keys {
		if f := t.live(k, now); f != nil && f.until.After(now) {
			wait = max(wait, f.until.Sub(now))
		}
	}
	return wait
}

// Fail records a failed try for each of keys.
func (t *Throttle) Fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range keys {
		f := t.live(k, now)
		if f == nil {
			t.makeRoom(now)
			f = &failures{}
			t.keys[k] = f
		}
		f.n++
		f.last = now
		if f.n >= t.o.Free {
			f.until = now.Add(t.delay(f.n))
		}
	}
}

// Reset forgets key's failures (the account logged in).
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// delay is the wait after the nth failure, n >= Free.
func (t *Throttle) delay(n int) time.Duration {
	d := t.o.First
	for i := t.o.Free; i < n && d < t.o.Max; i++ {
		d *= 2
	}
	return min(d, t.o.Max)
}

// live returns key's failures unless they are forgotten (then deleted).
func (t *Throttle) live(key string, now time.Time) *failures {
	f, ok := t.keys[key]
	if !ok {
		return nil
	}
	if now.Sub(f.last) >= t.o.Forget {
		delete(t.keys, key)
		return nil
	}
	return f
}

// makeRoom drops forgotten keys, then the oldest, when the map is full.
func (t *Throttle) makeRoom(now time.Time) {
	if len(t.keys) < t.o.MaxKeys {
		return
	}
	oldest, at := "", now
	for k, f := range t.keys {
		if now.Sub(f.last) >= t.o.Forget {
			delete(t.keys, k)
		} else if !f.last.After(at) {
			oldest, at = k, f.last
		}
	}
	if len(t.keys) >= t.o.MaxKeys {
		delete(t.keys, oldest)
	}
}

// Compare runs fn (a password comparison) in one of the throttle's slots,
// waiting for one until ctx ends; it returns ctx's error then.
func (t *Throttle) Compare(ctx context.Context, fn func()) error {
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("session: no free password comparison: %w", ctx.Err())
	}
	defer func() { <-t.sem }()
	fn()
	return nil
}
