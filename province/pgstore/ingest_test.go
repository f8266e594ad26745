package pgstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"motcua/province/pgstore"
	"motcua/queue"
)

// simulate is a center's log for day: a day reset, then n tickets of fields
// A and B issued while earlier ones are called (some twice), started, done
// and rated, transferred or missed. It returns the events in seq order,
// starting after seq first, and every ticket as its last event left it.
func simulate(seed uint64, day string, n int, first uint64) ([]queue.Event, map[string]queue.Ticket) {
	r := rand.New(rand.NewPCG(seed, 1))
	now, _ := time.Parse("2006-01-02 15:04", day+" 07:30")
	seq := first
	var evs []queue.Event
	emit := func(ev queue.Event) {
		seq++
		now = now.Add(time.Duration(1+r.IntN(20000)) * time.Millisecond)
		ev.Seq, ev.At = seq, now
		evs = append(evs, ev)
	}
	emit(queue.Event{Type: queue.EventDayReset, Day: day})
	final := map[string]queue.Ticket{}
	var open []string
	numbers := map[string]int{}
	for issued := 0; issued < n || len(open) > 0; {
		if issued < n && (len(open) == 0 || r.IntN(3) == 0) {
			origin := []string{"A", "B"}[r.IntN(2)]
			numbers[origin]++
			t := queue.Ticket{ID: fmt.Sprintf("%s-%s%03d", day, origin, numbers[origin]), Day: day,
				Origin: origin, Seq: numbers[origin], Number: fmt.Sprintf("%s%03d", origin, numbers[origin]),
				Service: origin, Priority: r.IntN(10) == 0, State: queue.Waiting, Kiosk: "k1",
				IssuedAt: now, QueuedAt: now, Print: queue.PrintQueued}
			emit(queue.Event{Type: queue.EventIssued, Ticket: t})
			t.IssuedAt, t.QueuedAt = evs[len(evs)-1].At, evs[len(evs)-1].At
			evs[len(evs)-1].Ticket = t
			final[t.ID] = t
			open = append(open, t.ID)
			issued++
			continue
		}
		i := r.IntN(len(open))
		t := final[open[i]]
		ev := queue.Event{Counter: fmt.Sprint(1 + r.IntN(4))}
		switch t.State {
		case queue.Waiting, queue.Transferred:
			if t.Print == queue.PrintQueued {
				ev.Type, t.Print, ev.Counter = queue.EventPrint, queue.PrintPrinted, ""
				break
			}
			ev.Type, t.State, t.Counter, t.Calls = queue.EventCalled, queue.Called, ev.Counter, t.Calls+1
		case queue.Called:
			switch k := r.IntN(10); {
			case k == 0:
				ev.Type, t.State = queue.EventNoShow, queue.NoShow
			case k == 1 && t.Service != "C":
				ev.Type, ev.From, t.State, t.Service = queue.EventTransferred, t.Service, queue.Transferred, "C"
			case k == 2:
				ev.Type, ev.Recall, t.Calls = queue.EventCalled, true, t.Calls+1
			default:
				ev.Type, t.State = queue.EventStarted, queue.Serving
			}
		case queue.Serving:
			ev.Type, t.State = queue.EventCompleted, queue.Done
		case queue.Done:
			ev.Type, t.Rating, ev.Counter = queue.EventRated, 1+r.IntN(3), ""
		}
		emit(ev)
		at := evs[len(evs)-1].At
		switch ev.Type {
		case queue.EventCalled:
			t.CalledAt = at
		case queue.EventStarted:
			t.StartedAt = at
		case queue.EventCompleted, queue.EventNoShow:
			t.DoneAt = at
		case queue.EventTransferred:
			t.QueuedAt = at
		}
		evs[len(evs)-1].Ticket = t
		final[t.ID] = t
		if t.State == queue.NoShow || t.Rating > 0 {
			open = append(open[:i], open[i+1:]...)
		}
	}
	return evs, final
}

// snapshot is everything the hub holds of one center.
type snapshot struct {
	Day                 string
	Tickets             []queue.Ticket
	Events              []queue.Event
	LastSeq, Contiguous uint64
}

func snap(t *testing.T, db *pgstore.DB, center string, days ...string) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	c, err := db.Center(ctx, center)
	if err != nil {
		t.Fatal(err)
	}
	s.Day = c.Day
	for _, d := range days {
		ts, err := db.CenterTickets(ctx, center, d)
		if err != nil {
			t.Fatal(err)
		}
		s.Tickets = append(s.Tickets, ts...)
	}
	if s.Events, err = db.CenterEvents(ctx, center, 0, 0); err != nil {
		t.Fatal(err)
	}
	if s.LastSeq, err = db.LastSeq(ctx, center); err != nil {
		t.Fatal(err)
	}
	if s.Contiguous, err = db.Contiguous(ctx, center); err != nil {
		t.Fatal(err)
	}
	if c.LastSeq != s.LastSeq || c.Contiguous != s.Contiguous {
		t.Fatalf("Center(%s) says last %d contiguous %d; LastSeq %d, Contiguous %d", center,
			c.LastSeq, c.Contiguous, s.LastSeq, s.Contiguous)
	}
	return s
}

