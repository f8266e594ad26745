package queue_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// boardRig is an engine with a board that follows it by events alone, and
// the positions the board's changes reported.
type boardRig struct {
	*rig
	board   *queue.Board
	applied int                 // events of r.events applied to board
	pos     map[string]int      // ticket id → tickets ahead, from Board.Moved
	lists   map[string][]string // field → numbers waiting, from BoardChange.Edits
}

func newBoardRig(t *testing.T, o queue.Opts) *boardRig {
	r := start(t, queuetest.NewStore(), clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, ict)), o)
	return &boardRig{rig: r, board: queue.NewBoard(r.e.Snapshot()), pos: map[string]int{}, lists: map[string][]string{}}
}

// catchUp applies the events published since the last call, checking each
// change against the board itself.
func (br *boardRig) catchUp() {
	br.t.Helper()
	br.mu.Lock()
	evs := slices.Clone(br.events[br.applied:])
	br.applied = len(br.events)
	br.mu.Unlock()
	for _, ev := range evs {
		if ev.Seq <= br.board.Seq() {
			continue // the first day's event, already in the snapshot
		}
		if ev.Seq != br.board.Seq()+1 {
			br.t.Fatalf("event %d after board seq %d", ev.Seq, br.board.Seq())
		}
		ch := br.board.Apply(ev)
		for id, p := range br.board.Moved(ch) {
			if p < 0 {
				delete(br.pos, id)
			} else {
				br.pos[id] = p
			}
		}
		for _, e := range ch.Edits {
			l := br.lists[e.Field]
			switch e.Op {
			case queue.EditInsert:
				l = slices.Insert(l, e.Index, e.Ticket.Number)
			case queue.EditRemove:
				if l[e.Index] != e.Ticket.Number {
					br.t.Fatalf("remove %s at %d of %v", e.Ticket.Number, e.Index, l)
				}
				l = slices.Delete(l, e.Index, e.Index+1)
			case queue.EditClear:
				l = nil
			}
			br.lists[e.Field] = l
		}
		for _, code := range ch.Fields {
			f, ok := br.board.Field(code)
			if !ok {
				br.t.Fatalf("change names unknown field %q", code)
			}
			if got := numbers(f); !slices.Equal(got, br.lists[code]) {
				br.t.Fatalf("event %d: edits give %v, board %v", ev.Seq, br.lists[code], got)
			}
		}
	}
}

// check compares the board built by events with one built from a fresh
// snapshot, and the reported positions with the engine's.
func (br *boardRig) check(step string) {
	br.t.Helper()
	// Run's first day event may come at any moment, and the engine's state
	// runs ahead of its listeners by one commit: compare a board and a
	// snapshot at the same seq.
	var fresh *queue.Board
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		br.catchUp()
		fresh = queue.NewBoard(br.e.Snapshot())
		if fresh.Seq() == br.board.Seq() {
			break
		}
		if time.Now().After(deadline) {
			br.t.Fatalf("%s: the board is at seq %d, the snapshot at %d", step, br.board.Seq(), fresh.Seq())
		}
	}
	if !reflect.DeepEqual(br.board, fresh) {
		br.t.Fatalf("%s: board by events differs from the snapshot's\n got %s\nwant %s", step, dump(br.board), dump(fresh))
	}
	for id := range br.pos {
		info, err := br.e.Ticket(context.Background(), id)
		if err != nil {
			br.t.Fatal(err)
		}
		if info.Ahead != br.pos[id] {
			br.t.Fatalf("%s: %s: moved says %d ahead, engine %d", step, info.Number, br.pos[id], info.Ahead)
		}
		if p := fresh.Position(id); p != info.Ahead {
			br.t.Fatalf("%s: %s: Position %d, engine %d", step, info.Number, p, info.Ahead)
		}
	}
	n := 0
	for _, f := range fresh.Fields() {
		n += len(f.Waiting)
		if got := numbers(&f); !slices.Equal(got, br.lists[f.Code]) {
			br.t.Fatalf("%s: field %s: edits give %v, snapshot %v", step, f.Code, br.lists[f.Code], got)
		}
	}
	if n != len(br.pos) {
		br.t.Fatalf("%s: %d tickets wait, moved reported %d", step, n, len(br.pos))
	}
}

func dump(b *queue.Board) string {
	s := fmt.Sprintf("seq %d day %s\n", b.Seq(), b.Day())
	for _, f := range b.Fields() {
		s += "  " + f.Code + ":"
		for _, w := range f.Waiting {
			s += fmt.Sprintf(" %s(p=%v q=%s)", w.Number, w.Priority, w.QueuedAt.Format("15:04:05"))
		}
		s += "\n"
	}
	for _, c := range b.Counters() {
		s += "  counter " + c.ID + ":"
		if c.Current != nil {
			s += fmt.Sprintf(" %+v", *c.Current)
		}
		if c.Last != nil {
			s += fmt.Sprintf(" last %+v", *c.Last)
		}
		s += "\n"
	}
	for _, r := range b.Recent() {
		s += fmt.Sprintf("  call %s@%s recall=%v\n", r.Ticket, r.Counter, r.Recall)
	}
	return s
}

