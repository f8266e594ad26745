package queue

import (
	"cmp"
	"slices"
	"time"
)

// Board is the queue as screens show it: per field the tickets waiting in
// calling order, per counter the ticket it holds and the one it completed
// last, and the recent calls. It is built from a Snapshot and kept current
// by applying the engine's events in seq order; every screen, page and
// notifier follows one, so that no one re-derives the queue's rules.
//
// A Board names tickets by number. It keeps ticket ids inside, to follow a
// ticket through its events and to report positions, but hands out none
// except through Board.Moved and DoneTicket.TicketID, which are for the
// server's own use (notifications, the rating tablet), never for screens.
//
// A Board does no I/O and starts no goroutine. It is not safe for
// concurrent use: the caller serialises Apply, Reset and the readers. What
// the readers return is valid until the next Apply or Reset and must not be
// modified.
type Board struct {
	seq       uint64
	day       string
	fields    []BoardField
	fidx      map[string]int
	counters  []BoardCounter
	cidx      map[string]int
	recent    []Call // oldest first, at most recentMax, without ids
	recentMax int
}

// BoardField is one field and its waiting tickets.
type BoardField struct {
	Code    string
	Name    string
	Waiting []WaitingTicket // calling order: priority first, then by QueuedAt
}

// WaitingTicket is a ticket in a field's queue, without anything about the
// citizen.
type WaitingTicket struct {
	Number   string
	Priority bool
	Category string // the priority category, if any
	Online   bool   // checked in from an online booking
	IssuedAt time.Time
	QueuedAt time.Time

	id     string
	origin string
	seq    int
}

// BoardCounter is one counter, what it holds and what it finished last.
type BoardCounter struct {
	ID       string
	Name     string
	Services []string
	Current  *CurrentTicket // nil when the counter is free
	Last     *DoneTicket    // nil until it completes a ticket
}

// CurrentTicket is the ticket at a counter.
type CurrentTicket struct {
	Number  string
	Service string // the field whose queue it came from (after a transfer, the new one)
	State   State  // Called or Serving
	Since   time.Time
	// Priority is set for a priority ticket, which was called before
	// older ones; Category is its priority category, if any.
	Priority bool
	Category string
	// Online: checked in from an online booking.
	Online bool

	id string
}

// DoneTicket is the ticket a counter completed last.
type DoneTicket struct {
	Number string
	At     time.Time
	Rated  bool

	id string
}

// TicketID is the completed ticket's id, for the server to store a rating
// with it. Screens never receive it.
func (d DoneTicket) TicketID() string { return d.id }

// BoardChange says what one applied event changed on the board.
type BoardChange struct {
	// Fields lists the codes of the fields whose waiting list changed.
	Fields []string
	// Counters lists the ids of the counters whose current or last ticket
	// changed.
	Counters []string
	// Recent is set when the list of recent calls changed.
	Recent bool
	// Edits are the changes to the waiting lists, in order: applied to the
	// lists as they were, they give the lists as they are now. A page
	// that holds the lists follows them without knowing the calling order.
	Edits []QueueEdit
	// cleared holds the ids of the tickets a new day dropped (EditClear
	// names none), for Moved.
	cleared []string
}

// QueueEdit is one change to a field's waiting list.
type QueueEdit struct {
	Field string
	Op    EditOp
	// Index is where Ticket was inserted or from where one was removed.
	Index  int
	Ticket WaitingTicket // the ticket inserted or removed
}

// EditOp is what a QueueEdit does.
type EditOp string

// Edit operations.
const (
	EditInsert EditOp = "insert" // Ticket now stands at Index
	EditRemove EditOp = "remove" // the ticket at Index left
	EditClear  EditOp = "clear"  // the list is empty (a new day)
)

// NewBoard builds a board from a snapshot of the engine.
func NewBoard(s Snapshot) *Board {
	b := &Board{}
	b.Reset(s)
	return b
}

