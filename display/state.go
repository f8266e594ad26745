package display

import (
	"encoding/json"
	"time"

	"motcua/display/voice"
	"motcua/queue"
)

// The frames are built from the hub's queue.Board, which only the hub
// goroutine uses: pages replace their state by what a frame says and never
// re-derive the queue.

// shown reports whether screens hear of an event of this type. Print and
// rating events matter to no screen.
func shown(t queue.EventType) bool {
	switch t {
	case queue.EventPrint, queue.EventRated:
		return false
	}
	return true
}

// frames turns the board into the JSON of frames, in the center's zone.
type frames struct {
	loc *time.Location
	// categories names the priority categories (code → "Người cao tuổi").
	categories map[string]string
}

// event applies ev to b and returns the frame screens receive (nil when
// none does): the event, and the new state of every field and counter it
// changed: each counter's new state, and the edits of the waiting lists
// (a frame stays small however many wait).
func (fr frames) event(b *queue.Board, ev queue.Event) []byte {
	ch := b.Apply(ev)
	if !shown(ev.Type) {
		return nil
	}
	t := ev.Ticket
	f := eventFrame{Type: string(ev.Type), Seq: ev.Seq, At: fr.time(ev.At), Ticket: t.Number,
		Service: t.Service, From: ev.From, Counter: ev.Counter, Day: ev.Day}
	if bf, ok := b.Field(t.Service); ok {
		f.ServiceName = bf.Name
	}
	if c, ok := b.Counter(ev.Counter); ok {
		f.CounterName = c.Name
	}
	if ev.Type == queue.EventCalled {
		recall := ev.Recall
		f.Recall = &recall
		f.Priority = t.Priority
		f.Category = fr.categories[t.Category]
		if w, err := voice.Words(t.Number, ev.Counter, f.CounterName); err == nil {
			f.Say = voice.Text(w)
		}
		part := voice.Call{Ticket: t.Number, CounterID: ev.Counter, CounterName: f.CounterName, Field: f.ServiceName}
		if w, err := voice.PartWords(part); err == nil {
			f.SayPart = voice.Text(w)
		}
	}
	changed := ch.Fields
	if ev.Type == queue.EventDayReset { // every count starts again
		changed = changed[:0]
		for _, bf := range b.Fields() {
			changed = append(changed, bf.Code)
		}
	}
	if len(changed) > 0 {
		f.Waiting = map[string]int{}
		for _, code := range changed {
			if bf, ok := b.Field(code); ok {
				f.Waiting[code] = len(bf.Waiting)
			}
		}
	}
	for _, e := range ch.Edits {
		f.Queue = append(f.Queue, editFrame{Field: e.Field, Op: string(e.Op), At: e.Index,
			Number: e.Ticket.Number, Priority: e.Ticket.Priority, Category: fr.categories[e.Ticket.Category], Online: e.Ticket.Online})
	}
	for _, id := range ch.Counters {
		if c, ok := b.Counter(id); ok {
			f.Counters = append(f.Counters, fr.counterState(c))
		}
	}
	return marshal(f)
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil { // cannot happen with these types
		panic("display: marshal frame: " + err.Error())
	}
	return b
}

func (fr frames) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(fr.loc).Format(time.RFC3339)
}

func (fr frames) field(f *queue.BoardField) fieldFrame {
	out := fieldFrame{Code: f.Code, Name: f.Name, Waiting: len(f.Waiting), Tickets: make([]waitingFrame, len(f.Waiting))}
	for i, w := range f.Waiting {
		out.Tickets[i] = waitingFrame{Number: w.Number, Priority: w.Priority, Category: fr.categories[w.Category], Online: w.Online}
	}
	return out
}

func (fr frames) counter(c *queue.BoardCounter) counterFrame {
	return counterFrame{ID: c.ID, Name: c.Name, Services: c.Services, counterState: fr.counterState(c)}
}

// counterState is what changes of a counter; its id is the counter's.
func (fr frames) counterState(c *queue.BoardCounter) counterState {
	out := counterState{ID: c.ID}
	if t := c.Current; t != nil {
		serving := t.Number
		out.Serving, out.Service, out.State, out.Since = &serving, t.Service, string(t.State), fr.time(t.Since)
		out.Priority = t.Priority
		out.Category = fr.categories[t.Category]
		out.Online = t.Online
	}
	if l := c.Last; l != nil {
		out.Last = &doneFrame{Number: l.Number, At: fr.time(l.At)}
	}
	return out
}

