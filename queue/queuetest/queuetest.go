package queuetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"motcua/queue"
)

// ErrInjected is what a Store told to fail returns.
var ErrInjected = errors.New("queuetest: injected failure")

// Store keeps tickets, events and the day in memory. Give the same Store to
// a second engine to model a restart.
type Store struct {
	mu      sync.Mutex
	day     string
	tickets map[string]queue.Ticket
	numbers map[string]string // "day origin seq" → id: a number is given once a day
	events  []queue.Event
	fail    int
	failLd  int
	applies int
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{tickets: map[string]queue.Ticket{}, numbers: map[string]string{}}
}

// FailNext makes the next n calls of Apply fail with ErrInjected, changing nothing.
func (s *Store) FailNext(n int) {
	s.mu.Lock()
	s.fail = n
	s.mu.Unlock()
}

// FailLoads makes the next n calls of Load fail with ErrInjected.
func (s *Store) FailLoads(n int) {
	s.mu.Lock()
	s.failLd = n
	s.mu.Unlock()
}

// Applies counts the calls of Apply that succeeded (commits).
func (s *Store) Applies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applies
}

// Events implements queue.Store.
func (s *Store) Events(ctx context.Context, after uint64, limit int) ([]queue.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i, _ := slices.BinarySearchFunc(s.events, after+1, func(ev queue.Event, seq uint64) int { return cmp.Compare(ev.Seq, seq) })
	out := s.events[i:]
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return slices.Clone(out), nil
}

// Load implements queue.Store.
func (s *Store) Load(ctx context.Context) (queue.Saved, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failLd > 0 {
		s.failLd--
		return queue.Saved{}, ErrInjected
	}
	out := queue.Saved{Day: s.day, Service: map[string][]time.Duration{}}
	if n := len(s.events); n > 0 {
		out.Seq = s.events[n-1].Seq
	}
	var done []queue.Ticket
	for _, t := range s.tickets {
		if t.Day == s.day || !t.State.Final() {
			out.Tickets = append(out.Tickets, t)
		}
		if t.State == queue.Done && !t.CalledAt.IsZero() && t.DoneAt.After(t.CalledAt) {
			done = append(done, t)
		}
	}
	slices.SortFunc(out.Tickets, func(a, b queue.Ticket) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(done, func(a, b queue.Ticket) int { return a.DoneAt.Compare(b.DoneAt) })
	for _, t := range done {
		out.Service[t.Service] = append(out.Service[t.Service], t.DoneAt.Sub(t.CalledAt))
	}
	for svc, d := range out.Service {
		if len(d) > queue.ServiceSamples {
			out.Service[svc] = d[len(d)-queue.ServiceSamples:]
		}
	}
	return out, nil
}

// Apply implements queue.Store.
func (s *Store) Apply(ctx context.Context, changes []queue.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		return ErrInjected
	}
	last := uint64(0)
	if n := len(s.events); n > 0 {
		last = s.events[n-1].Seq
	}
	seen := map[string]string{}
	for _, ch := range changes { // check everything first: all or nothing
		for _, ev := range ch.Events {
			if ev.Seq <= last {
				return errors.New("queuetest: event sequence went back")
			}
			last = ev.Seq
		}
		for _, t := range ch.Tickets {
			key := fmt.Sprint(t.Day, " ", t.Origin, " ", t.Seq)
			if id, ok := s.numbers[key]; ok && id != t.ID {
				return errors.New("queuetest: number " + t.Number + " issued twice")
			}
			if id, ok := seen[key]; ok && id != t.ID {
				return errors.New("queuetest: number " + t.Number + " issued twice")
			}
			seen[key] = t.ID
		}
	}
	for _, ch := range changes {
		s.events = append(s.events, ch.Events...)
		for _, t := range ch.Tickets {
			s.tickets[t.ID] = t
			s.numbers[fmt.Sprint(t.Day, " ", t.Origin, " ", t.Seq)] = t.ID
		}
		if ch.Day != "" {
			s.day = ch.Day
		}
	}
	s.applies++
	return nil
}

// Ticket implements queue.Store.
func (s *Store) Ticket(ctx context.Context, id string) (queue.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tickets[id]
	if !ok {
		return queue.Ticket{}, queue.ErrNotFound
	}
	return t, nil
}

// Tickets implements queue.Store.
func (s *Store) Tickets(ctx context.Context, from, to string) ([]queue.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []queue.Ticket
	for _, t := range s.tickets {
		if t.Day >= from && t.Day <= to {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b queue.Ticket) int { return a.IssuedAt.Compare(b.IssuedAt) })
	return out, nil
}

var _ queue.Store = (*Store)(nil)
