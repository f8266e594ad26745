package queue_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/queue"
	"motcua/queue/queuetest"
)

var ict = time.FixedZone("ICT", 7*3600)

// demoFields are the demo center's fields, open around the clock.
func demoFields() []queue.Field {
	return []queue.Field{
		{Code: "A", Name: "Hộ tịch"}, {Code: "B", Name: "Đất đai"},
		{Code: "C", Name: "Xây dựng"}, {Code: "D", Name: "Kinh doanh"},
	}
}

type rig struct {
	t      *testing.T
	e      *queue.Engine
	store  *queuetest.Store
	clock  *clocktest.Fake
	mu     sync.Mutex
	events []queue.Event
}

func start(t *testing.T, store *queuetest.Store, clock *clocktest.Fake, o queue.Opts) *rig {
	t.Helper()
	if o.Fields == nil {
		o.Fields = demoFields()
	}
	if o.Counters == nil {
		o.Counters = []queue.Counter{{ID: "1", Services: []string{"A", "B", "C", "D"}}}
	}
	o.Store, o.Clock = store, clock
	n := 0
	o.NewID = func() string { n++; return fmt.Sprintf("id%04d", n) }
	if o.Location == nil {
		o.Location = ict
	}
	e, err := queue.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, e: e, store: store, clock: clock}
	e.OnEvents(func(evs []queue.Event) {
		r.mu.Lock()
		r.events = append(r.events, evs...)
		r.mu.Unlock()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return r
}

func (r *rig) issue(svc string, prio bool) queue.Ticket {
	r.t.Helper()
	tk, err := r.e.Issue(context.Background(), queue.IssueRequest{Service: svc, Priority: prio})
	if err != nil {
		r.t.Fatalf("issue %s: %v", svc, err)
	}
	return tk
}

func (r *rig) next(counter string) string {
	r.t.Helper()
	tk, err := r.e.Next(context.Background(), counter)
	if errors.Is(err, queue.ErrQueueEmpty) {
		return "-"
	}
	if err != nil {
		r.t.Fatalf("next at %s: %v", counter, err)
	}
	return tk.Number
}

func TestCallingPolicy(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 0, ict)
	type step struct {
		issue string // "A", "A!" for priority; "" to call
		at    string // counter to call at
	}
	cases := []struct {
		name     string
		counters []queue.Counter
		steps    []step
		want     []string // numbers called, in order; "-" for queue empty
	}{
		{
			name:     "order: own field first, then the others in the listed order",
			counters: []queue.Counter{{ID: "2", Services: []string{"B", "A", "C"}}},
			steps:    []step{{issue: "A"}, {issue: "C"}, {issue: "B"}, {issue: "A"}, {at: "2"}, {at: "2"}, {at: "2"}, {at: "2"}, {at: "2"}},
			want:     []string{"B001", "A001", "A002", "C001", "-"},
		},
		{
			name:     "priority first, from any field served, oldest priority first",
			counters: []queue.Counter{{ID: "1", Services: []string{"A", "B"}}},
			steps:    []step{{issue: "A"}, {issue: "B!"}, {issue: "A!"}, {at: "1"}, {at: "1"}, {at: "1"}},
			want:     []string{"B001", "A002", "A001"},
		},
		{
			name:     "a field the counter does not serve is never called there",
			counters: []queue.Counter{{ID: "1", Services: []string{"A"}}, {ID: "4", Services: []string{"D"}}},
			steps:    []step{{issue: "D"}, {issue: "D!"}, {at: "1"}, {at: "4"}, {at: "4"}},
			want:     []string{"-", "D002", "D001"},
		},
		{
			name: "longest wait across fields",
			counters: []queue.Counter{{ID: "1", Policy: queue.PolicyLongestWait,
				Services: []string{"A", "B"}}},
			steps: []step{{issue: "B"}, {issue: "A"}, {issue: "B"}, {issue: "A"}, {at: "1"}, {at: "1"}, {at: "1"}, {at: "1"}},
			want:  []string{"B001", "A001", "B002", "A002"},
		},
		{
			name: "weights favour a field",
			counters: []queue.Counter{{ID: "1", Policy: queue.PolicyLongestWait,
				Services: []string{"A", "B"}, Weights: map[string]float64{"B": 5}}},
			// A001 waits 4 min, B001 one: 5 × (60+1) beats 240+1.
			steps: []step{{issue: "A"}, {issue: "A"}, {issue: "A"}, {issue: "B"}, {at: "1"}, {at: "1"}},
			want:  []string{"B001", "A001"},
		},
		{
			name:     "two counters share one field without calling a ticket twice",
			counters: []queue.Counter{{ID: "1", Services: []string{"A"}}, {ID: "2", Services: []string{"A"}}},
			steps:    []step{{issue: "A"}, {issue: "A"}, {at: "1"}, {at: "2"}, {at: "1"}},
			want:     []string{"A001", "A002", "-"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := clocktest.New(t0)
			r := start(t, queuetest.NewStore(), clock, queue.Opts{Counters: tc.counters})
			var got []string
			for _, s := range tc.steps {
				clock.Advance(time.Minute)
				if s.issue != "" {
					svc, prio := s.issue[:1], len(s.issue) > 1
					r.issue(svc, prio)
					continue
				}
				got = append(got, r.next(s.at))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("called %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDayRolloverAtLocalMidnightWhateverTheMachineZone(t *testing.T) {
	// The machine runs in UTC (or anywhere): the center's day is +07:00.
	saved := time.Local
	time.Local = time.UTC
	t.Cleanup(func() { time.Local = saved })

	// 23:59:30 in Hà Nội is 16:59:30 UTC.
	clock := clocktest.New(time.Date(2026, 11, 20, 16, 59, 30, 0, time.UTC))
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{})
	a1 := r.issue("A", false)
	a2 := r.issue("A", false)
	if a1.Number != "A001" || a2.Number != "A002" || a1.Day != "2026-11-20" {
		t.Fatalf("before midnight: %s %s day %s", a1.Number, a2.Number, a1.Day)
	}
	// UTC midnight is 07:00 local: nothing resets.
	clock.Set(time.Date(2026, 11, 20, 16, 59, 59, 0, time.UTC))
	if n := r.issue("A", false).Number; n != "A003" {
		t.Fatalf("at 23:59:59 local got %s, want A003", n)
	}
	clock.Set(time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)) // 00:00 +07
	if err := r.e.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := r.e.Day(); d != "2026-11-21" {
		t.Fatalf("day after local midnight = %s", d)
	}
	// Yesterday's waiting tickets are cancelled, not left to collide with new numbers.
	old, err := r.e.Ticket(context.Background(), a1.ID)
	if err != nil || old.State != queue.Cancelled {
		t.Fatalf("yesterday's A001: %v %v", old.State, err)
	}
	b := r.issue("A", false)
	if b.Number != "A001" || b.Day != "2026-11-21" {
		t.Fatalf("first ticket of the new day: %s on %s", b.Number, b.Day)
	}
	if n := r.next("1"); n != "A001" {
		t.Fatalf("called %s, want today's A001", n)
	}
	// 23:59 UTC is 06:59 the next local morning: still 21 November there.
	clock.Set(time.Date(2026, 11, 20, 23, 59, 0, 0, time.UTC))
	if n := r.issue("A", false).Number; n != "A002" {
		t.Fatalf("UTC midnight must not reset: got %s", n)
	}
}

func TestRestartDoesNotResetTheDayTwice(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 0, 0, 5, 0, ict))
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{})
	r.issue("A", false)
	r.issue("A", false)
	resets := countType(committed(t, store), queue.EventDayReset)

	// Restart just after midnight, twice, and once with the clock set back
	// to the day before (a dead RTC battery, an NTP step).
	for i, at := range []time.Time{
		time.Date(2026, 11, 21, 0, 1, 0, 0, ict),
		time.Date(2026, 11, 21, 0, 2, 0, 0, ict),
		time.Date(2026, 11, 20, 23, 58, 0, 0, ict),
	} {
		clock.Set(at)
		r2 := start(t, store, clock, queue.Opts{})
		want := fmt.Sprintf("A%03d", 3+i)
		if n := r2.issue("A", false).Number; n != want {
			t.Fatalf("restart %d: got %s, want %s", i, n, want)
		}
	}
	if got := countType(committed(t, store), queue.EventDayReset); got != resets {
		t.Fatalf("restarts added %d day resets", got-resets)
	}
}

