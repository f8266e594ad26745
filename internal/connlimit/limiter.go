package connlimit

import (
	"net"
	"sync"
)

// Opts are the caps of a Limiter; a cap <= 0 is no cap.
type Opts struct {
	// Total is the most connections held by everyone together.
	Total int
	// PerAddr is the most one address holds.
	PerAddr int
	// Busy is how many connections an address may still open once the
	// total is above three quarters of Total: the last quarter is kept for
	// addresses holding fewer than Busy, so a few heavy addresses cannot
	// take every slot. Default 8 (at most PerAddr).
	Busy int
}

// DefaultBusy is Opts.Busy when unset.
const DefaultBusy = 8

// Limiter counts held connections by key. It is safe for concurrent use.
type Limiter struct {
	o Opts

	mu      sync.Mutex
	total   int
	perAddr map[string]int
	refused uint64
}

// New returns a Limiter with the caps of o.
func New(o Opts) *Limiter {
	if o.Busy <= 0 {
		o.Busy = DefaultBusy
	}
	if o.PerAddr > 0 && o.Busy > o.PerAddr {
		o.Busy = o.PerAddr
	}
	return &Limiter{o: o, perAddr: map[string]int{}}
}

// Acquire takes a slot for key. When a cap refuses it, ok is false and
// nothing is held; otherwise release gives the slot back (once, however
// often it is called).
func (l *Limiter) Acquire(key string) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.perAddr[key]
	switch {
	case l.o.Total > 0 && l.total >= l.o.Total,
		l.o.PerAddr > 0 && n >= l.o.PerAddr,
		l.o.Total > 0 && 4*l.total >= 3*l.o.Total && n >= l.o.Busy:
		l.refused++
		return nil, false
	}
	l.total++
	l.perAddr[key] = n + 1
	var once sync.Once
	return func() { once.Do(func() { l.release(key) }) }, true
}

func (l *Limiter) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if n := l.perAddr[key] - 1; n > 0 {
		l.perAddr[key] = n
	} else {
		delete(l.perAddr, key)
	}
}

// Stats are a Limiter's counters.
type Stats struct {
	Held    int    `json:"held"`    // connections held now
	Addrs   int    `json:"addrs"`   // addresses holding at least one
	Refused uint64 `json:"refused"` // refused since start
	Total   int    `json:"total"`   // the caps, 0: none
	PerAddr int    `json:"per_addr"`
}

// Stats returns the counters now.
func (l *Limiter) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{Held: l.total, Addrs: len(l.perAddr), Refused: l.refused, Total: l.o.Total, PerAddr: l.o.PerAddr}
}

// Key is the address part of a remote address ("192.0.2.7:51234" gives
// "192.0.2.7"); a string that is not HOST:PORT is its own key.
func Key(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}
