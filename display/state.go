package display

import (
	"encoding/json"
	"slices"
	"time"

	"motcua/display/voice"
	"motcua/queue"
)

// view mirrors what the screens show, built from an engine snapshot and
// kept current by the events that follow it. Only the hub goroutine uses it.
type view struct {
	loc      *time.Location
	seq      uint64
	day      string
	fields   []fieldView
	fidx     map[string]int
	counters []counterView
	cidx     map[string]int
	recent   []queue.Call // oldest first, at most maxRecent
}

type fieldView struct {
	code, name string
	waiting    int
}

type counterView struct {
	id, name string
	services []string
	serving  string      // ticket number, "" when free
	service  string      // field of the ticket served
	state    queue.State // Called or Serving while serving is set
	since    time.Time
}

const maxRecent = 50

func newView(s queue.Snapshot, fields []queue.Field, loc *time.Location) *view {
	v := &view{loc: loc, fidx: map[string]int{}, cidx: map[string]int{}}
	for _, f := range fields {
		v.fidx[f.Code] = len(v.fields)
		v.fields = append(v.fields, fieldView{code: f.Code, name: f.Name})
	}
	v.reset(s)
	return v
}

// reset replaces the state by a snapshot of the engine.
func (v *view) reset(s queue.Snapshot) {
	v.seq, v.day = s.Seq, s.Day
	for i := range v.fields {
		v.fields[i].waiting = s.Waiting[v.fields[i].code]
	}
	v.counters = v.counters[:0]
	clear(v.cidx)
	for _, c := range s.Counters {
		cv := counterView{id: c.ID, name: c.Name, services: c.Services}
		if c.Current != nil {
			cv.serving, cv.service, cv.state, cv.since = c.Current.Number, c.Current.Service, c.Current.State, c.Current.CalledAt
		}
		v.cidx[c.ID] = len(v.counters)
		v.counters = append(v.counters, cv)
	}
	v.recent = slices.Clone(s.Recent)
}

func (v *view) counter(id string) *counterView {
	if i, ok := v.cidx[id]; ok {
		return &v.counters[i]
	}
	return nil
}

func (v *view) addWaiting(field string, d int) {
	if i, ok := v.fidx[field]; ok {
		v.fields[i].waiting = max(0, v.fields[i].waiting+d)
	}
}

// shown reports whether screens hear of an event of this type. Print and
// rating events matter to no screen.
func shown(t queue.EventType) bool {
	switch t {
	case queue.EventPrint, queue.EventRated:
		return false
	}
	return true
}

// apply updates the view with ev, whose Seq follows v.seq, and returns the
// frame screens receive (nil when none does).
func (v *view) apply(ev queue.Event) []byte {
	v.seq = ev.Seq
	t := ev.Ticket
	var waiting []string // fields whose count changed
	switch ev.Type {
	case queue.EventIssued:
		v.addWaiting(t.Service, 1)
		waiting = []string{t.Service}
	case queue.EventCalled:
		if !ev.Recall {
			v.addWaiting(t.Service, -1)
			waiting = []string{t.Service}
		}
		for i := range v.counters { // a ticket is at one counter at a time
			if c := &v.counters[i]; c.serving == t.Number && c.id != ev.Counter {
				c.serving, c.service = "", ""
			}
		}
		if c := v.counter(ev.Counter); c != nil {
			state := t.State // a recall leaves a ticket being served as it is
			if !state.AtCounter() {
				state = queue.Called
			}
			since := ev.At // a recall keeps the time of the first call
			if ev.Recall && c.serving == t.Number && !c.since.IsZero() {
				since = c.since
			}
			c.serving, c.service, c.state, c.since = t.Number, t.Service, state, since
		}
		v.recent = append(v.recent, queue.Call{Ticket: t.Number, Service: t.Service, Counter: ev.Counter, At: ev.At, Recall: ev.Recall})
		if n := len(v.recent) - maxRecent; n > 0 {
			v.recent = slices.Delete(v.recent, 0, n)
		}
	case queue.EventStarted:
		if c := v.counter(ev.Counter); c != nil && c.serving == t.Number {
			c.state = queue.Serving
		}
	case queue.EventCompleted, queue.EventNoShow:
		if c := v.counter(ev.Counter); c != nil && c.serving == t.Number {
			c.serving, c.service = "", ""
		}
	case queue.EventTransferred:
		if c := v.counter(ev.Counter); c != nil && c.serving == t.Number {
			c.serving, c.service = "", ""
		}
		v.addWaiting(t.Service, 1)
		waiting = []string{t.Service}
	case queue.EventCancelled:
		v.addWaiting(t.Service, -1)
		waiting = []string{t.Service}
	case queue.EventDayReset:
		v.day = ev.Day
		v.recent = nil
		for i := range v.fields {
			v.fields[i].waiting = 0
			waiting = append(waiting, v.fields[i].code)
		}
	}
	if !shown(ev.Type) {
		return nil
	}
	f := eventFrame{Type: string(ev.Type), Seq: ev.Seq, At: v.time(ev.At), Ticket: t.Number,
		Service: t.Service, From: ev.From, Counter: ev.Counter, Day: ev.Day}
	if i, ok := v.fidx[t.Service]; ok {
		f.ServiceName = v.fields[i].name
	}
	if c := v.counter(ev.Counter); c != nil {
		f.CounterName = c.name
	}
	if ev.Type == queue.EventCalled {
		recall := ev.Recall
		f.Recall = &recall
		if w, err := voice.Words(t.Number, ev.Counter, f.CounterName); err == nil {
			f.Say = voice.Text(w)
		}
	}
	if len(waiting) > 0 {
		f.Waiting = map[string]int{}
		for _, code := range waiting {
			if i, ok := v.fidx[code]; ok {
				f.Waiting[code] = v.fields[i].waiting
			}
		}
	}
	b, err := json.Marshal(f)
	if err != nil { // cannot happen with these types
		panic("display: marshal event: " + err.Error())
	}
	return b
}

