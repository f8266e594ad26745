package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"motcua/queue"
)

// Run runs the contract's subtests against stores made by open, which must
// return a new, empty store each time and release it with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) queue.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s queue.Store)
	}{
		{"NewStoreIsEmpty", newStoreIsEmpty},
		{"RoundTrip", roundTrip},
		{"LoadKeepsTheDayAndOpenTickets", loadKeepsTheDayAndOpenTickets},
		{"DayState", dayState},
		{"DuplicateNumberRefused", duplicateNumberRefused},
		{"FailedBatchRolledBack", failedBatchRolledBack},
		{"EventsInSeqOrder", eventsInSeqOrder},
		{"TicketsRangeInclusive", ticketsRangeInclusive},
		{"UnknownTicket", unknownTicket},
		{"ServiceSamples", serviceSamples},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open(t)) })
	}
}

// ict is not UTC on purpose: zones are not part of the contract.
var ict = time.FixedZone("ICT", 7*3600)

// at is a time of day on 2026-11-21 in ICT, with milliseconds.
func at(h, m, s, ms int) time.Time { return time.Date(2026, 11, 21, h, m, s, ms*1e6, ict) }

// ticket is a waiting ticket issued at t.
func ticket(id, day, origin string, seq int, t time.Time) queue.Ticket {
	return queue.Ticket{ID: id, Day: day, Origin: origin, Seq: seq, Number: fmt.Sprintf("%s%03d", origin, seq),
		Service: origin, State: queue.Waiting, Kiosk: "k1", IssuedAt: t, QueuedAt: t, Print: queue.PrintQueued}
}

// issued is the change that issues t with event seq.
func issued(seq uint64, t queue.Ticket) queue.Change {
	return queue.Change{Tickets: []queue.Ticket{t},
		Events: []queue.Event{{Seq: seq, At: t.IssuedAt, Type: queue.EventIssued, Ticket: t}}}
}

func apply(t *testing.T, s queue.Store, changes ...queue.Change) {
	t.Helper()
	if err := s.Apply(context.Background(), changes); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func load(t *testing.T, s queue.Store) queue.Saved {
	t.Helper()
	saved, err := s.Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return saved
}

func events(t *testing.T, s queue.Store, after uint64, limit int) []queue.Event {
	t.Helper()
	evs, err := s.Events(context.Background(), after, limit)
	if err != nil {
		t.Fatalf("Events(%d, %d): %v", after, limit, err)
	}
	return evs
}

func tickets(t *testing.T, s queue.Store, from, to string) []queue.Ticket {
	t.Helper()
	ts, err := s.Tickets(context.Background(), from, to)
	if err != nil {
		t.Fatalf("Tickets(%s, %s): %v", from, to, err)
	}
	return ts
}

// norm drops what the contract does not keep (zones, monotonic readings), so
// tickets compare with ==.
func norm(t queue.Ticket) queue.Ticket {
	for _, p := range []*time.Time{&t.IssuedAt, &t.QueuedAt, &t.CalledAt, &t.StartedAt, &t.DoneAt} {
		*p = p.UTC()
	}
	return t
}

func normEvent(ev queue.Event) queue.Event {
	ev.At, ev.Ticket = ev.At.UTC(), norm(ev.Ticket)
	return ev
}

func sameTicket(t *testing.T, what string, got, want queue.Ticket) {
	t.Helper()
	if norm(got) != norm(want) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// sameTickets compares in order.
func sameTickets(t *testing.T, what string, got, want []queue.Ticket) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d tickets %v, want %d %v", what, len(got), ids(got), len(want), ids(want))
	}
	for i := range want {
		sameTicket(t, fmt.Sprintf("%s[%d]", what, i), got[i], want[i])
	}
}

// sameTicketSet compares regardless of order.
func sameTicketSet(t *testing.T, what string, got, want []queue.Ticket) {
	t.Helper()
	byID := map[string]queue.Ticket{}
	for _, g := range got {
		if _, dup := byID[g.ID]; dup {
			t.Fatalf("%s: ticket %s twice", what, g.ID)
		}
		byID[g.ID] = g
	}
	if len(got) != len(want) {
		t.Fatalf("%s: tickets %v, want %v", what, ids(got), ids(want))
	}
	for _, w := range want {
		g, ok := byID[w.ID]
		if !ok {
			t.Fatalf("%s: tickets %v, want %v", what, ids(got), ids(want))
		}
		sameTicket(t, what+" "+w.ID, g, w)
	}
}