// Reset replaces the whole board by a snapshot.
func (b *Board) Reset(s Snapshot) {
	b.seq, b.day = s.Seq, s.Day
	b.recentMax = max(s.RecentCalls, len(s.Recent), 1)
	b.fields = make([]BoardField, 0, len(s.Fields))
	b.fidx = make(map[string]int, len(s.Fields))
	for _, f := range s.Fields {
		bf := BoardField{Code: f.Code, Name: f.Name, Waiting: make([]WaitingTicket, 0, len(f.Waiting))}
		for i := range f.Waiting {
			bf.Waiting = append(bf.Waiting, waiting(&f.Waiting[i]))
		}
		b.fidx[f.Code] = len(b.fields)
		b.fields = append(b.fields, bf)
	}
	b.counters = make([]BoardCounter, 0, len(s.Counters))
	b.cidx = make(map[string]int, len(s.Counters))
	for _, c := range s.Counters {
		bc := BoardCounter{ID: c.ID, Name: c.Name, Services: slices.Clone(c.Services)}
		if t := c.Current; t != nil {
			bc.Current = current(t)
		}
		if t := c.Last; t != nil {
			bc.Last = &DoneTicket{Number: t.Number, At: t.DoneAt, Rated: t.Rating != 0, id: t.ID}
		}
		b.cidx[c.ID] = len(b.counters)
		b.counters = append(b.counters, bc)
	}
	b.recent = make([]Call, 0, len(s.Recent))
	for _, r := range s.Recent {
		r.ID = ""
		b.recent = append(b.recent, r)
	}
}

func waiting(t *Ticket) WaitingTicket {
	return WaitingTicket{Number: t.Number, Priority: t.Priority, Category: t.Category, Online: t.Booking != "", IssuedAt: t.IssuedAt, QueuedAt: t.QueuedAt,
		id: t.ID, origin: t.Origin, seq: t.Seq}
}

func current(t *Ticket) *CurrentTicket {
	return &CurrentTicket{Number: t.Number, Service: t.Service, State: t.State, Since: t.CalledAt, Priority: t.Priority, Category: t.Category, Online: t.Booking != "", id: t.ID}
}

