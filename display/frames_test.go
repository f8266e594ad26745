package display_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"motcua/display"
	"motcua/queue"
)

// checkBoardFrame compares a snapshot frame's queues, counters and last
// completed tickets with the engine's snapshot.
func checkBoardFrame(t *testing.T, round int, raw string, want queue.Snapshot) {
	t.Helper()
	var f struct {
		Fields []struct {
			Code    string
			Waiting int
			Tickets []struct {
				Number   string
				Priority bool
			}
		}
		Counters []struct {
			ID      string
			Serving *string
			Service string
			Last    *struct {
				Number string
			}
		}
	}
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Fields) != len(want.Fields) {
		t.Fatalf("round %d: %d fields, engine %d", round, len(f.Fields), len(want.Fields))
	}
	for i, wf := range want.Fields {
		var w, g []string
		for _, tk := range wf.Waiting {
			w = append(w, fmt.Sprint(tk.Number, tk.Priority))
		}
		for _, tk := range f.Fields[i].Tickets {
			g = append(g, fmt.Sprint(tk.Number, tk.Priority))
		}
		if fmt.Sprint(w) != fmt.Sprint(g) || f.Fields[i].Waiting != len(wf.Waiting) {
			t.Errorf("round %d: field %s queue %v (%d), engine %v", round, wf.Code, g, f.Fields[i].Waiting, w)
		}
	}
	for i, wc := range want.Counters {
		gc := f.Counters[i]
		if wc.Current != nil && gc.Service != wc.Current.Service {
			t.Errorf("round %d: counter %s serves field %q, engine %q", round, wc.ID, gc.Service, wc.Current.Service)
		}
		w, g := "", ""
		if wc.Last != nil {
			w = wc.Last.Number
		}
		if gc.Last != nil {
			g = gc.Last.Number
		}
		if w != g {
			t.Errorf("round %d: counter %s last completed %q, engine %q", round, wc.ID, g, w)
		}
	}
}

// TestFramesFollowEngine drives the engine at random and checks that the
// snapshot the hub builds from events alone matches the engine's own.
func TestFramesFollowEngine(t *testing.T) {
	en := start(t, display.Opts{})
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	services := []string{"A", "B", "C"}
	counters := []string{"1", "2", "3", "4"}
	var ids []string
	for round := range 12 {
		for range 40 {
			c := counters[rng.IntN(len(counters))]
			switch op := rng.IntN(12); op {
			case 0, 1, 2:
				tk, err := en.e.Issue(ctx, queue.IssueRequest{Service: services[rng.IntN(3)], Priority: rng.IntN(5) == 0})
				if err == nil {
					ids = append(ids, tk.ID)
				}
			case 3, 4:
				_, _ = en.e.Next(ctx, c)
			case 5:
				_, _ = en.e.Recall(ctx, c)
			case 6:
				_, _ = en.e.Complete(ctx, c)
			case 7:
				_, _ = en.e.NoShow(ctx, c)
			case 8:
				_, _ = en.e.Transfer(ctx, c, services[rng.IntN(3)])
			case 9:
				if len(ids) > 0 {
					_, _ = en.e.Cancel(ctx, ids[rng.IntN(len(ids))])
				}
			case 10:
				_, _ = en.e.Start(ctx, c)
			case 11:
				for _, cs := range en.e.Snapshot().Counters {
					if cs.ID == c && cs.Last != nil {
						_, _ = en.e.Rate(ctx, cs.Last.ID, 1+rng.IntN(3))
					}
				}
			}
		}
		if round == 6 {
			en.clock.Advance(24 * time.Hour)
			if err := en.e.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		want := en.e.Snapshot()
		for deadline := time.Now().Add(5 * time.Second); en.hub.Stats().Seq != want.Seq; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the hub is at seq %d, the engine at %d", round, en.hub.Stats().Seq, want.Seq)
			}
		}
		conn := en.dial("screen=lobby")
		got := read(t, conn)
		checkBoardFrame(t, round, got.raw, want)
		conn.Close()
		if got.Seq != want.Seq {
			t.Fatalf("round %d: seq %d, engine %d", round, got.Seq, want.Seq)
		}
		for code, n := range want.Waiting {
			if got.Waiting[code] != n {
				t.Errorf("round %d: field %s waiting %d, engine %d", round, code, got.Waiting[code], n)
			}
		}
		for i, c := range want.Counters {
			w, g := "", ""
			if c.Current != nil {
				w = c.Current.Number + " " + string(c.Current.State)
			}
			if s := got.Counters[i].Serving; s != nil {
				g = *s + " " + got.Counters[i].State
			}
			if g != w {
				t.Errorf("round %d: counter %s serves %q, engine %q", round, c.ID, g, w)
			}
		}
		var wr, gr string
		for _, r := range want.Recent {
			wr += fmt.Sprintf("%s@%s ", r.Ticket, r.Counter)
		}
		for _, r := range got.Recent {
			gr += fmt.Sprintf("%s@%s ", r.Ticket, r.Counter)
		}
		if wr != gr {
			t.Errorf("round %d: recent\n got %s\nwant %s", round, gr, wr)
		}
	}
}