func sameEvents(t *testing.T, what string, got, want []queue.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: seqs %v, want %v", what, seqs(got), seqs(want))
	}
	for i := range want {
		if normEvent(got[i]) != normEvent(want[i]) {
			t.Errorf("%s[%d]:\n got  %+v\n want %+v", what, i, got[i], want[i])
		}
	}
}

func ids(ts []queue.Ticket) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func seqs(evs []queue.Event) []uint64 {
	out := make([]uint64, len(evs))
	for i, ev := range evs {
		out[i] = ev.Seq
	}
	return out
}

func newStoreIsEmpty(t *testing.T, s queue.Store) {
	saved := load(t, s)
	if saved.Day != "" || saved.Seq != 0 || len(saved.Tickets) != 0 || len(saved.Service) != 0 {
		t.Fatalf("a new store loads %+v, want day \"\", seq 0, nothing else", saved)
	}
	if evs := events(t, s, 0, 0); len(evs) != 0 {
		t.Fatalf("a new store has events %v", seqs(evs))
	}
	if ts := tickets(t, s, "2000-01-01", "2999-12-31"); len(ts) != 0 {
		t.Fatalf("a new store has tickets %v", ids(ts))
	}
}

func roundTrip(t *testing.T, s queue.Store) {
	const day = "2026-11-21"
	a := ticket("a1", day, "A", 1, at(8, 0, 1, 250))
	a.Person, a.Booking = "7f3a", "0123456789abcdef" // an online number
	b := ticket("b1", day, "B", 1, at(8, 0, 2, 500))
	b.Priority, b.Print = true, queue.PrintNone
	apply(t, s, queue.Change{Day: day}, issued(1, a), issued(2, b))

	// Every field changes on the way to the end of a's life.
	a.State, a.Counter, a.Calls, a.CalledAt, a.Print = queue.Called, "3", 2, at(8, 5, 0, 1), queue.PrintPrinted
	a.StartedAt = at(8, 5, 30, 999)
	apply(t, s, queue.Change{Tickets: []queue.Ticket{a},
		Events: []queue.Event{{Seq: 3, At: a.CalledAt, Type: queue.EventCalled, Ticket: a, Counter: "3"}}})
	a.State, a.DoneAt, a.Rating = queue.Done, at(8, 12, 0, 7), 3
	b.State, b.Service, b.QueuedAt = queue.Transferred, "C", at(8, 6, 0, 0)
	apply(t, s, queue.Change{Tickets: []queue.Ticket{a, b}, Events: []queue.Event{
		{Seq: 4, At: a.DoneAt, Type: queue.EventCompleted, Ticket: a, Counter: "3"},
		{Seq: 5, At: b.QueuedAt, Type: queue.EventTransferred, Ticket: b, Counter: "2", From: "B"},
	}})

	saved := load(t, s)
	if saved.Day != day || saved.Seq != 5 {
		t.Fatalf("Load: day %q seq %d, want %s 5", saved.Day, saved.Seq, day)
	}
	sameTicketSet(t, "Load", saved.Tickets, []queue.Ticket{a, b})
	for _, want := range []queue.Ticket{a, b} {
		got, err := s.Ticket(context.Background(), want.ID)
		if err != nil {
			t.Fatalf("Ticket(%s): %v", want.ID, err)
		}
		sameTicket(t, "Ticket("+want.ID+")", got, want)
	}
	sameTickets(t, "Tickets", tickets(t, s, day, day), []queue.Ticket{a, b})
}