// callingOrder is the order in which the engine calls a field's tickets:
// priority tickets first, each kind by QueuedAt, then origin, then number
// (fieldQueue and pick).
func callingOrder(a, b WaitingTicket) int {
	if a.Priority != b.Priority {
		if a.Priority {
			return -1
		}
		return 1
	}
	if c := a.QueuedAt.Compare(b.QueuedAt); c != 0 {
		return c
	}
	if c := cmp.Compare(a.origin, b.origin); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// Seq is the seq of the last event the board holds.
func (b *Board) Seq() uint64 { return b.seq }

// Day is the board's local day, "2006-01-02".
func (b *Board) Day() string { return b.day }

// Fields are the fields in config order.
func (b *Board) Fields() []BoardField { return b.fields }

// Field returns one field by code.
func (b *Board) Field(code string) (*BoardField, bool) {
	i, ok := b.fidx[code]
	if !ok {
		return nil, false
	}
	return &b.fields[i], true
}

// Counters are the counters in config order.
func (b *Board) Counters() []BoardCounter { return b.counters }

// Counter returns one counter by id.
func (b *Board) Counter(id string) (*BoardCounter, bool) {
	i, ok := b.cidx[id]
	if !ok {
		return nil, false
	}
	return &b.counters[i], true
}

// Recent are the last calls, oldest first; their ID is empty.
func (b *Board) Recent() []Call { return b.recent }

// Position returns how many tickets are ahead of the ticket with this id in
// its field's queue, or -1 when it does not wait.
func (b *Board) Position(id string) int {
	for _, f := range b.fields {
		for i := range f.Waiting {
			if f.Waiting[i].id == id {
				return i
			}
		}
	}
	return -1
}

// Apply updates the board with ev, which must follow the board's Seq by one
// (a caller that sees a gap resets the board from a new snapshot); an event
// at or below Seq is ignored. It returns what changed.
func (b *Board) Apply(ev Event) BoardChange {
	var ch BoardChange
	if ev.Seq <= b.seq {
		return ch
	}
	b.seq = ev.Seq
	t := &ev.Ticket
	switch ev.Type {
	case EventIssued:
		b.enqueue(&ch, t)
	case EventCalled:
		if !ev.Recall {
			b.dequeue(&ch, t)
		}
		for i := range b.counters { // a ticket is at one counter at a time
			if c := &b.counters[i]; c.ID != ev.Counter && c.Current != nil && c.Current.id == t.ID {
				c.Current = nil
				ch.Counters = append(ch.Counters, c.ID)
			}
		}
		if c, ok := b.Counter(ev.Counter); ok {
			c.Current = current(t)
			ch.Counters = append(ch.Counters, c.ID)
		}
		b.recent = append(b.recent, Call{Ticket: t.Number, Service: t.Service, Counter: ev.Counter, At: ev.At, Recall: ev.Recall, Priority: t.Priority, Category: t.Category})
		if n := len(b.recent) - b.recentMax; n > 0 {
			b.recent = slices.Delete(b.recent, 0, n)
		}
		ch.Recent = true
	case EventStarted:
		if c := b.holding(ev.Counter, t.ID); c != nil {
			c.Current.State = t.State
			ch.Counters = append(ch.Counters, c.ID)
		}
	case EventCompleted:
		if c, ok := b.Counter(ev.Counter); ok {
			if c.Current != nil && c.Current.id == t.ID {
				c.Current = nil
			}
			c.Last = &DoneTicket{Number: t.Number, At: t.DoneAt, id: t.ID}
			ch.Counters = append(ch.Counters, c.ID)
		}
	case EventNoShow:
		if c := b.holding(ev.Counter, t.ID); c != nil {
			c.Current = nil
			ch.Counters = append(ch.Counters, c.ID)
		}
	case EventTransferred:
		if c := b.holding(ev.Counter, t.ID); c != nil {
			c.Current = nil
			ch.Counters = append(ch.Counters, c.ID)
		}
		b.enqueue(&ch, t)
	case EventCancelled:
		b.dequeue(&ch, t)
	case EventReturned:
		b.enqueue(&ch, t)
	case EventRated:
		for i := range b.counters {
			if c := &b.counters[i]; c.Last != nil && c.Last.id == t.ID && !c.Last.Rated {
				c.Last.Rated = true
				ch.Counters = append(ch.Counters, c.ID)
			}
		}
	case EventDayReset:
		b.day = ev.Day
		for i := range b.fields {
			f := &b.fields[i]
			if len(f.Waiting) == 0 {
				continue
			}
			for _, w := range f.Waiting {
				ch.cleared = append(ch.cleared, w.id)
			}
			f.Waiting = f.Waiting[:0]
			ch.Fields = append(ch.Fields, f.Code)
			ch.Edits = append(ch.Edits, QueueEdit{Field: f.Code, Op: EditClear})
		}
		if len(b.recent) > 0 {
			b.recent = b.recent[:0]
			ch.Recent = true
		}
	}
	return ch
}

// holding returns the counter if it holds the ticket with this id.
func (b *Board) holding(counter, id string) *BoardCounter {
	if c, ok := b.Counter(counter); ok && c.Current != nil && c.Current.id == id {
		return c
	}
	return nil
}

// Moved returns, for each ticket whose place in its field's queue ch
// changed (a ticket that joined one included), how many tickets are ahead
// of it now; -1 for a ticket that left the queue (called, cancelled, or
// dropped by a new day). It reads the lists as they are, so it must be
// called before the next Apply. It costs the length of the queues behind
// the edits (a call at the head of a queue moves everyone), which is why
// Apply does not compute it: a consumer that watches a few tickets asks
// Position, one that needs every move asks Moved.
func (b *Board) Moved(ch BoardChange) map[string]int {
	out := map[string]int{}
	from := map[string]int{} // field → first index whose ticket moved
	for _, e := range ch.Edits {
		switch e.Op {
		case EditRemove:
			out[e.Ticket.id] = -1
		case EditClear:
			continue
		}
		if i, ok := from[e.Field]; !ok || e.Index < i {
			from[e.Field] = e.Index
		}
	}
	for _, id := range ch.cleared {
		out[id] = -1
	}
	for code, i := range from {
		f, ok := b.Field(code)
		if !ok {
			continue
		}
		for j := i; j < len(f.Waiting); j++ {
			out[f.Waiting[j].id] = j
		}
	}
	return out
}

// enqueue places t in its field's queue by calling order.
func (b *Board) enqueue(ch *BoardChange, t *Ticket) {
	f, ok := b.Field(t.Service)
	if !ok {
		return
	}
	w := waiting(t)
	i, _ := slices.BinarySearchFunc(f.Waiting, w, callingOrder)
	f.Waiting = slices.Insert(f.Waiting, i, w)
	ch.Edits = append(ch.Edits, QueueEdit{Field: f.Code, Op: EditInsert, Index: i, Ticket: w})
	ch.Fields = append(ch.Fields, f.Code)
}

// dequeue takes t out of its field's queue.
func (b *Board) dequeue(ch *BoardChange, t *Ticket) {
	f, ok := b.Field(t.Service)
	if !ok {
		return
	}
	i := slices.IndexFunc(f.Waiting, func(w WaitingTicket) bool { return w.id == t.ID })
	if i < 0 {
		return
	}
	ch.Edits = append(ch.Edits, QueueEdit{Field: f.Code, Op: EditRemove, Index: i, Ticket: f.Waiting[i]})
	if i == 0 {
		// A call takes the head: drop it without moving the thousands
		// behind it (the array is compacted when an insert grows it).
		f.Waiting[0] = WaitingTicket{}
		f.Waiting = f.Waiting[1:]
	} else {
		f.Waiting = slices.Delete(f.Waiting, i, i+1)
	}
	ch.Fields = append(ch.Fields, f.Code)
}
