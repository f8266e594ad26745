package fleetbench_test

import (
	"context"
	"os"
	"testing"
	"time"
)

// Both transports the benchmark compares deliver what they are measured
// on: every event each center committed, in PostgreSQL once, in its order,
// through a cut of one center's link.
func TestEveryTransportDeliversEveryEventOnce(t *testing.T) {
	for _, tr := range []transport{&outbox{}, &leaf{}} {
		t.Run(tr.name(), func(t *testing.T) {
			if tr.name() == "leaf" && os.Getenv("MOTCUA_LEAF_CHECK") != "1" {
				// The prototype's sources start late when they are set
				// before every leaf has connected (docs/decisions/0002):
				// its check is for the benchmark's runs, not make test.
				t.Skip("the leaf prototype (not shipped): MOTCUA_LEAF_CHECK=1 runs its check")
			}
			ctx := context.Background()
			f := newFleet(t, tr, 3)
			visits := func(n int) {
				for range n {
					for _, c := range f.centers {
						if err := c.ticket(ctx); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			visits(10)
			f.centers[0].proxy.Cut()
			visits(30)
			f.centers[0].proxy.Mend()
			visits(10)
			deadline := time.Now().Add(time.Minute)
			for !f.drained() {
				if time.Now().After(deadline) {
					t.Fatal("not every event at the hub within a minute")
				}
				time.Sleep(20 * time.Millisecond)
			}
			for _, c := range f.centers {
				want, err := c.store.Events(ctx, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				got, err := f.db.CenterEvents(ctx, c.id, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				// 50 visits of 4 events, and the day's start.
				if len(want) < 50*4 || len(got) != len(want) {
					t.Fatalf("%s: committed %d events (want at least 200), the hub holds %d", c.id, len(want), len(got))
				}
				for i := range want {
					if got[i].Seq != want[i].Seq || got[i].Type != want[i].Type || got[i].Ticket.ID != want[i].Ticket.ID {
						t.Fatalf("%s: event %d: hub %+v, center %+v", c.id, i, got[i], want[i])
					}
				}
			}
			if s := f.hub.Stats(); s.Refused != 0 || s.Failures != 0 {
				t.Fatalf("hub: %+v", s)
			}
		})
	}
}
