package display_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"motcua/display"
	"motcua/queue"
)

// TestViewFollowsEngine drives the engine at random and checks that the
// snapshot the hub builds from events alone matches the engine's own.
func TestViewFollowsEngine(t *testing.T) {
	en := start(t, display.Opts{})
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	services := []string{"A", "B", "C"}
	counters := []string{"1", "2", "3", "4"}
	var ids []string
	for round := range 12 {
		for range 40 {
			c := counters[rng.IntN(len(counters))]
			switch op := rng.IntN(11); op {
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
		got := read(t, en.dial("screen=lobby"))
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
