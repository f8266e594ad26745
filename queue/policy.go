package queue

import "time"

// pick chooses the next ticket for counter c at time now, or nil:
//  1. a priority ticket of any field the counter serves, the longest waiting
//     first;
//  2. otherwise, under PolicyOrder, the head of the first of the counter's
//     fields that has someone waiting; under PolicyLongestWait, the head whose
//     wait multiplied by its field's weight is largest (ties go to the field
//     listed first);
//  3. only when no ticket of its other fields waits, the same among the
//     lanes it serves (Field.Lane): a lane never takes a citizen's place.
//
// Caller holds e.mu.
func (e *Engine) pick(c *Counter, now time.Time) *Ticket {
	if t := e.pickAmong(c, now, false); t != nil {
		return t
	}
	return e.pickAmong(c, now, true)
}

// pickAmong is pick among the lanes the counter serves (lanes) or among its
// other fields. Caller holds e.mu.
func (e *Engine) pickAmong(c *Counter, now time.Time, lanes bool) *Ticket {
	var best *Ticket
	for _, s := range c.Services {
		if e.fields[s].Lane != lanes {
			continue
		}
		if t := e.queues[s].head(true); t != nil && (best == nil || ticketOrder(t, best) < 0) {
			best = t
		}
	}
	if best != nil {
		return best
	}
	bestScore := -1.0
	for _, s := range c.Services {
		if e.fields[s].Lane != lanes {
			continue
		}
		t := e.queues[s].head(false)
		if t == nil {
			continue
		}
		if c.Policy == PolicyOrder {
			return t
		}
		w, ok := c.Weights[s]
		if !ok {
			w = 1
		}
		// +1 s so a ticket issued this instant still weighs by its field.
		score := (now.Sub(t.QueuedAt).Seconds() + 1) * w
		if score > bestScore {
			best, bestScore = t, score
		}
	}
	return best
}