// committed returns every event the store holds.
func committed(t *testing.T, s queue.Store) []queue.Event {
	t.Helper()
	evs, err := s.Events(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func countType(evs []queue.Event, typ queue.EventType) int {
	n := 0
	for _, e := range evs {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func TestDailyCapAndOpeningHours(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 23, 7, 29, 0, 0, ict)) // a Monday
	fields := []queue.Field{{
		Code: "A", Name: "Hộ tịch", Start: 100, DailyCap: 2,
		Hours: []queue.Span{{From: 7*60 + 30, To: 11*60 + 30}, {From: 13 * 60, To: 17 * 60}},
		Days:  []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
	}}
	r := start(t, queuetest.NewStore(), clock, queue.Opts{Fields: fields,
		Counters: []queue.Counter{{ID: "1", Services: []string{"A"}}}})
	ctx := context.Background()
	req := queue.IssueRequest{Service: "A"}
	if _, err := r.e.Issue(ctx, req); !errors.Is(err, queue.ErrServiceClosed) {
		t.Fatalf("07:29: %v, want closed", err)
	}
	clock.Set(time.Date(2026, 11, 23, 7, 30, 0, 0, ict))
	if n := r.issue("A", false).Number; n != "A100" {
		t.Fatalf("first number %s, want A100 (start 100)", n)
	}
	clock.Set(time.Date(2026, 11, 23, 12, 0, 0, 0, ict))
	if _, err := r.e.Issue(ctx, req); !errors.Is(err, queue.ErrServiceClosed) {
		t.Fatalf("lunch: %v, want closed", err)
	}
	if s := r.e.Services()[0]; s.Open || s.Waiting != 1 {
		t.Fatalf("services at lunch: %+v", s)
	}
	clock.Set(time.Date(2026, 11, 23, 13, 0, 0, 0, ict))
	r.issue("A", false)
	if _, err := r.e.Issue(ctx, req); !errors.Is(err, queue.ErrDailyCapReached) {
		t.Fatalf("third ticket: %v, want cap reached", err)
	}
	if s := r.e.Services()[0]; !s.Full {
		t.Fatalf("services after the cap: %+v", s)
	}
	clock.Set(time.Date(2026, 11, 28, 9, 0, 0, 0, ict)) // Saturday
	if _, err := r.e.Issue(ctx, req); !errors.Is(err, queue.ErrServiceClosed) {
		t.Fatalf("saturday: %v, want closed", err)
	}
	if _, err := r.e.Issue(ctx, queue.IssueRequest{Service: "Z"}); !errors.Is(err, queue.ErrUnknownService) {
		t.Fatalf("unknown field: %v", err)
	}
}

func TestNumbersWidenPast999AndNeverWrap(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{Fields: []queue.Field{{Code: "A", Name: "Hộ tịch", Start: 998}},
		Counters: []queue.Counter{{ID: "1", Services: []string{"A"}}}})
	var got []string
	for range 4 {
		got = append(got, r.issue("A", false).Number)
	}
	if fmt.Sprint(got) != "[A998 A999 A1000 A1001]" {
		t.Fatalf("numbers %v", got)
	}
}

func TestCounterActions(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{Counters: []queue.Counter{
		{ID: "1", Services: []string{"A"}}, {ID: "2", Services: []string{"B"}}}})
	ctx := context.Background()
	a1, a2, a3 := r.issue("A", false), r.issue("A", false), r.issue("A", false)

	if _, err := r.e.Recall(ctx, "1"); !errors.Is(err, queue.ErrNoCurrent) {
		t.Fatalf("recall with nothing called: %v", err)
	}
	called, err := r.e.Call(ctx, "1", "A003")
	if err != nil || called.ID != a3.ID || called.State != queue.Called {
		t.Fatalf("call out of turn: %+v %v", called, err)
	}
	if _, err := r.e.Call(ctx, "1", "A003"); !errors.Is(err, queue.ErrNotWaiting) {
		t.Fatalf("calling a called ticket: %v", err)
	}
	rc, err := r.e.Recall(ctx, "1")
	if err != nil || rc.Calls != 2 {
		t.Fatalf("recall: %+v %v", rc, err)
	}
	if _, err := r.e.Start(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	tr, err := r.e.Transfer(ctx, "1", "B")
	if err != nil || tr.State != queue.Transferred || tr.Service != "B" || tr.Number != "A003" {
		t.Fatalf("transfer: %+v %v", tr, err)
	}
	// The transferred ticket keeps its place by issue time in B's queue.
	b1 := r.issue("B", false)
	if n := r.next("2"); n != "A003" {
		t.Fatalf("counter 2 called %s, want the transferred A003 before %s", n, b1.Number)
	}
	if n := r.next("1"); n != "A001" {
		t.Fatalf("counter 1 called %s", n)
	}
	ns, err := r.e.NoShow(ctx, "1")
	if err != nil || ns.State != queue.NoShow || ns.ID != a1.ID {
		t.Fatalf("no-show: %+v %v", ns, err)
	}
	if n := r.next("1"); n != "A002" {
		t.Fatalf("after no-show called %s", n)
	}
	// Next finishes the current ticket even when nobody is left.
	if n := r.next("1"); n != "-" {
		t.Fatalf("empty queue gave %s", n)
	}
	done, err := r.e.Ticket(ctx, a2.ID)
	if err != nil || done.State != queue.Done {
		t.Fatalf("A002 after next on an empty queue: %v %v", done.State, err)
	}
	if _, err := r.e.Rate(ctx, a2.ID, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := r.e.Rate(ctx, a2.ID, 2); !errors.Is(err, queue.ErrBadState) {
		t.Fatalf("second rating: %v", err)
	}
	if _, err := r.e.Next(ctx, "9"); !errors.Is(err, queue.ErrUnknownCounter) {
		t.Fatalf("unknown counter: %v", err)
	}
}

// TestReturnNoShow: a ticket marked absent by a slip goes back to its
// queue at the place it had (before tickets issued after it), with its own
// event, and stays there across a restart; only a no-show of today can.
func TestReturnNoShow(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{Counters: []queue.Counter{{ID: "1", Services: []string{"A"}}}})
	ctx := context.Background()
	a1 := r.issue("A", false)
	clock.Advance(time.Minute)
	r.issue("A", false)
	r.issue("A", false)
	if n := r.next("1"); n != "A001" {
		t.Fatalf("called %s", n)
	}
	if _, err := r.e.Return(ctx, "1", "A001"); !errors.Is(err, queue.ErrNotNoShow) {
		t.Fatalf("return of a ticket at the counter: %v", err)
	}
	if _, err := r.e.NoShow(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Second)
	// Calling it now says where it went.
	_, err := r.e.Call(ctx, "1", "A001")
	var nw *queue.NotWaitingError
	if !errors.Is(err, queue.ErrNotWaiting) || !errors.As(err, &nw) || nw.Ticket.State != queue.NoShow || nw.Ticket.DoneAt.IsZero() {
		t.Fatalf("calling a no-show: %v", err)
	}
	if _, err := r.e.Return(ctx, "1", "A999"); !errors.Is(err, queue.ErrNotFound) {
		t.Fatalf("return of a number never issued: %v", err)
	}
	back, err := r.e.Return(ctx, "1", "a001")
	if err != nil || back.ID != a1.ID || back.State != queue.Waiting || !back.DoneAt.IsZero() || !back.QueuedAt.Equal(a1.QueuedAt) {
		t.Fatalf("return: %+v %v", back, err)
	}
	if in, _ := r.e.Ticket(ctx, a1.ID); in.Ahead != 0 {
		t.Fatalf("returned ticket has %d ahead, want 0 (its old place)", in.Ahead)
	}
	evs := committed(t, store)
	if last := evs[len(evs)-1]; last.Type != queue.EventReturned || last.Counter != "1" || last.Ticket.Number != "A001" {
		t.Fatalf("last event %+v, want returned A001 by counter 1", last)
	}
	if _, err := r.e.Return(ctx, "1", "A001"); !errors.Is(err, queue.ErrNotNoShow) {
		t.Fatalf("second return: %v", err)
	}
	// A restart finds it at its place.
	r2 := start(t, store, clock, queue.Opts{Counters: []queue.Counter{{ID: "1", Services: []string{"A"}}}})
	if p, err := r2.e.Peek("1"); err != nil || p.Number != "A001" {
		t.Fatalf("after a restart Peek says %q %v, want A001", p.Number, err)
	}
	if n := r2.next("1"); n != "A001" {
		t.Fatalf("after a restart counter 1 called %s, want the returned A001", n)
	}
}

func TestFailedCommitChangesNothing(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{})
	r.issue("A", false)
	store.FailNext(1)
	if _, err := r.e.Issue(context.Background(), queue.IssueRequest{Service: "A"}); !errors.Is(err, queuetest.ErrInjected) {
		t.Fatalf("issue on a failing store: %v", err)
	}
	if w := r.e.Snapshot().Waiting["A"]; w != 1 {
		t.Fatalf("waiting %d after a failed commit, want 1", w)
	}
	// The number that was never acknowledged is given again; none is skipped.
	if n := r.issue("A", false).Number; n != "A002" {
		t.Fatalf("after the failure got %s, want A002", n)
	}
}