// TestBoardFollowsEngine drives a real engine at random: after every
// operation the board kept by events equals a board built from a fresh
// snapshot, every position it reported matches the engine's Ahead, and a
// counter's Next always calls the head of one of the board's queues.
func TestBoardFollowsEngine(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			br := newBoardRig(t, queue.Opts{RecentCalls: 6, Counters: []queue.Counter{
				{ID: "1", Services: []string{"A", "B"}},
				{ID: "2", Services: []string{"B", "C"}, Policy: queue.PolicyLongestWait, Weights: map[string]float64{"C": 2}},
				{ID: "3", Services: []string{"A", "B", "C", "D"}},
				{ID: "4", Services: []string{"D"}},
			}})
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(seed, 99))
			services := []string{"A", "B", "C", "D"}
			counters := []string{"1", "2", "3", "4"}
			var ids []string
			for step := range 600 {
				if rng.IntN(3) > 0 { // equal QueuedAt now and then
					br.clock.Advance(time.Duration(rng.IntN(90)) * time.Second)
				}
				c := counters[rng.IntN(len(counters))]
				var op string
				switch rng.IntN(16) {
				case 0, 1, 2, 3:
					op = "issue"
					tk, err := br.e.Issue(ctx, queue.IssueRequest{Service: services[rng.IntN(4)], Priority: rng.IntN(5) == 0})
					if err == nil {
						ids = append(ids, tk.ID)
					}
				case 4, 5:
					op = "next " + c
					before := heads(br.board)
					peek, perr := br.e.Peek(c)
					tk, err := br.e.Next(ctx, c)
					if err == nil && !before[tk.Number] {
						t.Fatalf("step %d: counter %s called %s, not the head of a queue (%v)", step, c, tk.Number, before)
					}
					if (perr == nil) != (err == nil) || peek.Number != tk.Number {
						t.Fatalf("step %d: counter %s: Peek said %q (%v), Next called %q (%v)", step, c, peek.Number, perr, tk.Number, err)
					}
				case 6:
					op = "recall " + c
					_, _ = br.e.Recall(ctx, c)
				case 7:
					op = "start " + c
					_, _ = br.e.Start(ctx, c)
				case 8:
					op = "complete " + c
					_, _ = br.e.Complete(ctx, c)
				case 9:
					op = "no-show " + c
					_, _ = br.e.NoShow(ctx, c)
				case 10:
					op = "transfer " + c
					_, _ = br.e.Transfer(ctx, c, services[rng.IntN(4)])
				case 11:
					op = "cancel"
					if len(ids) > 0 {
						_, _ = br.e.Cancel(ctx, ids[rng.IntN(len(ids))])
					}
				case 12:
					op = "call " + c
					if f := br.board.Fields()[rng.IntN(4)]; len(f.Waiting) > 0 {
						_, _ = br.e.Call(ctx, c, f.Waiting[rng.IntN(len(f.Waiting))].Number)
					}
				case 14, 15:
					op = "return " + c
					if len(ids) > 0 {
						_, _ = br.e.Return(ctx, c, ids[rng.IntN(len(ids))])
					}
				case 13:
					op = "rate " + c
					if bc, _ := br.board.Counter(c); bc.Last != nil {
						_, _ = br.e.Rate(ctx, bc.Last.TicketID(), 1+rng.IntN(3))
					}
				}
				if step == 300 {
					op = "new day"
					br.clock.Advance(24 * time.Hour)
					if err := br.e.Tick(ctx); err != nil {
						t.Fatal(err)
					}
				}
				br.check(fmt.Sprintf("step %d (%s)", step, op))
			}
		})
	}
}

// heads are the numbers at the head of each field's queue.
func heads(b *queue.Board) map[string]bool {
	out := map[string]bool{}
	for _, f := range b.Fields() {
		if len(f.Waiting) > 0 {
			out[f.Waiting[0].Number] = true
		}
	}
	return out
}

func numbers(f *queue.BoardField) []string {
	var out []string
	for _, w := range f.Waiting {
		out = append(out, w.Number)
	}
	return out
}

