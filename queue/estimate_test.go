package queue_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// wait is the estimate of the ticket with this id: "none" or a duration.
func (r *rig) wait(id string) (int, string) {
	r.t.Helper()
	in, err := r.e.Ticket(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	if !in.WaitKnown {
		return in.Ahead, "none"
	}
	return in.Ahead, in.EstimatedWait.String()
}

// TestWaitEstimateNeedsHistory: a wait is estimated only from enough
// measured services (one 0.6 s service once made kiosk and paper say "12
// people ahead, about 1 minute"), shared by the counters actually open.
func TestWaitEstimateNeedsHistory(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{Counters: []queue.Counter{
		{ID: "1", Services: []string{"A"}}, {ID: "2", Services: []string{"A"}}}})
	var ids []string
	for range 30 {
		ids = append(ids, r.issue("A", false).ID)
	}
	last := ids[len(ids)-1]
	if ahead, w := r.wait(last); ahead != 29 || w != "none" {
		t.Fatalf("nothing measured: ahead %d, wait %s; want 29 and none", ahead, w)
	}
	// One service of 0.6 s: still nothing to go by.
	r.next("1")
	clock.Advance(600 * time.Millisecond)
	r.next("1")
	if ahead, w := r.wait(last); w != "none" {
		t.Fatalf("after one 0.6 s service: ahead %d, wait %s; want none", ahead, w)
	}
	// Nine services of 2 minutes more: nine of ten say 2 minutes, and only
	// counter 1 is open.
	for range 9 {
		clock.Advance(2 * time.Minute)
		r.next("1")
	}
	if ahead, w := r.wait(last); ahead != 18 || w != (18*2*time.Minute).String() {
		t.Fatalf("ten services at one counter: ahead %d, wait %s; want 18 and %v", ahead, w, 18*2*time.Minute)
	}
	// Counter 2 opens: the same work shared by two.
	r.next("2")
	if ahead, w := r.wait(last); ahead != 17 || w != (17*time.Minute).String() {
		t.Fatalf("two counters open: ahead %d, wait %s; want 17 and 17m", ahead, w)
	}
	// Counter 2 finishes and stays idle 31 minutes: it no longer counts.
	clock.Advance(2 * time.Minute)
	if _, err := r.e.Complete(context.Background(), "2"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(31 * time.Minute)
	r.next("1") // a 33-minute service: the median stays 2 minutes
	if ahead, w := r.wait(last); ahead != 16 || w != (16*2*time.Minute).String() {
		t.Fatalf("counter 2 idle: ahead %d, wait %s; want 16 and %v", ahead, w, 16*2*time.Minute)
	}
	// Counter 1 finishes too, and no one serves A for half an hour: nothing
	// is said rather than a wait no one will serve.
	clock.Advance(2 * time.Minute)
	if _, err := r.e.Complete(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(31 * time.Minute)
	if ahead, w := r.wait(last); w != "none" {
		t.Fatalf("no counter open: ahead %d, wait %s; want none", ahead, w)
	}
}

// doneTicket is a ticket of field A done on day at hh:mm after took.
func doneTicket(n int, day time.Time, hh, mm int, took time.Duration) queue.Ticket {
	done := time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, ict)
	return queue.Ticket{ID: fmt.Sprintf("old%04d", n), Day: day.Format("2006-01-02"), Origin: "A", Seq: n,
		Number: fmt.Sprintf("A%03d", n), Service: "A", State: queue.Done, Counter: "1", Calls: 1,
		IssuedAt: done.Add(-took - time.Minute), QueuedAt: done.Add(-took - time.Minute),
		CalledAt: done.Add(-took), DoneAt: done, Print: queue.PrintPrinted}
}

// TestWaitEstimateFromDaysAndHours: after a restart the estimate comes from
// the services of the last four weeks in the store, those near the hour of
// day first (mornings are quicker than afternoons here); older ones are
// not counted.
func TestWaitEstimateFromDaysAndHours(t *testing.T) {
	store := queuetest.NewStore()
	today := time.Date(2026, 11, 21, 0, 0, 0, 0, ict)
	var old []queue.Ticket
	n := 0
	for d := 1; d <= 6; d++ { // six days back: 3 min at 9:00, 10 min at 15:00, twice a day
		day := today.AddDate(0, 0, -d)
		for _, s := range []struct {
			hh   int
			took time.Duration
		}{{9, 3 * time.Minute}, {9, 3 * time.Minute}, {15, 10 * time.Minute}, {15, 10 * time.Minute}} {
			n++
			old = append(old, doneTicket(n, day, s.hh, n%50, s.took))
		}
	}
	for range 30 { // five weeks ago every service took an hour
		n++
		old = append(old, doneTicket(n, today.AddDate(0, 0, -35), 9, 10, time.Hour))
	}
	if err := store.Apply(context.Background(), []queue.Change{{Tickets: old, Day: today.AddDate(0, 0, -1).Format("2006-01-02")}}); err != nil {
		t.Fatal(err)
	}
	clock := clocktest.New(today.Add(9*time.Hour + 30*time.Minute))
	r := start(t, store, clock, queue.Opts{Counters: []queue.Counter{{ID: "1", Services: []string{"A"}}}})
	var ids []string
	for range 6 {
		ids = append(ids, r.issue("A", false).ID)
	}
	if _, w := r.wait(ids[5]); w != "none" {
		t.Fatalf("no counter open yet: wait %s, want none", w)
	}
	r.next("1")
	if ahead, w := r.wait(ids[5]); ahead != 4 || w != (4*3*time.Minute).String() {
		t.Fatalf("at 9:30: ahead %d, wait %s; want 4 and %v (the mornings' 3 min)", ahead, w, 4*3*time.Minute)
	}
	clock.Advance(5*time.Hour + 40*time.Minute) // 15:10
	r.next("1")
	if ahead, w := r.wait(ids[5]); ahead != 3 || w != (3*10*time.Minute).String() {
		t.Fatalf("at 15:10: ahead %d, wait %s; want 3 and %v (the afternoons' 10 min)", ahead, w, 3*10*time.Minute)
	}
}
