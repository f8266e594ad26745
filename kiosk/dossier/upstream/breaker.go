package upstream

import (
	"sync"
	"time"
)

// BreakerState is the state of the circuit breaker in front of the main system.
type BreakerState int

// The breaker states.
const (
	BreakerClosed   BreakerState = iota // requests go through
	BreakerOpen                         // requests fail at once until the cool-down ends
	BreakerHalfOpen                     // one probe request goes through; the others fail at once
)

func (s BreakerState) String() string {
	switch s {
	case BreakerOpen:
		return "open"
	case BreakerHalfOpen:
		return "half-open"
	}
	return "closed"
}

// outcome is how a request that the breaker let through ended.
type outcome int

const (
	success outcome = iota // the system answered (a dossier or "not found")
	failure                // no usable answer: timeout, refused, 5xx, garbage
	ignored                // the caller gave up; says nothing about the system
)

// breaker opens after threshold consecutive failures, lets one probe through
// after cooldown, and closes when a probe succeeds.
type breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time

	mu       sync.Mutex
	state    BreakerState
	failures int
	openedAt time.Time
	probing  bool
}

// allow reports whether a request may go to the system now. Every allowed
// request must be followed by exactly one done.
func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case BreakerOpen:
		if b.now().Sub(b.openedAt) < b.cooldown {
			return false
		}
		b.state = BreakerHalfOpen
		b.probing = true
		return true
	case BreakerHalfOpen:
		if b.probing {
			return false
		}
		b.probing = true
		return true
	}
	return true
}

// done records how an allowed request ended and returns the state after it
// and whether the state changed.
func (b *breaker) done(o outcome) (BreakerState, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	before := b.state
	if b.state == BreakerHalfOpen {
		b.probing = false
	}
	switch o {
	case success:
		b.failures = 0
		b.state = BreakerClosed
	case failure:
		b.failures++
		if b.state == BreakerHalfOpen || b.failures >= b.threshold {
			b.state = BreakerOpen
			b.openedAt = b.now()
		}
	}
	return b.state, b.state != before
}

func (b *breaker) current() BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}
