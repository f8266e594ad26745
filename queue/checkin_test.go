package queue_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// booked is a booking of person in field A on 2026-11-21, 08:15-08:45.
func booked(id, person string) queue.CheckInRequest {
	from := time.Date(2026, 11, 21, 8, 15, 0, 0, ict)
	return queue.CheckInRequest{Booking: id, Service: "A", Person: person, Day: "2026-11-21",
		From: from, To: from.Add(30 * time.Minute), Grace: 10 * time.Minute, Kiosk: "k1"}
}

// TestCheckInStanding: an online number checked in at 08:30 for the window
// from 08:15 ranks after the walk-ins issued before 08:15 and before those
// issued after, in the engine and on the board.
func TestCheckInStanding(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, ict))
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{})
	for _, at := range []time.Duration{0, 10 * time.Minute, 20 * time.Minute} {
		clock.Set(time.Date(2026, 11, 21, 8, 0, 0, 0, ict).Add(at))
		r.issue("A", false)
	}
	clock.Set(time.Date(2026, 11, 21, 8, 30, 0, 0, ict))
	board := queue.NewBoard(r.e.Snapshot())
	tk, err := r.e.CheckIn(context.Background(), booked("b1", "person-an"))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Number != "A004" || tk.Booking != "b1" || tk.Person != "person-an" || tk.State != queue.Waiting ||
		!tk.QueuedAt.Equal(booked("b1", "").From) || !tk.IssuedAt.Equal(clock.Now()) {
		t.Fatalf("checked in: %+v", tk)
	}
	evs, err := store.Events(context.Background(), board.Seq(), 0)
	if err != nil || len(evs) != 1 {
		t.Fatalf("events of the check-in: %v %v", evs, err)
	}
	board.Apply(evs[0])
	f, _ := board.Field("A")
	var onBoard []string
	for _, w := range f.Waiting {
		onBoard = append(onBoard, w.Number)
	}
	want := []string{"A001", "A002", "A004", "A003"}
	if !slices.Equal(onBoard, want) {
		t.Fatalf("board: %v, want %v", onBoard, want)
	}
	for _, n := range want {
		if got := r.next("1"); got != n {
			t.Fatalf("called %s, want %s (order %v)", got, n, want)
		}
	}
}

// TestCheckInOnce: a booking is checked in once, also after a restart of
// the engine on its store; a booking past its window and grace, or of
// another day, is refused; the caps count an online number.
func TestCheckInOnce(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2026, 11, 21, 8, 20, 0, 0, ict))
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{Caps: queue.Caps{PerDay: 2, PerField: 1}})
	first, err := r.e.CheckIn(ctx, booked("b1", "person-an"))
	if err != nil {
		t.Fatal(err)
	}
	var used *queue.BookingUsedError
	if _, err := r.e.CheckIn(ctx, booked("b1", "person-an")); !errors.As(err, &used) || used.Ticket.Number != first.Number {
		t.Fatalf("replayed: %v", err)
	}
	again := start(t, store, clock, queue.Opts{Caps: queue.Caps{PerDay: 2, PerField: 1}})
	if _, err := again.e.CheckIn(ctx, booked("b1", "person-an")); !errors.Is(err, queue.ErrBookingUsed) {
		t.Fatalf("replayed after a restart: %v", err)
	}
	// The online number counts against the caps of its person.
	if _, err := again.take("A", "person-an"); !errors.Is(err, queue.ErrPersonCap) {
		t.Fatalf("a walk-in in A after an online number in A: %v", err)
	}
	if _, err := again.take("B", "person-an"); err != nil {
		t.Fatal(err)
	}
	if _, err := again.e.CheckIn(ctx, booked("b2", "person-an")); !errors.Is(err, queue.ErrPersonCap) {
		t.Fatalf("a third number of the day: %v", err)
	}

	late := booked("b3", "person-binh")
	clock.Set(late.To.Add(late.Grace + time.Minute))
	if _, err := again.e.CheckIn(ctx, late); !errors.Is(err, queue.ErrBookingExpired) {
		t.Fatalf("after window and grace: %v", err)
	}
	clock.Set(late.To.Add(late.Grace))
	other := late
	other.Day = "2026-11-22"
	if _, err := again.e.CheckIn(ctx, other); !errors.Is(err, queue.ErrBookingDay) {
		t.Fatalf("tomorrow's booking today: %v", err)
	}
	unknown := late
	unknown.Service = "Z"
	if _, err := again.e.CheckIn(ctx, unknown); !errors.Is(err, queue.ErrUnknownService) {
		t.Fatalf("unknown field: %v", err)
	}
	if tk, err := again.e.CheckIn(ctx, late); err != nil || tk.Number != "A002" {
		t.Fatalf("at the last minute of the grace: %v %v", tk.Number, err)
	}
}
