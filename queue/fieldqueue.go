package queue

import (
	"cmp"
	"slices"
)

// fieldQueue holds the tickets waiting in one field: priority tickets apart,
// each list ordered by QueuedAt, then by number.
type fieldQueue struct {
	priority []*Ticket
	normal   []*Ticket
}

func ticketOrder(a, b *Ticket) int {
	if c := a.QueuedAt.Compare(b.QueuedAt); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Origin, b.Origin); c != 0 {
		return c
	}
	return cmp.Compare(a.Seq, b.Seq)
}

func (q *fieldQueue) list(priority bool) *[]*Ticket {
	if priority {
		return &q.priority
	}
	return &q.normal
}

// insert places t by its order; new tickets land at the end in O(1).
func (q *fieldQueue) insert(t *Ticket) {
	l := q.list(t.Priority)
	if n := len(*l); n == 0 || ticketOrder((*l)[n-1], t) <= 0 {
		*l = append(*l, t)
		return
	}
	i, _ := slices.BinarySearchFunc(*l, t, ticketOrder)
	*l = slices.Insert(*l, i, t)
}

// remove takes t out of the queue; it reports whether t was there. The
// head, which every call takes, goes in O(1).
func (q *fieldQueue) remove(t *Ticket) bool {
	l := q.list(t.Priority)
	if len(*l) > 0 && (*l)[0] == t {
		(*l)[0] = nil
		*l = (*l)[1:]
		return true
	}
	i := slices.Index(*l, t)
	if i < 0 {
		return false
	}
	*l = slices.Delete(*l, i, i+1)
	return true
}

// index is where t stands in l, -1 when it is not there. The ticket just
// issued, at the end, is found at once.
func index(l []*Ticket, t *Ticket) int {
	if n := len(l); n > 0 && l[n-1] == t {
		return n - 1
	}
	return slices.Index(l, t)
}

// head returns the first ticket of the priority or normal list, or nil.
func (q *fieldQueue) head(priority bool) *Ticket {
	if l := *q.list(priority); len(l) > 0 {
		return l[0]
	}
	return nil
}

func (q *fieldQueue) len() int { return len(q.priority) + len(q.normal) }

// ahead counts the tickets of this queue that come before t.
func (q *fieldQueue) ahead(t *Ticket) int {
	if t.Priority {
		return index(q.priority, t)
	}
	i := index(q.normal, t)
	if i < 0 {
		return -1
	}
	return len(q.priority) + i
}

func (q *fieldQueue) all() []*Ticket {
	return append(slices.Clone(q.priority), q.normal...)
}

func (q *fieldQueue) reset() { q.priority, q.normal = nil, nil }