func loadKeepsTheDayAndOpenTickets(t *testing.T, s queue.Store) {
	const before, day = "2026-11-20", "2026-11-21"
	y := at(9, 0, 0, 0).AddDate(0, 0, -1)
	oldDone := ticket("old-done", before, "A", 1, y)
	oldDone.State, oldDone.CalledAt, oldDone.DoneAt = queue.Done, y.Add(time.Minute), y.Add(2*time.Minute)
	oldNoShow := ticket("old-noshow", before, "A", 2, y.Add(time.Second))
	oldNoShow.State = queue.NoShow
	oldWaiting := ticket("old-waiting", before, "A", 3, y.Add(2*time.Second))
	oldServing := ticket("old-serving", before, "B", 1, y.Add(3*time.Second))
	oldServing.State, oldServing.Counter, oldServing.CalledAt = queue.Serving, "1", y.Add(4*time.Second)
	todayDone := ticket("today-done", day, "A", 1, at(8, 0, 0, 0))
	todayDone.State = queue.Cancelled
	todayWaiting := ticket("today-waiting", day, "A", 2, at(8, 1, 0, 0))
	apply(t, s,
		queue.Change{Day: before, Tickets: []queue.Ticket{oldDone, oldNoShow, oldWaiting, oldServing}},
		queue.Change{Day: day, Tickets: []queue.Ticket{todayDone, todayWaiting}})
	sameTicketSet(t, "Load", load(t, s).Tickets, []queue.Ticket{oldWaiting, oldServing, todayDone, todayWaiting})
	// Final tickets of earlier days are still there for Ticket and reports.
	if _, err := s.Ticket(context.Background(), oldDone.ID); err != nil {
		t.Fatalf("Ticket(%s): %v", oldDone.ID, err)
	}
}

func dayState(t *testing.T, s queue.Store) {
	apply(t, s, queue.Change{Day: "2026-11-20",
		Events: []queue.Event{{Seq: 1, At: at(0, 0, 0, 0), Type: queue.EventDayReset, Day: "2026-11-20"}}})
	if saved := load(t, s); saved.Day != "2026-11-20" || saved.Seq != 1 {
		t.Fatalf("after the first day: day %q seq %d", saved.Day, saved.Seq)
	}
	a := ticket("a", "2026-11-20", "A", 1, at(9, 0, 0, 0))
	apply(t, s, issued(7, a)) // no Day: the day stays; seqs may skip
	if saved := load(t, s); saved.Day != "2026-11-20" || saved.Seq != 7 {
		t.Fatalf("a change without a day: day %q seq %d, want 2026-11-20 7", saved.Day, saved.Seq)
	}
	apply(t, s, queue.Change{Day: "2026-11-21",
		Events: []queue.Event{{Seq: 8, At: at(0, 0, 0, 0), Type: queue.EventDayReset, Day: "2026-11-21"}}})
	if saved := load(t, s); saved.Day != "2026-11-21" || saved.Seq != 8 {
		t.Fatalf("after the next day: day %q seq %d, want 2026-11-21 8", saved.Day, saved.Seq)
	}
	// The day can be set without an event (a first start).
	apply(t, s, queue.Change{Day: "2026-11-22"})
	if saved := load(t, s); saved.Day != "2026-11-22" || saved.Seq != 8 {
		t.Fatalf("a day without an event: day %q seq %d, want 2026-11-22 8", saved.Day, saved.Seq)
	}
}

