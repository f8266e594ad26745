// Package hubtest holds fakes for tests of the hub and its centers: an
// in-memory hub Store that counts what it is given, and a TCP proxy whose
// link can be cut. They are for tests only; the hub's store is PostgreSQL.
package hubtest

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"motcua/province/wire"
	"motcua/queue"
)

// Store is an in-memory hub.Store. Safe for concurrent use.
type Store struct {
	mu       sync.Mutex
	events   map[string]map[uint64]queue.Event
	offered  map[string]int // events offered, repeats included
	status   map[string]wire.Status
	seen     map[string]time.Time
	bundles  map[string]wire.Bundle
	failNext int
	changed  chan struct{}
}

// NewStore is an empty Store.
func NewStore() *Store {
	return &Store{events: map[string]map[uint64]queue.Event{}, offered: map[string]int{},
		status: map[string]wire.Status{}, seen: map[string]time.Time{}, bundles: map[string]wire.Bundle{},
		changed: make(chan struct{})}
}

// ErrDown is what a Store told to fail answers.
var ErrDown = errors.New("hubtest: store down")

// FailNext makes the next n Ingest calls fail with ErrDown.
func (s *Store) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Ingest keeps events new by (center, seq).
func (s *Store) Ingest(ctx context.Context, center string, events []queue.Event) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return 0, ErrDown
	}
	m := s.events[center]
	if m == nil {
		m = map[uint64]queue.Event{}
		s.events[center] = m
	}
	added := 0
	for _, e := range events {
		s.offered[center]++
		if _, ok := m[e.Seq]; !ok {
			m[e.Seq] = e
			added++
		}
	}
	s.broadcast()
	return added, nil
}

// SetStatus keeps st.
func (s *Store) SetStatus(_ context.Context, center string, st wire.Status, seen time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[center] = st
	s.seen[center] = seen
	s.broadcast()
	return nil
}

// Bundle is what SetBundle put for center, with the highest seq held.
func (s *Store) Bundle(_ context.Context, center string) (wire.Bundle, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.bundles[center]
	for seq := range s.events[center] {
		b.Held = max(b.Held, seq)
	}
	return b, nil
}

// SetBundle publishes b for center.
func (s *Store) SetBundle(center string, b wire.Bundle) {
	s.mu.Lock()
	s.bundles[center] = b
	s.mu.Unlock()
}

// Events are the events held of center, in seq order.
func (s *Store) Events(center string) []queue.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]queue.Event, 0, len(s.events[center]))
	for _, e := range s.events[center] {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// Status is the last status of center and when it was seen.
func (s *Store) Status(center string) (wire.Status, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.status[center]
	return st, s.seen[center], ok
}

// Wait returns when cond holds (checked after each change) or ctx ends.
func (s *Store) Wait(ctx context.Context, cond func(*Store) bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond(s) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Store) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}
