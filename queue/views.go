package queue

import (
	"context"
	"slices"
	"time"
)

// TicketInfo is a ticket with where it stands now.
type TicketInfo struct {
	Ticket
	ServiceName string
	CounterName string
	// Ahead counts the tickets of its field called before it; -1 when it is
	// not waiting.
	Ahead int
	// EstimatedWait is how long the Ahead tickets take: Ahead times the
	// field's median service time, shared by its open counters (see
	// Opts.EstimateDays). Meaningful only when WaitKnown.
	EstimatedWait time.Duration
	// WaitKnown is set for a waiting ticket whose wait can be estimated:
	// enough service times measured and a counter open for its field.
	WaitKnown bool
}

// Ticket returns a ticket by id, of any day, with its place in the queue.
func (e *Engine) Ticket(ctx context.Context, id string) (TicketInfo, error) {
	e.mu.Lock()
	if t := e.byID[id]; t != nil {
		info := e.info(t)
		e.mu.Unlock()
		return info, nil
	}
	e.mu.Unlock()
	t, err := e.opts.Store.Ticket(ctx, id)
	if err != nil {
		return TicketInfo{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.info(&t), nil
}

// Info returns the view of t as the engine sees it now; used to answer the
// ticket an operation returned. Caller must not hold e.mu.
func (e *Engine) Info(t Ticket) TicketInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	if cur := e.byID[t.ID]; cur != nil && cur.State == t.State && cur.Service == t.Service {
		return e.info(cur)
	}
	return e.info(&t)
}

// info builds the view of t. Caller holds e.mu.
func (e *Engine) info(t *Ticket) TicketInfo {
	in := TicketInfo{Ticket: *t, Ahead: -1}
	if f := e.fields[t.Service]; f != nil {
		in.ServiceName = f.Name
	}
	if c := e.counters[t.Counter]; c != nil {
		in.CounterName = c.Name
	}
	if q := e.queues[t.Service]; q != nil && t.State.Queued() && e.byID[t.ID] == t {
		in.Ahead = q.ahead(t)
		in.EstimatedWait, in.WaitKnown = e.estimate(t.Service, in.Ahead)
	}
	return in
}

// ServiceStatus is a field as the kiosk shows it.
type ServiceStatus struct {
	Code    string
	Name    string
	Open    bool
	Full    bool // the daily cap is reached: "hết số"
	Waiting int
	Hours   []Span
	Lane    bool // Field.Lane
}

// Services lists the fields in config order with whether they take tickets
// now and how many wait.
func (e *Engine) Services() []ServiceStatus {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.Now().In(e.loc)
	today := e.localDay(now)
	out := make([]ServiceStatus, 0, len(e.order))
	for _, code := range e.order {
		f := e.fields[code]
		s := ServiceStatus{Code: code, Name: f.Name, Hours: f.Hours, Open: f.openAt(now), Waiting: e.queues[code].len(), Lane: f.Lane}
		if today > e.day { // the first ticket of the day rolls over
			s.Waiting = 0
		} else if f.DailyCap > 0 && e.issued[code] > 0 && e.issued[code]+1-f.Start >= f.DailyCap {
			s.Full = true
		}
		out = append(out, s)
	}
	return out
}

// CounterState is what one counter holds now.
type CounterState struct {
	ID       string
	Name     string
	Services []string
	Current  *Ticket // nil when the counter holds no ticket
	Last     *Ticket // the ticket it completed last; nil when none
}

// FieldState is one field's queue: its tickets in calling order.
type FieldState struct {
	Code    string
	Name    string
	Waiting []Ticket // priority tickets first, then by QueuedAt, origin, number
}

// Snapshot is the whole queue at one moment, consistent with the event
// sequence: events with a Seq above Snapshot.Seq come after it.
type Snapshot struct {
	Seq      uint64
	Day      string
	Fields   []FieldState // in config order
	Counters []CounterState
	Recent   []Call // oldest first
	// RecentCalls is how many calls Recent holds at most (Opts.RecentCalls).
	RecentCalls int
	Waiting     map[string]int // how many wait per field
}

// Counts is what Snapshot says of the queue's sequence, day and waiting
// numbers, without its copy of every waiting ticket.
type Counts struct {
	Seq     uint64
	Day     string
	Waiting map[string]int // how many wait per field
}

// Counts returns the queue's counts now. The center's status to its hub and
// its metrics ask for them, and a Snapshot of a queue thousands long held
// the engine's lock for milliseconds (136 ms for 100,000 waiting, each
// ticket copied), which every ticket and call waited behind.
func (e *Engine) Counts() Counts {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := Counts{Seq: e.seq, Day: e.day, Waiting: make(map[string]int, len(e.order))}
	for _, code := range e.order {
		c.Waiting[code] = e.queues[code].len()
	}
	return c
}

// CounterNow returns what counter id holds now, as Snapshot would; false
// when there is no such counter.
func (e *Engine) CounterNow(id string) (CounterState, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.counters[id]
	if !ok {
		return CounterState{}, false
	}
	return e.counterState(id, c), true
}

// Snapshot returns the queue as it is now.
func (e *Engine) Snapshot() Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := Snapshot{Seq: e.seq, Day: e.day, Waiting: map[string]int{}, Recent: slices.Clone(e.recent),
		RecentCalls: e.opts.RecentCalls}
	for _, code := range e.order {
		q := e.queues[code]
		fs := FieldState{Code: code, Name: e.fields[code].Name, Waiting: make([]Ticket, 0, q.len())}
		for _, t := range q.all() {
			fs.Waiting = append(fs.Waiting, *t)
		}
		s.Fields = append(s.Fields, fs)
		s.Waiting[code] = q.len()
	}
	for _, id := range e.corder {
		s.Counters = append(s.Counters, e.counterState(id, e.counters[id]))
	}
	return s
}

// counterState is counter c (id) now. Caller holds e.mu.
func (e *Engine) counterState(id string, c *Counter) CounterState {
	cs := CounterState{ID: id, Name: c.Name, Services: slices.Clone(c.Services)}
	if t := e.current[id]; t != nil {
		cp := *t
		cs.Current = &cp
	}
	if t := e.last[id]; t != nil {
		cp := *t
		cs.Last = &cp
	}
	return cs
}

// Fields returns the configured fields in order.
func (e *Engine) Fields() []Field {
	out := make([]Field, 0, len(e.order))
	for _, c := range e.order {
		out = append(out, *e.fields[c])
	}
	return out
}

// Counters returns the configured counters in order.
func (e *Engine) Counters() []Counter {
	out := make([]Counter, 0, len(e.corder))
	for _, id := range e.corder {
		out = append(out, *e.counters[id])
	}
	return out
}

// History returns the tickets issued on the local days from..to (inclusive,
// "2006-01-02") as stored, for reports.
func (e *Engine) History(ctx context.Context, from, to string) ([]Ticket, error) {
	return e.opts.Store.Tickets(ctx, from, to)
}

// PrintQueued lists the tickets the engine holds whose print job has not
// reported back (print state queued), so a printing service can settle
// those whose job was lost before it was stored.
func (e *Engine) PrintQueued() []Ticket {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Ticket
	for _, t := range e.byID {
		if t.Print == PrintQueued {
			out = append(out, *t)
		}
	}
	return out
}