// twoDays is a center's log over two days and its tickets at the end.
func twoDays(seed uint64, n int) ([]queue.Event, map[string]queue.Ticket) {
	evs, final := simulate(seed, "2026-11-20", n, 0)
	more, final2 := simulate(seed+1, "2026-11-21", n, uint64(len(evs)))
	for id, t := range final2 {
		final[id] = t
	}
	return append(evs, more...), final
}

func ingest(t *testing.T, db *pgstore.DB, center string, evs []queue.Event) int {
	t.Helper()
	n, err := db.Ingest(context.Background(), center, evs)
	if err != nil {
		t.Fatalf("Ingest %s of %d events: %v", center, len(evs), err)
	}
	return n
}

// The log shipped in order once, or in shuffled batches each delivered twice
// (some only after later ones), leaves the same rows: the tickets as their
// last events left them, every event once, the last day.
func TestIngestTwiceAndOutOfOrderGivesTheSameRows(t *testing.T) {
	db := open(t)
	evs, final := twoDays(7, 40)
	if n := ingest(t, db, "ordered", evs); n != len(evs) {
		t.Fatalf("Ingest added %d of %d new events", n, len(evs))
	}
	want := snap(t, db, "ordered", "2026-11-20", "2026-11-21")

	r := rand.New(rand.NewPCG(3, 4))
	var batches [][]queue.Event
	for i := 0; i < len(evs); {
		n := 1 + r.IntN(30)
		batches = append(batches, evs[i:min(i+n, len(evs))])
		i += n
	}
	r.Shuffle(len(batches), func(i, j int) { batches[i], batches[j] = batches[j], batches[i] })
	added := 0
	for _, b := range batches {
		shuffled := append([]queue.Event(nil), b...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		added += ingest(t, db, "shuffled", shuffled)
		if n := ingest(t, db, "shuffled", b); n != 0 {
			t.Fatalf("a batch delivered again added %d events", n)
		}
	}
	// And the whole log again, over what is there, then its first events
	// once more, last.
	for _, again := range [][]queue.Event{evs, evs[:len(evs)/3], evs[:1]} {
		if n := ingest(t, db, "shuffled", again); n != 0 {
			t.Fatalf("%d events again added %d", len(again), n)
		}
	}
	if added != len(evs) {
		t.Fatalf("the batches added %d events, want %d", added, len(evs))
	}
	got := snap(t, db, "shuffled", "2026-11-20", "2026-11-21")
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("shuffled and twice:\n got  %+v\n want %+v", got, want)
	}

	if want.Day != "2026-11-21" || want.LastSeq != uint64(len(evs)) || want.Contiguous != want.LastSeq {
		t.Errorf("day %q last %d contiguous %d, want 2026-11-21 %d %d", want.Day, want.LastSeq, want.Contiguous, len(evs), len(evs))
	}
	if len(want.Tickets) != len(final) {
		t.Fatalf("%d tickets, want %d", len(want.Tickets), len(final))
	}
	for i, tk := range want.Tickets {
		if tk != final[tk.ID] {
			t.Errorf("ticket %s:\n got  %+v\n want %+v", tk.ID, tk, final[tk.ID])
		}
		if i > 0 && tk.Day == want.Tickets[i-1].Day && tk.IssuedAt.Before(want.Tickets[i-1].IssuedAt) {
			t.Errorf("ticket %s issued before %s comes after it", tk.ID, want.Tickets[i-1].ID)
		}
	}
	if !reflect.DeepEqual(want.Events, evs) {
		t.Errorf("CenterEvents differs from what was shipped")
	}
}