func duplicateNumberRefused(t *testing.T, s queue.Store) {
	ctx := context.Background()
	const day = "2026-11-21"
	first := ticket("first", day, "A", 1, at(8, 0, 0, 0))
	apply(t, s, queue.Change{Day: day}, issued(1, first))

	other := ticket("other", day, "B", 1, at(8, 0, 1, 0))
	again := ticket("again", day, "A", 1, at(8, 0, 2, 0)) // A001 under another id
	again.Service = "C"                                   // the number is the origin's, whatever the queue
	err := s.Apply(ctx, []queue.Change{issued(2, other), {Day: "2026-11-22"}, issued(3, again)})
	if err == nil {
		t.Fatal("a second A001 on one day was accepted")
	}
	for _, id := range []string{other.ID, again.ID} {
		if _, err := s.Ticket(ctx, id); !errors.Is(err, queue.ErrNotFound) {
			t.Fatalf("Ticket(%s) after the refused batch: %v, want ErrNotFound", id, err)
		}
	}
	saved := load(t, s)
	if saved.Day != day || saved.Seq != 1 {
		t.Fatalf("after the refused batch: day %q seq %d, want %s 1", saved.Day, saved.Seq, day)
	}
	sameTicketSet(t, "Load after the refused batch", saved.Tickets, []queue.Ticket{first})
	sameEvents(t, "Events after the refused batch", events(t, s, 0, 0), issued(1, first).Events)

	// Two tickets of one batch with the same number are refused as well.
	x, y := ticket("x", day, "D", 4, at(8, 1, 0, 0)), ticket("y", day, "D", 4, at(8, 1, 1, 0))
	if err := s.Apply(ctx, []queue.Change{issued(2, x), issued(3, y)}); err == nil {
		t.Fatal("two D004 in one batch were accepted")
	}
	if _, err := s.Ticket(ctx, x.ID); !errors.Is(err, queue.ErrNotFound) {
		t.Fatalf("Ticket(x) after the refused batch: %v, want ErrNotFound", err)
	}

	// The same ticket written again is an update, and numbers start over
	// each day.
	first.State, first.Counter, first.Calls, first.CalledAt = queue.Called, "1", 1, at(8, 3, 0, 0)
	tomorrow := ticket("tomorrow", "2026-11-22", "A", 1, at(8, 0, 0, 0).AddDate(0, 0, 1))
	apply(t, s, queue.Change{Tickets: []queue.Ticket{first}}, issued(2, tomorrow))
	got, err := s.Ticket(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameTicket(t, "updated ticket", got, first)
	if _, err := s.Ticket(ctx, tomorrow.ID); err != nil {
		t.Fatalf("A001 of the next day: %v", err)
	}
}

func failedBatchRolledBack(t *testing.T, s queue.Store) {
	const day = "2026-11-21"
	a := ticket("a", day, "A", 1, at(8, 0, 0, 0))
	b := ticket("b", day, "A", 2, at(8, 0, 1, 0))
	apply(t, s, queue.Change{Day: day}, issued(1, a), issued(5, b))
	before := load(t, s)
	beforeEvents := events(t, s, 0, 0)

	c := ticket("c", day, "A", 3, at(8, 0, 2, 0))
	calledA := a
	calledA.State, calledA.Counter, calledA.Calls, calledA.CalledAt = queue.Called, "1", 1, at(8, 1, 0, 0)
	call := queue.Change{Tickets: []queue.Ticket{calledA},
		Events: []queue.Event{{Seq: 6, At: calledA.CalledAt, Type: queue.EventCalled, Ticket: calledA, Counter: "1"}}}
	cases := []struct {
		name  string
		batch []queue.Change
	}{
		{"an event seq already committed", []queue.Change{call, {Day: "2026-11-22"}, issued(5, c)}},
		{"an event seq below the last committed", []queue.Change{{Day: "2026-11-22"}, issued(6, c), issued(3, c)}},
		{"event seqs going back within the batch", []queue.Change{call, {Day: "2026-11-22"}, issued(8, c), issued(7, c)}},
	}
	for _, tc := range cases {
		if err := s.Apply(context.Background(), tc.batch); err == nil {
			t.Fatalf("%s: the batch was accepted", tc.name)
		}
		unchanged(t, s, tc.name, before, beforeEvents, c.ID)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Apply(ctx, []queue.Change{issued(6, c), {Day: "2026-11-22"}}); err == nil {
		t.Fatal("an Apply with a cancelled context succeeded")
	}
	unchanged(t, s, "a cancelled context", before, beforeEvents, c.ID)

	// And the store still takes the batch once it is right.
	apply(t, s, issued(6, c), queue.Change{Day: "2026-11-22"})
	if saved := load(t, s); saved.Seq != 6 || saved.Day != "2026-11-22" {
		t.Fatalf("after a good batch: day %q seq %d", saved.Day, saved.Seq)
	}
}

// unchanged fails unless s holds what it held before a refused batch and no
// ticket absent.
func unchanged(t *testing.T, s queue.Store, what string, before queue.Saved, beforeEvents []queue.Event, absent string) {
	t.Helper()
	now := load(t, s)
	if now.Day != before.Day || now.Seq != before.Seq {
		t.Fatalf("%s: day %q seq %d after the refused batch, want %q %d", what, now.Day, now.Seq, before.Day, before.Seq)
	}
	sameTicketSet(t, what+": Load", now.Tickets, before.Tickets)
	sameEvents(t, what+": Events", events(t, s, 0, 0), beforeEvents)
	if _, err := s.Ticket(context.Background(), absent); !errors.Is(err, queue.ErrNotFound) {
		t.Fatalf("%s: Ticket(%s) = %v, want ErrNotFound", what, absent, err)
	}
}

func eventsInSeqOrder(t *testing.T, s queue.Store) {
	const day = "2026-11-21"
	a := ticket("a", day, "A", 1, at(8, 0, 0, 1))
	b := ticket("b", day, "B", 1, at(8, 0, 0, 2))
	b.Priority = true
	reset := queue.Event{Seq: 1, At: at(0, 0, 0, 0), Type: queue.EventDayReset, Day: day}
	issueA, issueB := issued(2, a).Events[0], issued(3, b).Events[0]
	calledA := a
	calledA.State, calledA.Counter, calledA.Calls, calledA.CalledAt = queue.Called, "1", 1, at(8, 1, 0, 0)
	call := queue.Event{Seq: 4, At: calledA.CalledAt, Type: queue.EventCalled, Ticket: calledA, Counter: "1"}
	recalledA := calledA
	recalledA.Calls = 2
	recall := queue.Event{Seq: 6, At: at(8, 2, 0, 0), Type: queue.EventCalled, Ticket: recalledA, Counter: "1", Recall: true}
	movedB := b
	movedB.State, movedB.Service, movedB.QueuedAt = queue.Transferred, "C", at(8, 3, 0, 0)
	move := queue.Event{Seq: 9, At: movedB.QueuedAt, Type: queue.EventTransferred, Ticket: movedB, Counter: "2", From: "B"}
	printedB := movedB
	printedB.Print = queue.PrintPrinted
	printed := queue.Event{Seq: 10, At: at(8, 3, 0, 5), Type: queue.EventPrint, Ticket: printedB}

	apply(t, s, queue.Change{Day: day, Events: []queue.Event{reset}},
		queue.Change{Tickets: []queue.Ticket{a, b}, Events: []queue.Event{issueA, issueB}})
	apply(t, s, queue.Change{Tickets: []queue.Ticket{calledA}, Events: []queue.Event{call}})
	apply(t, s, queue.Change{Tickets: []queue.Ticket{recalledA}, Events: []queue.Event{recall}},
		queue.Change{Tickets: []queue.Ticket{movedB}, Events: []queue.Event{move}},
		queue.Change{Tickets: []queue.Ticket{printedB}, Events: []queue.Event{printed}})

	all := []queue.Event{reset, issueA, issueB, call, recall, move, printed}
	sameEvents(t, "Events(0, all)", events(t, s, 0, 0), all)
	sameEvents(t, "Events(0, 100)", events(t, s, 0, 100), all)
	sameEvents(t, "Events(2, 2)", events(t, s, 2, 2), []queue.Event{issueB, call})
	sameEvents(t, "Events(4, 0): a gap in seqs", events(t, s, 4, 0), []queue.Event{recall, move, printed})
	sameEvents(t, "Events(5, 1): after a seq never used", events(t, s, 5, 1), []queue.Event{recall})
	sameEvents(t, "Events(10, 0): after the last", events(t, s, 10, 0), nil)
	// A hub shipping in pages of 3 gets every event once, in order.
	var shipped []queue.Event
	for after := uint64(0); ; {
		page := events(t, s, after, 3)
		if len(page) == 0 {
			break
		}
		if len(page) > 3 {
			t.Fatalf("a page of 3 held %d events", len(page))
		}
		shipped = append(shipped, page...)
		after = page[len(page)-1].Seq
		if len(shipped) > len(all) {
			t.Fatalf("shipped %v, more than were committed", seqs(shipped))
		}
	}
	sameEvents(t, "shipped in pages", shipped, all)
}

func ticketsRangeInclusive(t *testing.T, s queue.Store) {
	days := []string{"2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"}
	var byDay [][]queue.Ticket
	var changes []queue.Change
	seq := uint64(0)
	for i, day := range days {
		base := at(8, 0, 0, 0).AddDate(0, 0, i-2)
		// Issued out of id order, and the later one written first.
		late := ticket(fmt.Sprintf("%d-a", i), day, "A", 2, base.Add(time.Minute))
		early := ticket(fmt.Sprintf("%d-b", i), day, "B", 1, base)
		seq++
		changes = append(changes, issued(seq, late))
		seq++
		changes = append(changes, issued(seq, early))
		byDay = append(byDay, []queue.Ticket{early, late})
	}
	apply(t, s, changes...)
	cases := []struct {
		from, to string
		want     []queue.Ticket
	}{
		{"2026-11-20", "2026-11-21", append(append([]queue.Ticket{}, byDay[1]...), byDay[2]...)},
		{"2026-11-21", "2026-11-21", byDay[2]},
		{"2026-11-01", "2026-11-19", byDay[0]},
		{"2026-11-22", "2026-12-31", byDay[3]},
		{"2026-11-23", "2026-11-30", nil},
		{"2026-11-21", "2026-11-20", nil},
	}
	for _, tc := range cases {
		sameTickets(t, "Tickets("+tc.from+", "+tc.to+")", tickets(t, s, tc.from, tc.to), tc.want)
	}
}

func unknownTicket(t *testing.T, s queue.Store) {
	if _, err := s.Ticket(context.Background(), "nope"); !errors.Is(err, queue.ErrNotFound) {
		t.Fatalf("Ticket of an empty store: %v, want ErrNotFound", err)
	}
	apply(t, s, issued(1, ticket("a", "2026-11-21", "A", 1, at(8, 0, 0, 0))))
	if _, err := s.Ticket(context.Background(), "A001"); !errors.Is(err, queue.ErrNotFound) {
		t.Fatalf("Ticket by number instead of id: %v, want ErrNotFound", err)
	}
}

func serviceSamples(t *testing.T, s queue.Store) {
	const day = "2026-11-21"
	var changes []queue.Change
	var want []time.Duration
	done := func(id, origin string, seq int, called time.Time, took time.Duration) queue.Ticket {
		tk := ticket(id, day, origin, seq, called.Add(-time.Minute))
		tk.State, tk.Counter, tk.Calls, tk.CalledAt, tk.DoneAt = queue.Done, "1", 1, called, called.Add(took)
		return tk
	}
	// More than ServiceSamples done tickets of A, written newest first.
	n := queue.ServiceSamples + 5
	for i := n - 1; i >= 0; i-- {
		took := time.Duration(i+1) * time.Second
		changes = append(changes, queue.Change{Tickets: []queue.Ticket{
			done(fmt.Sprintf("a%02d", i), "A", i+1, at(9, i, 0, 0), took)}})
	}
	for i := n - queue.ServiceSamples; i < n; i++ {
		want = append(want, time.Duration(i+1)*time.Second)
	}
	// Transferred from B to C and done there: a sample of C.
	moved := done("moved", "B", 1, at(10, 0, 0, 0), 90*time.Second)
	moved.Service = "C"
	// Not samples: still serving, a no-show, done without a call, done the
	// moment it was called.
	serving := ticket("serving", day, "D", 1, at(10, 0, 0, 0))
	serving.State, serving.CalledAt = queue.Serving, at(10, 1, 0, 0)
	noShow := ticket("noshow", day, "D", 2, at(10, 0, 0, 0))
	noShow.State, noShow.CalledAt, noShow.DoneAt = queue.NoShow, at(10, 1, 0, 0), at(10, 2, 0, 0)
	uncalled := ticket("uncalled", day, "D", 3, at(10, 0, 0, 0))
	uncalled.State, uncalled.DoneAt = queue.Done, at(10, 2, 0, 0)
	instant := done("instant", "D", 4, at(10, 3, 0, 0), 0)
	changes = append(changes, queue.Change{Day: day, Tickets: []queue.Ticket{moved, serving, noShow, uncalled, instant}})
	apply(t, s, changes...)

	got := load(t, s).Service
	if fmt.Sprint(got["A"]) != fmt.Sprint(want) {
		t.Errorf("Service[A] = %v, want the last %d oldest first: %v", got["A"], queue.ServiceSamples, want)
	}
	if d := got["C"]; len(d) != 1 || d[0] != 90*time.Second {
		t.Errorf("Service[C] = %v, want [1m30s] (the field it was done in)", d)
	}
	for _, f := range []string{"B", "D"} {
		if d, ok := got[f]; ok {
			t.Errorf("Service[%s] = %v, want none", f, d)
		}
	}
}
