package clocktest

import (
	"context"
	"sync"
	"time"
)

// Fake is a settable clock. The zero value stands at the zero time; use New.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	changed chan struct{} // closed and replaced whenever waiters change
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// New returns a fake clock standing at t.
func New(t time.Time) *Fake { return &Fake{now: t, changed: make(chan struct{})} }

// Now returns the fake's time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// After delivers the fake's time once it has moved d past now.
func (f *Fake) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- f.now
		return ch
	}
	f.waiters = append(f.waiters, waiter{at: f.now.Add(d), ch: ch})
	f.signal()
	return ch
}

// Set moves the clock to t (forward or back) and releases the waiters whose
// deadline it reached.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t
	kept := f.waiters[:0]
	for _, w := range f.waiters {
		if !w.at.After(t) {
			w.ch <- t
			continue
		}
		kept = append(kept, w)
	}
	clear(f.waiters[len(kept):])
	f.waiters = kept
	f.signal()
}

// Advance moves the clock forward by d.
func (f *Fake) Advance(d time.Duration) { f.Set(f.Now().Add(d)) }

// Waiters is how many calls of After wait for the clock to move.
func (f *Fake) Waiters() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}

// Next returns the earliest deadline a waiter waits for, and false when none
// waits.
func (f *Fake) Next() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.waiters) == 0 {
		return time.Time{}, false
	}
	next := f.waiters[0].at
	for _, w := range f.waiters[1:] {
		if w.at.Before(next) {
			next = w.at
		}
	}
	return next, true
}

// WaitForWaiters blocks until at least n calls of After wait, or ctx ends;
// it reports whether they do. A test calls it before Advance so that the
// goroutine under test has started to wait.
func (f *Fake) WaitForWaiters(ctx context.Context, n int) bool {
	for {
		f.mu.Lock()
		if f.changed == nil {
			f.changed = make(chan struct{})
		}
		got, changed := len(f.waiters), f.changed
		f.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-changed:
		}
	}
}

// signal wakes WaitForWaiters. Caller holds f.mu.
func (f *Fake) signal() {
	if f.changed != nil {
		close(f.changed)
	}
	f.changed = make(chan struct{})
}
