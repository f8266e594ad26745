package display

import (
	"crypto/subtle"
	"fmt"
	"slices"

	"motcua/queue"
)

// Screen is one kind of display, as the config names it. A screen with
// neither Fields nor Counters shows everything. With Fields only, it shows
// those fields and the counters serving any of them; with Counters only,
// those counters and the fields they serve.
type Screen struct {
	Name     string   // "lobby"; the page and websocket take it as ?screen=
	Token    string   // when set, ?token= must match it
	Fields   []string // field codes shown
	Counters []string // counter ids shown
	// Recent is how many calls the snapshot lists. Default 10.
	Recent int
}

// screen is a Screen with its filter resolved. Immutable after New.
type screen struct {
	Screen
	fields   map[string]bool // nil: all
	counters map[string]bool // nil: all
}

func newScreen(s Screen, fields []queue.Field, counters []queue.Counter) (*screen, error) {
	if s.Name == "" {
		return nil, fmt.Errorf("display: a screen has no name")
	}
	if s.Recent <= 0 {
		s.Recent = 10
	}
	sc := &screen{Screen: s}
	known := map[string]queue.Counter{}
	for _, c := range counters {
		known[c.ID] = c
	}
	for _, f := range s.Fields {
		if !slices.ContainsFunc(fields, func(x queue.Field) bool { return x.Code == f }) {
			return nil, fmt.Errorf("display: screen %s: unknown field %q", s.Name, f)
		}
	}
	for _, c := range s.Counters {
		if _, ok := known[c]; !ok {
			return nil, fmt.Errorf("display: screen %s: unknown counter %q", s.Name, c)
		}
	}
	if len(s.Fields) == 0 && len(s.Counters) == 0 {
		return sc, nil
	}
	sc.fields, sc.counters = map[string]bool{}, map[string]bool{}
	for _, f := range s.Fields {
		sc.fields[f] = true
	}
	for _, c := range s.Counters {
		sc.counters[c] = true
	}
	switch {
	case len(s.Counters) == 0:
		for _, c := range counters {
			if slices.ContainsFunc(c.Services, func(f string) bool { return sc.fields[f] }) {
				sc.counters[c.ID] = true
			}
		}
	case len(s.Fields) == 0:
		for _, c := range s.Counters {
			for _, f := range known[c].Services {
				sc.fields[f] = true
			}
		}
	}
	return sc, nil
}

func (s *screen) showsField(code string) bool { return s.fields == nil || s.fields[code] }
func (s *screen) showsCounter(id string) bool { return s.counters == nil || s.counters[id] }
func (s *screen) all() bool                   { return s.fields == nil }

// wants reports whether the screen receives ev: it happened at one of its
// counters or to a ticket of one of its fields (before or after a
// transfer). A new day concerns every screen.
func (s *screen) wants(ev *queue.Event) bool {
	if s.all() || ev.Type == queue.EventDayReset {
		return true
	}
	return s.counters[ev.Counter] || s.fields[ev.Ticket.Service] || s.fields[ev.From]
}

// authorize checks a token in constant time. A screen without a token
// takes anyone.
func (s *screen) authorize(token string) bool {
	if s.Token == "" {
		return true
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(s.Token)) == 1
}
