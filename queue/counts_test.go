package queue_test

import (
	"context"
	"maps"
	"reflect"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// TestCountsAndCounterNowSayWhatSnapshotSays: the cheap views give the
// figures of the whole Snapshot while tickets wait, are called and done.
func TestCountsAndCounterNowSayWhatSnapshotSays(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 12, 1, 9, 0, 0, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{Counters: []queue.Counter{
		{ID: "1", Services: []string{"A", "B"}}, {ID: "2", Services: []string{"C", "D"}}}})
	check := func(step string) {
		t.Helper()
		snap, counts := r.e.Snapshot(), r.e.Counts()
		if counts.Seq != snap.Seq || counts.Day != snap.Day || !maps.Equal(counts.Waiting, snap.Waiting) {
			t.Fatalf("%s: Counts %+v, Snapshot seq %d day %s waiting %v", step, counts, snap.Seq, snap.Day, snap.Waiting)
		}
		for _, cs := range snap.Counters {
			got, ok := r.e.CounterNow(cs.ID)
			if !ok || !reflect.DeepEqual(got, cs) {
				t.Fatalf("%s: CounterNow(%s) = %+v, %v; Snapshot has %+v", step, cs.ID, got, ok, cs)
			}
		}
	}
	check("empty")
	for _, f := range []string{"A", "A", "B", "C", "D", "D"} {
		r.issue(f, false)
	}
	check("six waiting")
	r.next("1")
	r.next("2")
	check("two called")
	if _, err := r.e.Complete(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	check("one done")
	if got := r.e.Counts().Waiting; got["A"] != 1 || got["B"] != 1 || got["C"] != 0 || got["D"] != 2 {
		t.Fatalf("waiting %v, want A 1, B 1, C 0, D 2", got)
	}
	if _, ok := r.e.CounterNow("9"); ok {
		t.Fatal("CounterNow of a counter that does not exist answered")
	}
}