func TestConcurrentIssuesShareCommitsAndKeepOrder(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{})
	var wg sync.WaitGroup
	numbers := make(chan string, 400)
	for i := range 400 {
		wg.Go(func() {
			svc := string(rune('A' + i%4))
			tk, err := r.e.Issue(context.Background(), queue.IssueRequest{Service: svc})
			if err != nil {
				t.Error(err)
				return
			}
			numbers <- tk.Number
		})
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for n := range numbers {
		if seen[n] {
			t.Fatalf("number %s given twice", n)
		}
		seen[n] = true
	}
	if len(seen) != 400 {
		t.Fatalf("%d numbers, want 400", len(seen))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := 1; i < len(r.events); i++ {
		if r.events[i].Seq != r.events[i-1].Seq+1 {
			t.Fatalf("listener got seq %d after %d", r.events[i].Seq, r.events[i-1].Seq)
		}
	}
	if len(r.events) != 401 { // 400 issued and the day reset
		t.Fatalf("listener got %d events", len(r.events))
	}
	t.Logf("400 tickets in %d commits", store.Applies())
}

// Run waits for midnight on the engine's clock: with the fake one the day
// resets, and screens hear of it, the moment the clock gets there.
func TestRunResetsTheDayAtMidnightOnItsClock(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 20, 23, 59, 30, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{})
	resets := make(chan queue.Event, 10)
	r.e.OnEvents(func(evs []queue.Event) {
		for _, ev := range evs {
			if ev.Type == queue.EventDayReset && ev.Day != "2026-11-20" { // not the first day's
				resets <- ev
			}
		}
	})
	a1 := r.issue("A", false)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !clock.WaitForWaiters(ctx, 1) {
		t.Fatal("Run does not wait on the clock")
	}
	midnight := time.Date(2026, 11, 21, 0, 0, 0, 0, ict)
	if next, _ := clock.Next(); !next.Equal(midnight.Add(time.Millisecond)) {
		t.Fatalf("Run wakes at %v, want just past midnight %v", next, midnight)
	}
	clock.Advance(30*time.Second - time.Millisecond)
	if n := clock.Waiters(); n != 1 || r.e.Day() != "2026-11-20" {
		t.Fatalf("a millisecond before its wake-up: %d waiters, day %s", n, r.e.Day())
	}
	clock.Advance(2 * time.Millisecond)
	select {
	case ev := <-resets:
		if ev.Day != "2026-11-21" || !ev.At.Equal(midnight.Add(time.Millisecond)) {
			t.Fatalf("reset %+v, want day 2026-11-21 at 00:00:00.001", ev)
		}
	case <-ctx.Done():
		t.Fatal("no day_reset after the clock crossed midnight")
	}
	if d := r.e.Day(); d != "2026-11-21" {
		t.Fatalf("day %s after midnight", d)
	}
	if tk, err := r.e.Ticket(context.Background(), a1.ID); err != nil || tk.State != queue.Cancelled {
		t.Fatalf("yesterday's A001: %v %v, want cancelled", tk.State, err)
	}
	// Then it checks again within a minute (the clock may be corrected).
	if !clock.WaitForWaiters(ctx, 1) {
		t.Fatal("Run stopped waiting after the reset")
	}
	if next, _ := clock.Next(); !next.Equal(midnight.Add(time.Millisecond + time.Minute)) {
		t.Fatalf("next wake-up %v, want a minute later", next)
	}
}

// A commit fails and so does the reload after it (the disk failing): no
// operation builds on the number that was never committed.
func TestFailedCommitWhoseReloadFailsBuildsOnNothing(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	store := queuetest.NewStore()
	r := start(t, store, clock, queue.Opts{})
	r.issue("A", false)
	store.FailNext(1)
	store.FailLoads(2)
	ctx := context.Background()
	if _, err := r.e.Issue(ctx, queue.IssueRequest{Service: "A"}); !errors.Is(err, queuetest.ErrInjected) {
		t.Fatalf("issue on a failing store: %v", err)
	}
	// The store still fails to load: the next operation is refused, not
	// numbered on top of the lost A002.
	if tk, err := r.e.Issue(ctx, queue.IssueRequest{Service: "A"}); !errors.Is(err, queuetest.ErrInjected) {
		t.Fatalf("issue while the state is not reloaded: %v %v, want the load's error", tk.Number, err)
	}
	if n := r.issue("A", false).Number; n != "A002" {
		t.Fatalf("once the store answers got %s, want A002", n)
	}
	if w := r.e.Snapshot().Waiting["A"]; w != 2 {
		t.Fatalf("waiting %d, want 2 (A001, A002)", w)
	}
}
