package queue_test

import (
	"context"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/queue"
	"motcua/queue/queuetest"
)

func (r *rig) state(id string) queue.State {
	r.t.Helper()
	tk, err := r.e.Ticket(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return tk.State
}

// tick rolls the day over if it is due, and returns once every change the
// engine holds is committed: the fake clock may have woken Run, whose own
// Tick then did the rollover and is still committing it when this one finds
// nothing to do (a ticket dropped from memory is read from the store).
func (r *rig) tick() {
	r.t.Helper()
	if err := r.e.Tick(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	want := r.e.Snapshot().Seq
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		evs := committed(r.t, r.store)
		if want == 0 || len(evs) > 0 && evs[len(evs)-1].Seq >= want {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("the engine is at seq %d, the store has not caught up in 5 s", want)
		}
	}
}

// A Pi's clock jumps a year ahead and comes back: the day is kept, nobody
// waiting is cancelled, numbers go on; the real midnight rolls over once.
func TestClockJumpForwardAndBackKeepsTheDay(t *testing.T) {
	morning := time.Date(2026, 12, 1, 9, 0, 0, 0, ict)
	clock := clocktest.New(morning)
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{})
	a1, a2 := r.issue("A", false), r.issue("A", false)
	resets := countType(committed(t, store), queue.EventDayReset)

	clock.Set(morning.AddDate(1, 0, 0))
	r.tick()
	a3 := r.issue("A", false)
	if d := r.e.Day(); d != "2026-12-01" || a3.Number != "A003" || a3.Day != "2026-12-01" {
		t.Fatalf("a year ahead: day %s, ticket %s of %s; want the day kept and A003", d, a3.Number, a3.Day)
	}
	clock.Set(morning.Add(5 * time.Minute)) // NTP sets it right
	r.tick()
	a4 := r.issue("A", false)
	if a4.Number != "A004" || a4.Day != "2026-12-01" {
		t.Fatalf("back: %s of %s, want A004", a4.Number, a4.Day)
	}
	for _, id := range []string{a1.ID, a2.ID, a3.ID} {
		if s := r.state(id); s != queue.Waiting {
			t.Fatalf("ticket %s is %s after the jump, want waiting", id, s)
		}
	}
	if got := countType(committed(t, store), queue.EventDayReset); got != resets {
		t.Fatalf("the jump reset the day %d times", got-resets)
	}
	if !a3.IssuedAt.Equal(morning) {
		t.Fatalf("A003 taken under the wrong clock is stamped %v, want the last believed time %v", a3.IssuedAt, morning)
	}
	for _, want := range []string{"A001", "A002", "A003"} { // A003 keeps its place before A004
		if n := r.next("1"); n != want {
			t.Fatalf("called %s, want %s", n, want)
		}
	}

	clock.Set(time.Date(2026, 12, 2, 0, 0, 1, 0, ict)) // the real midnight
	r.tick()
	r.tick()
	if d := r.e.Day(); d != "2026-12-02" || countType(committed(t, store), queue.EventDayReset) != resets+1 {
		t.Fatalf("midnight: day %s, resets %d, want 2026-12-02 once", d, countType(committed(t, store), queue.EventDayReset)-resets)
	}
	if s := r.state(a4.ID); s != queue.Cancelled {
		t.Fatalf("yesterday's A004 is %s after midnight, want cancelled", s)
	}
	if n := r.issue("A", false).Number; n != "A001" {
		t.Fatalf("first of the new day: %s", n)
	}
}