// snapshot is the snapshot frame for a screen: what its filter shows.
func (fr frames) snapshot(b *queue.Board, s *screen) []byte {
	f := snapshotFrame{Type: "snapshot", Seq: b.Seq(), Day: b.Day(), Screen: s.Name,
		Fields: []fieldFrame{}, Counters: []counterFrame{}, Recent: []callFrame{}, Waiting: map[string]int{}}
	fields := b.Fields()
	for i := range fields {
		if s.showsField(fields[i].Code) {
			f.Fields = append(f.Fields, fr.field(&fields[i]))
			f.Waiting[fields[i].Code] = len(fields[i].Waiting)
		}
	}
	counters := b.Counters()
	for i := range counters {
		if s.showsCounter(counters[i].ID) {
			f.Counters = append(f.Counters, fr.counter(&counters[i]))
		}
	}
	for _, r := range b.Recent() {
		if s.showsCounter(r.Counter) || s.showsField(r.Service) {
			cf := callFrame{Ticket: r.Ticket, Service: r.Service, Counter: r.Counter, At: fr.time(r.At), Recall: r.Recall, Priority: r.Priority, Category: fr.categories[r.Category]}
			if c, ok := b.Counter(r.Counter); ok {
				cf.CounterName = c.Name
			}
			f.Recent = append(f.Recent, cf)
		}
	}
	if n := len(f.Recent) - s.Recent; n > 0 {
		f.Recent = f.Recent[n:]
	}
	return marshal(f)
}

// eventFrame is one event as screens receive it. It names tickets by number
// and never carries a ticket's id (whoever holds the id may follow the
// ticket) nor anything about the citizen. Counters are the new state of
// the counters the event changed, for a page to put in place of its own;
// Queue the edits of the waiting lists, which a page applies in order to
// the lists of the snapshot (Waiting has the new counts).
type eventFrame struct {
	Type        string         `json:"type"`
	Seq         uint64         `json:"seq"`
	At          string         `json:"at,omitempty"`
	Ticket      string         `json:"ticket,omitempty"`
	Service     string         `json:"service,omitempty"`
	ServiceName string         `json:"service_name,omitempty"`
	From        string         `json:"from,omitempty"`
	Counter     string         `json:"counter,omitempty"`
	CounterName string         `json:"counter_name,omitempty"`
	Recall      *bool          `json:"recall,omitempty"`
	Priority    bool           `json:"priority,omitempty"` // "called": a priority ticket
	Category    string         `json:"category,omitempty"` // its priority category, by name
	Say         string         `json:"say,omitempty"`
	SayPart     string         `json:"say_part,omitempty"` // the call among others said together
	Day         string         `json:"day,omitempty"`
	Waiting     map[string]int `json:"waiting,omitempty"`
	Queue       []editFrame    `json:"queue,omitempty"`
	Counters    []counterState `json:"counters,omitempty"`
}

// editFrame is one change of a field's waiting list: "insert" Number at
// index At, "remove" the ticket at At (Number says which), "clear" all.
type editFrame struct {
	Field    string `json:"field"`
	Op       string `json:"op"`
	At       int    `json:"at"`
	Number   string `json:"number,omitempty"`
	Priority bool   `json:"priority,omitempty"`
	Category string `json:"category,omitempty"`
	Online   bool   `json:"online,omitempty"` // checked in from an online booking
}

type snapshotFrame struct {
	Type     string         `json:"type"`
	Seq      uint64         `json:"seq"`
	Day      string         `json:"day"`
	Screen   string         `json:"screen"`
	Fields   []fieldFrame   `json:"fields"`
	Counters []counterFrame `json:"counters"`
	Recent   []callFrame    `json:"recent"`
	Waiting  map[string]int `json:"waiting"`
}

// fieldFrame is a field and its queue: Tickets in calling order.
type fieldFrame struct {
	Code    string         `json:"code"`
	Name    string         `json:"name"`
	Waiting int            `json:"waiting"`
	Tickets []waitingFrame `json:"tickets"`
}

type waitingFrame struct {
	Number   string `json:"number"`
	Priority bool   `json:"priority"`
	Category string `json:"category,omitempty"`
	Online   bool   `json:"online,omitempty"` // checked in from an online booking
}

// counterFrame is a counter in a snapshot: its configuration and state.
type counterFrame struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Services []string `json:"services"`
	counterState
}

// counterState is what changes of a counter: an event frame carries it for
// each counter the event changed (the id says which).
type counterState struct {
	ID      string  `json:"id"`
	Serving *string `json:"serving"`
	Service string  `json:"service,omitempty"` // the field of the ticket served, after any transfer
	State   string  `json:"state,omitempty"`   // "called" or "serving"
	Since   string  `json:"since,omitempty"`
	// Priority: the ticket served is a priority one (called before older numbers).
	Priority bool       `json:"priority,omitempty"`
	Category string     `json:"category,omitempty"` // the priority category, by name
	Online   bool       `json:"online,omitempty"`   // the ticket served was checked in from an online booking
	Last     *doneFrame `json:"last,omitempty"`     // the ticket completed last
}

// doneFrame is the ticket a counter completed last. Whether it was rated
// is not said: rating events reach no screen (GET /api/v1/queue says it).
type doneFrame struct {
	Number string `json:"number"`
	At     string `json:"at"`
}

type callFrame struct {
	Ticket      string `json:"ticket"`
	Service     string `json:"service"`
	Counter     string `json:"counter"`
	CounterName string `json:"counter_name,omitempty"`
	At          string `json:"at"`
	Recall      bool   `json:"recall"`
	Priority    bool   `json:"priority,omitempty"`
	Category    string `json:"category,omitempty"`
}
