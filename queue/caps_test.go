package queue_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/queue"
	"motcua/queue/queuetest"
)

func (r *rig) take(svc, person string) (queue.Ticket, error) {
	r.t.Helper()
	return r.e.Issue(context.Background(), queue.IssueRequest{Service: svc, Person: person})
}

// capOf is the cap err reached and the numbers it names, or fails.
func capOf(t *testing.T, err error) (queue.CapKind, []string) {
	t.Helper()
	var ce *queue.CapError
	if !errors.As(err, &ce) || !errors.Is(err, queue.ErrPersonCap) {
		t.Fatalf("want a CapError, got %v", err)
	}
	var held []string
	for _, tk := range ce.Held {
		held = append(held, tk.Number)
	}
	return ce.Kind, held
}

// TestPersonCaps: 2 numbers a day, 1 per field, per person; others and
// numbers without a person are not counted; a new day starts afresh.
func TestPersonCaps(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{Caps: queue.Caps{PerDay: 2, PerField: 1}})
	const an, binh = "person-an", "person-binh"
	if _, err := r.take("A", an); err != nil {
		t.Fatal(err)
	}
	_, err := r.take("A", an)
	if kind, held := capOf(t, err); kind != queue.CapField || len(held) != 1 || held[0] != "A001" {
		t.Fatalf("second number in A: %s %v", kind, held)
	}
	if _, err := r.take("B", an); err != nil {
		t.Fatal(err)
	}
	_, err = r.take("C", an)
	if kind, held := capOf(t, err); kind != queue.CapDay || len(held) != 2 || held[0] != "A001" || held[1] != "B001" {
		t.Fatalf("third number of the day: %s %v", kind, held)
	}
	// Refused: nothing issued, no number used up.
	if tk, err := r.take("C", binh); err != nil || tk.Number != "C001" {
		t.Fatalf("another person: %v %v", tk.Number, err)
	}
	for range 3 {
		r.issue("A", false) // nobody in particular: no cap
	}
	// A served or cancelled number still counts: the day's numbers are taken.
	r.next("1")
	if _, err := r.take("D", an); err == nil {
		t.Fatal("a served number freed a place")
	}
	clock.Set(time.Date(2026, 11, 22, 7, 30, 0, 0, ict))
	if tk, err := r.take("A", an); err != nil || tk.Number != "A001" {
		t.Fatalf("next day: %v %v", tk.Number, err)
	}
}

// TestPersonCapsAcrossTransfers: a number counts for the field it was
// taken in, wherever the clerk sends it.
func TestPersonCapsAcrossTransfers(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{Caps: queue.Caps{PerField: 1}})
	r.take("A", "p")
	r.next("1")
	if _, err := r.e.Transfer(context.Background(), "1", "B"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.take("B", "p"); err != nil {
		t.Fatalf("B after a transfer from A: %v", err)
	}
	if kind, _ := capOf(t, func() error { _, err := r.take("A", "p"); return err }()); kind != queue.CapField {
		t.Fatal(kind)
	}
}

// TestPersonCapsSurviveRestart: the caps are counted from what the store
// holds, so a restart gives nobody a new allowance.
func TestPersonCapsSurviveRestart(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, ict))
	store := queuetest.NewStore()
	o := queue.Opts{Caps: queue.Caps{PerDay: 2, PerField: 1}}
	r := start(t, store, clock, o)
	r.take("A", "p")
	r.take("B", "p")
	r2 := start(t, store, clock, o)
	_, err := r2.take("C", "p")
	if kind, held := capOf(t, err); kind != queue.CapDay || len(held) != 2 {
		t.Fatalf("after a restart: %s %v", kind, held)
	}
}

// TestNoCapsWithoutOpts: caps are off unless configured.
func TestNoCapsWithoutOpts(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{})
	for range 4 {
		if _, err := r.take("A", "p"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPersonCapsCountNumbersElsewhere: what the hub says a person holds at
// other centers counts with the center's own, per day and per field, and
// the refusal names it; nobody's number is used up by a refusal.
func TestPersonCapsCountNumbersElsewhere(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{Caps: queue.Caps{PerDay: 2, PerField: 1}})
	other := queue.Elsewhere{Center: "Trung tâm phường X", Field: "A", Number: "A012"}
	take := func(svc string, elsewhere ...queue.Elsewhere) (queue.Ticket, error) {
		return r.e.Issue(context.Background(), queue.IssueRequest{Service: svc, Person: "p", Elsewhere: elsewhere})
	}
	var ce *queue.CapError
	if _, err := take("A", other); !errors.As(err, &ce) || ce.Kind != queue.CapField || len(ce.Held) != 0 ||
		len(ce.Elsewhere) != 1 || ce.Elsewhere[0] != other {
		t.Fatalf("A with A012 at another center: %v", err)
	}
	booked := queue.Elsewhere{Center: "Trung tâm phường Y", Field: "C", From: time.Date(2026, 11, 21, 14, 0, 0, 0, ict)}
	tk, err := take("B", other)
	if err != nil || tk.Number != "B001" {
		t.Fatalf("B with A012 elsewhere: %v %v", tk.Number, err)
	}
	_, err = take("D", booked)
	if !errors.As(err, &ce) || ce.Kind != queue.CapDay || len(ce.Held) != 1 || ce.Held[0].Number != "B001" ||
		len(ce.Elsewhere) != 1 || ce.Elsewhere[0] != booked {
		t.Fatalf("a third with a booking elsewhere: %v", err)
	}
	// Without the hub's answer, the center's own count alone.
	if tk, err := take("D"); err != nil || tk.Number != "D001" {
		t.Fatalf("D on the local count: %v %v", tk.Number, err)
	}
}
