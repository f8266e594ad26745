package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"motcua/internal/database"
	"motcua/queue"
	"motcua/queue/sqlite"
	"motcua/queue/storetest"
)

func openStore(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	db, err := database.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := sqlite.NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) queue.Store {
		return openStore(t, filepath.Join(t.TempDir(), "motcua.db"))
	})
}

// TestStoreSurvivesReopen: what was committed is in the file.
func TestStoreSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "motcua.db")
	s := openStore(t, path)
	at := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	a1 := queue.Ticket{ID: "x1", Day: "2026-11-21", Origin: "A", Seq: 1, Number: "A001", Service: "A",
		State: queue.Waiting, IssuedAt: at, QueuedAt: at, Print: queue.PrintQueued, Kiosk: "k1"}
	old := queue.Ticket{ID: "x0", Day: "2026-11-20", Origin: "B", Seq: 7, Number: "B007", Service: "B",
		State: queue.Done, IssuedAt: at.Add(-24 * time.Hour), QueuedAt: at.Add(-24 * time.Hour),
		CalledAt: at.Add(-23 * time.Hour), DoneAt: at.Add(-23*time.Hour + 3*time.Minute), Print: queue.PrintNone}
	err := s.Apply(ctx, []queue.Change{
		{Tickets: []queue.Ticket{old}, Events: []queue.Event{{Seq: 1, At: at, Type: queue.EventCompleted, Ticket: old}}},
		{Day: "2026-11-21", Tickets: []queue.Ticket{a1}, Events: []queue.Event{{Seq: 2, At: at, Type: queue.EventIssued, Ticket: a1}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	a1.State, a1.Counter, a1.CalledAt, a1.Calls = queue.Called, "3", at.Add(time.Minute), 1
	if err := s.Apply(ctx, []queue.Change{{Tickets: []queue.Ticket{a1},
		Events: []queue.Event{{Seq: 3, At: at, Type: queue.EventCalled, Ticket: a1, Counter: "3"}}}}); err != nil {
		t.Fatal(err)
	}

	// Reopen: what was committed is there.
	s2 := openStore(t, path)
	saved, err := s2.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Day != "2026-11-21" || saved.Seq != 3 || len(saved.Tickets) != 1 {
		t.Fatalf("loaded day %s seq %d tickets %d", saved.Day, saved.Seq, len(saved.Tickets))
	}
	got := saved.Tickets[0]
	if got.State != queue.Called || got.Counter != "3" || !got.CalledAt.Equal(a1.CalledAt) ||
		got.Print != queue.PrintQueued || got.Kiosk != "k1" || got.Calls != 1 || !got.IssuedAt.Equal(at) {
		t.Fatalf("loaded %+v", got)
	}
	if d := saved.Service["B"]; len(d) != 1 || d[0] != 3*time.Minute {
		t.Fatalf("service times %v", saved.Service)
	}
	if _, err := s2.Ticket(ctx, "x0"); err != nil {
		t.Fatalf("older ticket: %v", err)
	}
	if _, err := s2.Ticket(ctx, "nope"); !errors.Is(err, queue.ErrNotFound) {
		t.Fatalf("missing ticket: %v", err)
	}
	days, err := s2.Tickets(ctx, "2026-11-20", "2026-11-21")
	if err != nil || len(days) != 2 {
		t.Fatalf("range: %d %v", len(days), err)
	}
}

func TestEngineOnSQLiteSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "motcua.db")
	loc := time.FixedZone("ICT", 7*3600)
	opts := func(s *sqlite.Store) queue.Opts {
		return queue.Opts{Store: s, Location: loc,
			Fields:   []queue.Field{{Code: "A", Name: "Hộ tịch"}},
			Counters: []queue.Counter{{ID: "1", Services: []string{"A"}}}}
	}
	run := func(e *queue.Engine) func() {
		c, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); e.Run(c) }()
		return func() { cancel(); <-done }
	}
	e, err := queue.New(ctx, opts(openStore(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	stop := run(e)
	for range 3 {
		if _, err := e.Issue(ctx, queue.IssueRequest{Service: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Next(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	stop()

	e2, err := queue.New(ctx, opts(openStore(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	defer run(e2)()
	tk, err := e2.Issue(ctx, queue.IssueRequest{Service: "A"})
	if err != nil || tk.Number != "A004" {
		t.Fatalf("after reopen: %s %v, want A004", tk.Number, err)
	}
	snap := e2.Snapshot()
	if snap.Waiting["A"] != 3 || snap.Counters[0].Current == nil || snap.Counters[0].Current.Number != "A001" {
		t.Fatalf("snapshot after reopen: %+v", snap)
	}
}

// TestPersonSurvivesReopen: who took a number (and its priority category)
// is in the file, so the engine counts a person's numbers again after a
// restart.
func TestPersonSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "motcua.db")
	s := openStore(t, path)
	at := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	tk := queue.Ticket{ID: "t1", Day: "2026-11-21", Origin: "A", Seq: 1, Number: "A001", Service: "A",
		State: queue.Waiting, IssuedAt: at, QueuedAt: at, Print: queue.PrintNone, Person: "ab12", Priority: true, Category: "elderly"}
	if err := s.Apply(ctx, []queue.Change{{Day: "2026-11-21", Tickets: []queue.Ticket{tk},
		Events: []queue.Event{{Seq: 1, At: at, Type: queue.EventIssued, Ticket: tk}}}}); err != nil {
		t.Fatal(err)
	}
	saved, err := openStore(t, path).Load(ctx)
	if err != nil || len(saved.Tickets) != 1 || saved.Tickets[0].Person != "ab12" || saved.Tickets[0].Category != "elderly" {
		t.Fatalf("loaded %+v, %v", saved.Tickets, err)
	}
	evs, err := s.Events(ctx, 0, 0)
	if err != nil || len(evs) != 1 || evs[0].Ticket.Person != "ab12" {
		t.Fatalf("events %+v, %v", evs, err)
	}
}

// TestBookingOnce: the file holds one ticket per booking, whatever the
// day: a second ticket of a booking is refused with its batch.
func TestBookingOnce(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, filepath.Join(t.TempDir(), "motcua.db"))
	at := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	online := func(id, day, number string, seq int) queue.Ticket {
		return queue.Ticket{ID: id, Day: day, Origin: "A", Seq: seq, Number: number, Service: "A", State: queue.Waiting,
			IssuedAt: at, QueuedAt: at, Print: queue.PrintNone, Person: "p", Booking: "0123456789abcdef"}
	}
	a := online("x1", "2026-11-21", "A001", 1)
	if err := s.Apply(ctx, []queue.Change{{Day: a.Day, Tickets: []queue.Ticket{a},
		Events: []queue.Event{{Seq: 1, At: at, Type: queue.EventIssued, Ticket: a}}}}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Ticket(ctx, a.ID); err != nil || got.Booking != a.Booking || got.Person != a.Person {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	b := online("x2", "2026-11-22", "A001", 1)
	if err := s.Apply(ctx, []queue.Change{{Day: b.Day, Tickets: []queue.Ticket{b},
		Events: []queue.Event{{Seq: 2, At: at, Type: queue.EventIssued, Ticket: b}}}}); err == nil {
		t.Fatal("a second ticket of one booking was stored")
	}
	if _, err := s.Ticket(ctx, b.ID); !errors.Is(err, queue.ErrNotFound) {
		t.Fatalf("the refused ticket: %v", err)
	}
	// Walk-ins all have no booking: many of them are fine.
	for i, id := range []string{"w1", "w2"} {
		w := online(id, a.Day, "A00"+string(rune('2'+i)), 2+i)
		w.Booking = ""
		if err := s.Apply(ctx, []queue.Change{{Tickets: []queue.Ticket{w},
			Events: []queue.Event{{Seq: uint64(2 + i), At: at, Type: queue.EventIssued, Ticket: w}}}}); err != nil {
			t.Fatal(err)
		}
	}
}