// TestBoardPositions checks the positions one event reports: who joins,
// who leaves, and only those whose place changed.
func TestBoardPositions(t *testing.T) {
	br := newBoardRig(t, queue.Opts{})
	ctx := context.Background()
	a1 := br.issue("A", false)
	br.clock.Advance(time.Minute)
	a2 := br.issue("A", false)
	br.clock.Advance(time.Minute)
	b1 := br.issue("B", false)
	br.catchUp()

	apply := func() queue.BoardChange {
		t.Helper()
		br.mu.Lock()
		evs := slices.Clone(br.events[br.applied:])
		br.applied = len(br.events)
		br.mu.Unlock()
		if len(evs) != 1 {
			t.Fatalf("%d events, want 1", len(evs))
		}
		return br.board.Apply(evs[0])
	}
	cases := []struct {
		name   string
		op     func()
		moved  map[string]int
		fields []string
		queueA []string
	}{
		{"a priority ticket goes first and pushes the others back", func() { br.clock.Advance(time.Minute); br.issue("A", true) },
			map[string]int{"A003": 0, a1.ID: 1, a2.ID: 2}, []string{"A"}, []string{"A003", "A001", "A002"}},
		{"a ticket at the end moves no one else", func() { br.clock.Advance(time.Minute); br.issue("A", false) },
			map[string]int{"A004": 3}, []string{"A"}, []string{"A003", "A001", "A002", "A004"}},
		{"a call moves everyone behind up", func() { br.next("1") },
			map[string]int{"A003": -1, a1.ID: 0, a2.ID: 1, "A004": 2}, []string{"A"}, []string{"A001", "A002", "A004"}},
		{"a ticket transferred in keeps its place by issue time", func() {
			if _, err := br.e.Transfer(ctx, "1", "B"); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"A003": 0, b1.ID: 1}, []string{"B"}, []string{"A001", "A002", "A004"}},
		{"a cancel in the middle moves only those behind", func() {
			if _, err := br.e.Cancel(ctx, a2.ID); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{a2.ID: -1, "A004": 1}, []string{"A"}, []string{"A001", "A004"}},
		{"a recall changes no place", func() {
			br.next("1")
			apply()
			if _, err := br.e.Recall(ctx, "1"); err != nil {
				t.Fatal(err)
			}
		}, nil, nil, []string{"A001", "A004"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.op()
			ch := apply()
			want := map[string]int{}
			for ref, p := range c.moved {
				want[br.id(ref)] = p
			}
			if got := br.board.Moved(ch); !reflect.DeepEqual(got, want) {
				t.Errorf("moved %v, want %v", got, want)
			}
			if !reflect.DeepEqual(ch.Fields, c.fields) {
				t.Errorf("fields %v, want %v", ch.Fields, c.fields)
			}
			f, _ := br.board.Field("A")
			if got := numbers(f); !slices.Equal(got, c.queueA) {
				t.Errorf("queue A %v, want %v", got, c.queueA)
			}
		})
	}
}

// id turns a number of today or an id into the ticket's id.
func (br *boardRig) id(ref string) string {
	events, err := br.store.Events(context.Background(), 0, 0)
	if err != nil {
		br.t.Fatal(err)
	}
	for _, tk := range events {
		if tk.Ticket.Number == ref || tk.Ticket.ID == ref {
			return tk.Ticket.ID
		}
	}
	br.t.Fatalf("no ticket %s", ref)
	return ""
}

// TestBoardCounters follows one ticket through a counter: current with its
// state and field, last completed with its rating, and a transfer that
// shows the ticket in its new field.
func TestBoardCounters(t *testing.T) {
	br := newBoardRig(t, queue.Opts{})
	ctx := context.Background()
	a := br.issue("A", false)
	br.next("1")
	br.catchUp()
	c, _ := br.board.Counter("1")
	if c.Current == nil || c.Current.Number != a.Number || c.Current.Service != "A" || c.Current.State != queue.Called {
		t.Fatalf("current %+v", c.Current)
	}
	if _, err := br.e.Transfer(ctx, "1", "B"); err != nil {
		t.Fatal(err)
	}
	br.next("1")
	br.catchUp()
	if c.Current == nil || c.Current.Number != a.Number || c.Current.Service != "B" {
		t.Fatalf("after the transfer, current %+v; want %s in field B", c.Current, a.Number)
	}
	if _, err := br.e.Start(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	br.catchUp()
	if c.Current.State != queue.Serving {
		t.Fatalf("state %s", c.Current.State)
	}
	done, err := br.e.Complete(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	br.catchUp()
	if c.Current != nil || c.Last == nil || c.Last.Number != a.Number || !c.Last.At.Equal(done.DoneAt) || c.Last.Rated || c.Last.TicketID() != a.ID {
		t.Fatalf("after complete: current %+v last %+v", c.Current, c.Last)
	}
	if _, err := br.e.Rate(ctx, a.ID, 3); err != nil {
		t.Fatal(err)
	}
	br.check("rated")
	if !c.Last.Rated {
		t.Fatal("rating not on the board")
	}
}

// TestBoardAfterRestart: an engine started again on the same store gives a
// board with the same queues and the counter's last completed ticket.
func TestBoardAfterRestart(t *testing.T) {
	store := queuetest.NewStore()
	clock := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, ict))
	r := start(t, store, clock, queue.Opts{})
	r.issue("A", false)
	clock.Advance(time.Minute)
	r.issue("A", true)
	r.issue("B", false)
	r.next("1")
	clock.Advance(time.Minute)
	if _, err := r.e.Complete(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	r.next("1")
	before := queue.NewBoard(r.e.Snapshot())
	r2 := start(t, store, clock, queue.Opts{})
	after := queue.NewBoard(r2.e.Snapshot())
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("after a restart\n got %s\nwant %s", dump(after), dump(before))
	}
	c, _ := after.Counter("1")
	if c.Last == nil || c.Last.Number != "A002" {
		t.Fatalf("last completed %+v", c.Last)
	}
}