func (v *view) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(v.loc).Format(time.RFC3339)
}

// snapshot is the snapshot frame for a screen.
func (v *view) snapshot(s *screen) []byte {
	f := snapshotFrame{Type: "snapshot", Seq: v.seq, Day: v.day, Screen: s.Name,
		Fields: []fieldFrame{}, Counters: []counterFrame{}, Recent: []callFrame{}, Waiting: map[string]int{}}
	for _, fv := range v.fields {
		if s.showsField(fv.code) {
			f.Fields = append(f.Fields, fieldFrame{Code: fv.code, Name: fv.name, Waiting: fv.waiting})
			f.Waiting[fv.code] = fv.waiting
		}
	}
	for _, c := range v.counters {
		if !s.showsCounter(c.id) {
			continue
		}
		cf := counterFrame{ID: c.id, Name: c.name, Services: c.services}
		if c.serving != "" {
			serving := c.serving
			cf.Serving, cf.Service, cf.State, cf.Since = &serving, c.service, string(c.state), v.time(c.since)
		}
		f.Counters = append(f.Counters, cf)
	}
	for _, r := range v.recent {
		if s.showsCounter(r.Counter) || s.showsField(r.Service) {
			cf := callFrame{Ticket: r.Ticket, Service: r.Service, Counter: r.Counter, At: v.time(r.At), Recall: r.Recall}
			if c := v.counter(r.Counter); c != nil {
				cf.CounterName = c.name
			}
			f.Recent = append(f.Recent, cf)
		}
	}
	if n := len(f.Recent) - s.Recent; n > 0 {
		f.Recent = f.Recent[n:]
	}
	b, err := json.Marshal(f)
	if err != nil {
		panic("display: marshal snapshot: " + err.Error())
	}
	return b
}

// eventFrame is one event as screens receive it. It names tickets by number
// and never carries a ticket's id (whoever holds the id may follow the
// ticket) nor anything about the citizen.
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
	Say         string         `json:"say,omitempty"`
	Day         string         `json:"day,omitempty"`
	Waiting     map[string]int `json:"waiting,omitempty"`
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

type fieldFrame struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Waiting int    `json:"waiting"`
}

type counterFrame struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Services []string `json:"services"`
	Serving  *string  `json:"serving"`
	Service  string   `json:"service,omitempty"`
	State    string   `json:"state,omitempty"` // "called" or "serving"
	Since    string   `json:"since,omitempty"`
}

type callFrame struct {
	Ticket      string `json:"ticket"`
	Service     string `json:"service"`
	Counter     string `json:"counter"`
	CounterName string `json:"counter_name,omitempty"`
	At          string `json:"at"`
	Recall      bool   `json:"recall"`
}
