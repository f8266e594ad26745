package queue

import (
	"context"
	"fmt"
	"sync"
)

// committer writes the engine's changes in the order they were made, as many
// as are waiting (up to max) in one Store.Apply: group commit. No operation
// returns before its change is durable.
type committer struct {
	e     *Engine
	store Store
	max   int

	mu      sync.Mutex
	cond    *sync.Cond
	pending []*pendingChange
	closed  bool
}

type pendingChange struct {
	change Change
	done   chan error
}

func newCommitter(e *Engine, s Store, max int) *committer {
	c := &committer{e: e, store: s, max: max}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// enqueue adds ch behind every change made before it. The engine calls it
// holding its own mutex, so the order of the queue is the order of the
// changes. The returned func waits for the commit.
func (c *committer) enqueue(ch Change) func() error {
	p := &pendingChange{change: ch, done: make(chan error, 1)}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		p.done <- ErrClosed
	} else {
		c.pending = append(c.pending, p)
		c.cond.Signal()
		c.mu.Unlock()
	}
	return func() error { return <-p.done }
}

// run commits until close, then commits what is left.
func (c *committer) run() {
	for {
		c.mu.Lock()
		for len(c.pending) == 0 && !c.closed {
			c.cond.Wait()
		}
		if len(c.pending) == 0 {
			c.mu.Unlock()
			return
		}
		n := min(len(c.pending), c.max)
		batch := c.pending[:n:n]
		c.pending = c.pending[n:]
		c.mu.Unlock()
		c.write(batch)
	}
}

func (c *committer) write(batch []*pendingChange) {
	changes := make([]Change, len(batch))
	var events []Event
	for i, p := range batch {
		changes[i] = p.change
		events = append(events, p.change.Events...)
	}
	if err := c.store.Apply(context.Background(), changes); err != nil {
		err = fmt.Errorf("queue: commit: %w", err)
		for _, p := range batch {
			p.done <- err
		}
		c.recover(err)
		return
	}
	if len(events) > 0 {
		c.e.publish(events)
	}
	for _, p := range batch {
		p.done <- nil
	}
}

// recover is called after a failed commit: the engine's memory holds changes
// that are not in the store. Every change queued since was made on top of
// them, so they fail too, and the engine reloads what the store holds.
func (c *committer) recover(cause error) {
	e := c.e
	e.mu.Lock()
	defer e.mu.Unlock()
	c.mu.Lock()
	rest := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, p := range rest {
		p.done <- cause
	}
	if err := e.load(context.Background()); err != nil {
		// The memory still holds what was not committed: no operation may
		// build on it. The next one reloads first (fresh) or fails.
		e.stale = err
		e.log.Error("queue: commit failed and the state could not be reloaded; operations are refused until it can", "err", cause, "reload_err", err)
		return
	}
	e.log.Error("queue: commit failed; state reloaded from the store", "err", cause)
}

// fresh reloads the state if a failed commit could not; an operation that
// finds it still stale fails. Caller holds e.mu.
func (e *Engine) fresh(ctx context.Context) error {
	if e.stale == nil {
		return nil
	}
	if err := e.load(ctx); err != nil {
		return fmt.Errorf("queue: state not reloaded after a failed commit: %w", err)
	}
	e.stale = nil
	e.log.Info("queue: state reloaded from the store")
	return nil
}

// close stops taking changes; run commits those already queued and returns.
func (c *committer) close() {
	c.mu.Lock()
	c.closed = true
	c.cond.Broadcast()
	c.mu.Unlock()
}