// TestEventFramesCarryTheNewState: an event frame carries the new state of
// each counter it changed and the edits of the waiting lists, so that a
// page replaces its own state and derives nothing.
func TestEventFramesCarryTheNewState(t *testing.T) {
	en := start(t, display.Opts{})
	ctx := context.Background()
	conn := en.dial("screen=lobby")
	read(t, conn) // snapshot
	type state struct {
		Queue []struct {
			Field, Op, Number string
			At                int
			Priority          bool
		}
		Counters []struct {
			ID      string
			Serving *string
			Service string
			State   string
			Last    *struct{ Number string }
		}
	}
	next := func() state {
		t.Helper()
		var s state
		if err := json.Unmarshal([]byte(read(t, conn).raw), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	edits := func(s state) string {
		var out []string
		for _, e := range s.Queue {
			out = append(out, fmt.Sprintf("%s %s %s@%d %v", e.Field, e.Op, e.Number, e.At, e.Priority))
		}
		return strings.Join(out, ", ")
	}
	if _, err := en.e.Issue(ctx, queue.IssueRequest{Service: "A"}); err != nil {
		t.Fatal(err)
	}
	if _, err := en.e.Issue(ctx, queue.IssueRequest{Service: "A", Priority: true}); err != nil {
		t.Fatal(err)
	}
	if e := edits(next()); e != "A insert A001@0 false" {
		t.Fatalf("issued: %s", e)
	}
	if e := edits(next()); e != "A insert A002@0 true" {
		t.Fatalf("issued a priority ticket: %s", e)
	}
	if _, err := en.e.Next(ctx, "2"); err != nil {
		t.Fatal(err)
	}
	s := next()
	if len(s.Counters) != 1 || s.Counters[0].ID != "2" || *s.Counters[0].Serving != "A002" || s.Counters[0].Service != "A" ||
		s.Counters[0].State != "called" || edits(s) != "A remove A002@0 true" {
		t.Fatalf("called: %+v", s)
	}
	if _, err := en.e.Transfer(ctx, "2", "B"); err != nil {
		t.Fatal(err)
	}
	s = next()
	if len(s.Counters) != 1 || s.Counters[0].Serving != nil || edits(s) != "B insert A002@0 true" {
		t.Fatalf("transferred: %+v", s)
	}
	if _, err := en.e.Next(ctx, "3"); err != nil {
		t.Fatal(err)
	}
	s = next()
	if *s.Counters[0].Serving != "A002" || s.Counters[0].Service != "B" {
		t.Fatalf("called after the transfer: %+v", s.Counters)
	}
	if _, err := en.e.Complete(ctx, "3"); err != nil {
		t.Fatal(err)
	}
	s = next()
	if s.Counters[0].Serving != nil || s.Counters[0].Last == nil || s.Counters[0].Last.Number != "A002" {
		t.Fatalf("completed: %+v", s.Counters)
	}
	en.clock.Advance(24 * time.Hour)
	if err := en.e.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if e := edits(next()); e != "A clear @0 false" {
		t.Fatalf("new day: %s", e)
	}
}