// A ticket's row follows its newest event held, not the last batch written:
// a late batch with an older state of the ticket leaves the row alone.
func TestIngestKeepsTheNewestTicket(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	evs, final := simulate(11, "2026-11-21", 10, 0)
	ingest(t, db, "c1", evs[len(evs)/2:])
	ingest(t, db, "c1", evs[:len(evs)/2])
	ts, err := db.CenterTickets(ctx, "c1", "2026-11-21")
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range ts {
		if tk != final[tk.ID] {
			t.Errorf("ticket %s:\n got  %+v\n want %+v", tk.ID, tk, final[tk.ID])
		}
	}
	if len(ts) != len(final) {
		t.Fatalf("%d tickets, want %d", len(ts), len(final))
	}
	// Events from before a center's store kept their ticket carry its id
	// only: they are held, and no ticket row is made of them.
	old := []queue.Event{{Seq: 1, Type: queue.EventCalled, Ticket: queue.Ticket{ID: "x1"}, Counter: "3", Recall: true},
		{Seq: 2, Type: queue.EventCompleted, Ticket: queue.Ticket{ID: "x2"}, Counter: "1"}}
	if n := ingest(t, db, "c3", old); n != 2 {
		t.Fatalf("events with ticket ids only: %d added, want 2", n)
	}
	if got, err := db.CenterEvents(ctx, "c3", 0, 0); err != nil || !reflect.DeepEqual(got, old) {
		t.Fatalf("CenterEvents: %+v, %v; want %+v", got, err, old)
	}
	if tk, err := db.Store("c3").Tickets(ctx, "", "9999"); err != nil || len(tk) != 0 {
		t.Fatalf("tickets made of id-only events: %+v, %v", tk, err)
	}

	// An older day reset arriving last does not move the day back.
	ingest(t, db, "c2", []queue.Event{{Seq: 9, Type: queue.EventDayReset, Day: "2026-11-21"}})
	ingest(t, db, "c2", []queue.Event{{Seq: 2, Type: queue.EventDayReset, Day: "2026-11-20"}})
	if c, err := db.Center(ctx, "c2"); err != nil || c.Day != "2026-11-21" {
		t.Fatalf("day after a late older reset: %q, %v; want 2026-11-21", c.Day, err)
	}
}

// Two hub processes (two pools) ingest overlapping batches of one center at
// once: every event is added once, and the rows are those of one ordered
// ingest.
func TestIngestConcurrentOverlappingBatches(t *testing.T) {
	db := open(t)
	other := openURL(t, db.Pool().Config().ConnString())
	evs, _ := twoDays(21, 60)
	ingest(t, db, "ref", evs)
	want := snap(t, db, "ref", "2026-11-20", "2026-11-21")

	var wg sync.WaitGroup
	added := make([]int, 2)
	errs := make(chan error, 2)
	for w, d := range []*pgstore.DB{db, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 9))
			// Batches of up to 40 starting every 1..20 events: each event in
			// about two batches of each worker, the second worker backwards.
			var starts []int
			for i := 0; i < len(evs); i += 1 + r.IntN(20) {
				starts = append(starts, i)
			}
			if w == 1 {
				for i, j := 0, len(starts)-1; i < j; i, j = i+1, j-1 {
					starts[i], starts[j] = starts[j], starts[i]
				}
			}
			for _, s := range starts {
				n, err := d.Ingest(context.Background(), "c1", evs[s:min(s+1+r.IntN(40), len(evs))])
				if err != nil {
					errs <- err
					return
				}
				added[w] += n
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Each worker's batches cover the log, so together they add it once.
	if added[0]+added[1] != len(evs) {
		t.Fatalf("the two added %d and %d events, want %d in all", added[0], added[1], len(evs))
	}
	if got := snap(t, db, "c1", "2026-11-20", "2026-11-21"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after concurrent ingests:\n got  %+v\n want %+v", got, want)
	}
}

// Contiguous stops below the first missing event and moves up when it
// arrives; LastSeq is the highest held.
func TestContiguous(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	evs, _ := simulate(5, "2026-11-21", 8, 0)
	check := func(what string, last, contiguous uint64) {
		t.Helper()
		gl, err := db.LastSeq(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		gc, err := db.Contiguous(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if gl != last || gc != contiguous {
			t.Fatalf("%s: last %d contiguous %d, want %d %d", what, gl, gc, last, contiguous)
		}
	}
	check("unknown center", 0, 0)
	ingest(t, db, "c1", evs[1:3]) // 2, 3
	check("without 1", 3, 0)
	ingest(t, db, "c1", evs[0:1])
	check("1 arrives", 3, 3)
	ingest(t, db, "c1", append([]queue.Event{evs[4]}, evs[6:9]...)) // 5, 7, 8, 9
	check("5 and 7..9 without 4 and 6", 9, 3)
	ingest(t, db, "c1", evs[3:4])
	check("4 arrives", 9, 5)
	ingest(t, db, "c1", evs[5:6])
	check("6 arrives", 9, 9)
	if _, err := db.Ingest(ctx, "c1", []queue.Event{{Type: queue.EventDayReset}}); err == nil {
		t.Fatal("an event without a seq was taken")
	}
	if _, err := db.Ingest(ctx, "", evs[:1]); err == nil {
		t.Fatal("events of no center were taken")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.Ingest(cancelled, "c1", stream(12)[9:]); err == nil {
		t.Fatal("an Ingest with a cancelled context succeeded")
	}
	check("after refused batches", 9, 9)

	// Past more held events than one page of the watermark's reads.
	long := stream(2600)
	ingest(t, db, "c2", long[1:])
	ingest(t, db, "c2", long[:1])
	if c, err := db.Contiguous(ctx, "c2"); err != nil || c != 2600 {
		t.Fatalf("2..2600 then 1: contiguous %d, %v; want 2600", c, err)
	}
}