// A jump that stays (the clock was behind and NTP fixed it) is followed once
// it has settled; who took a number meanwhile keeps it.
func TestClockJumpThatStaysIsFollowedOnceSettled(t *testing.T) {
	friday := time.Date(2026, 12, 4, 16, 0, 0, 0, ict)
	clock := clocktest.New(friday)
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{ClockSettle: 10 * time.Minute})
	old := r.issue("A", false)
	monday := time.Date(2026, 12, 7, 7, 30, 0, 0, ict)
	clock.Set(monday)
	r.tick()
	early := r.issue("A", false)
	if r.e.Day() != "2026-12-04" || r.state(old.ID) != queue.Waiting {
		t.Fatalf("just after the jump: day %s, Friday's ticket %s", r.e.Day(), r.state(old.ID))
	}
	clock.Set(monday.Add(9 * time.Minute))
	r.tick()
	if r.e.Day() != "2026-12-04" {
		t.Fatal("followed before the clock settled")
	}
	clock.Set(monday.Add(10 * time.Minute))
	r.tick()
	if d := r.e.Day(); d != "2026-12-07" {
		t.Fatalf("settled: day %s, want 2026-12-07", d)
	}
	if r.state(old.ID) != queue.Cancelled || r.state(early.ID) != queue.Waiting {
		t.Fatalf("Friday's %s, the morning's %s; want cancelled and waiting", r.state(old.ID), r.state(early.ID))
	}
	if n := r.next("1"); n != early.Number {
		t.Fatalf("called %s, want the morning's %s", n, early.Number)
	}
}

// A store whose day lies a year ahead (an engine followed a wrong clock,
// then restarted on the right one) does not freeze the numbers.
func TestRestartAfterAJumpDoesNotFreezeNumbering(t *testing.T) {
	today := time.Date(2026, 12, 1, 9, 0, 0, 0, ict)
	clock := clocktest.New(today)
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{MaxClockJump: -1}) // believes every reading
	for range 5 {
		r.issue("A", false)
	}
	clock.Set(today.AddDate(1, 0, 0))
	r.tick()
	ahead := r.issue("A", false)
	if ahead.Day != "2027-12-01" || ahead.Number != "A001" {
		t.Fatalf("setup: %s of %s", ahead.Number, ahead.Day)
	}

	clock.Set(today.Add(time.Hour))
	r2 := start(t, store, clock, queue.Opts{})
	r2.tick()
	tk := r2.issue("A", false)
	if d := r2.e.Day(); d != "2026-12-01" || tk.Day != "2026-12-01" || tk.Number != "A006" {
		t.Fatalf("after the restart: day %s, ticket %s of %s; want A006 of 2026-12-01", d, tk.Number, tk.Day)
	}
	if r2.state(ahead.ID) != queue.Waiting {
		t.Fatal("the ticket taken under the wrong clock was dropped")
	}
	clock.Set(time.Date(2026, 12, 2, 0, 0, 1, 0, ict))
	r2.tick()
	if n := r2.issue("A", false); n.Number != "A001" || n.Day != "2026-12-02" {
		t.Fatalf("next midnight: %s of %s, want A001 of 2026-12-02", n.Number, n.Day)
	}
	// And again after another restart on the corrected store.
	r3 := start(t, store, clock, queue.Opts{})
	if n := r3.issue("A", false); n.Number != "A002" || n.Day != "2026-12-02" {
		t.Fatalf("restart on the corrected store: %s of %s", n.Number, n.Day)
	}
}

// A center switched off over the weekend starts Monday's day at once: the
// first reading after a start is believed.
func TestStartAfterAWeekendStartsTheDay(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 12, 4, 16, 0, 0, 0, ict))
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{})
	left := r.issue("A", false)
	clock.Set(time.Date(2026, 12, 7, 7, 30, 0, 0, ict))
	r2 := start(t, store, clock, queue.Opts{})
	r2.tick()
	if d, s := r2.e.Day(), r2.state(left.ID); d != "2026-12-07" || s != queue.Cancelled {
		t.Fatalf("Monday: day %s, Friday's ticket %s; want 2026-12-07 and Friday's cancelled", d, s)
	}
	if n := r2.issue("A", false); n.Number != "A001" || n.Day != "2026-12-07" {
		t.Fatalf("Monday's first: %s of %s", n.Number, n.Day)
	}
}
