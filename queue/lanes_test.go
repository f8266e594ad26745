package queue_test

import (
	"context"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// laneRig: citizens' fields A and B, the agents' lane DL (quota 3);
// counter 1 serves A, B and the lane, counter 2 the lane alone.
func laneRig(t *testing.T, policy queue.Policy) (*rig, *clocktest.Fake) {
	clock := clocktest.New(time.Date(2026, 11, 21, 7, 30, 0, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{
		Fields: []queue.Field{{Code: "A", Name: "Hộ tịch"}, {Code: "B", Name: "Đất đai"},
			{Code: "DL", Name: "Đại lý, doanh nghiệp", Lane: true, DailyCap: 3}},
		Counters: []queue.Counter{
			{ID: "1", Services: []string{"DL", "A", "B"}, Policy: policy, Weights: map[string]float64{"DL": 1000}},
			{ID: "2", Services: []string{"DL"}},
		},
	})
	return r, clock
}

// TestLaneNeverTakesACitizensPlace: an agent who came first, listed first
// and weighted most still waits while any citizen the counter serves waits;
// the lane's own counter calls it at once.
func TestLaneNeverTakesACitizensPlace(t *testing.T) {
	for _, policy := range []queue.Policy{queue.PolicyOrder, queue.PolicyLongestWait} {
		t.Run(string(policy), func(t *testing.T) {
			r, clock := laneRig(t, policy)
			r.issue("DL", false)
			r.issue("DL", true) // a lane has no priority numbers
			clock.Advance(30 * time.Minute)
			r.issue("B", false)
			clock.Advance(time.Minute)
			r.issue("A", false)
			if got := []string{r.next("1"), r.next("1")}; got[0] == "DL001" || got[1] == "DL001" || got[0] == "DL002" || got[1] == "DL002" {
				t.Fatalf("counter 1 called %v before the citizens", got)
			}
			if n := r.next("2"); n != "DL001" {
				t.Fatalf("the lane's counter called %s", n)
			}
			if n := r.next("1"); n != "DL002" {
				t.Fatalf("with no citizen waiting counter 1 called %s, want DL002", n)
			}
			tk, err := r.e.Ticket(context.Background(), "id0002")
			if err != nil || tk.Priority {
				t.Fatalf("a lane ticket is priority: %+v %v", tk.Ticket, err)
			}
		})
	}
}

// TestLaneQuotaAndTransfer: the lane has its own numbering and quota; a
// lane's number sent to a citizens' field joins it at the end.
func TestLaneQuotaAndTransfer(t *testing.T) {
	r, clock := laneRig(t, queue.PolicyOrder)
	for _, want := range []string{"DL001", "DL002", "DL003"} {
		if n := r.issue("DL", false).Number; n != want {
			t.Fatalf("got %s, want %s", n, want)
		}
	}
	if _, err := r.e.Issue(context.Background(), queue.IssueRequest{Service: "DL"}); err != queue.ErrDailyCapReached {
		t.Fatalf("past the lane's quota: %v", err)
	}
	if n := r.issue("A", false).Number; n != "A001" {
		t.Fatalf("the citizens' numbering: %s", n)
	}
	clock.Advance(time.Minute)
	r.issue("A", false)
	if n := r.next("2"); n != "DL001" {
		t.Fatal(n)
	}
	if _, err := r.e.Transfer(context.Background(), "2", "A"); err != nil {
		t.Fatal(err)
	}
	// A001 and A002 came after DL001 was issued, yet are called first.
	for _, want := range []string{"A001", "A002", "DL001"} {
		if n := r.next("1"); n != want {
			t.Fatalf("called %s, want %s", n, want)
		}
	}
}

// TestPriorityCategories: a category makes a priority ticket that says
// which; the board and the recent calls carry it; an unknown one is
// refused; a lane takes none.
func TestPriorityCategories(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 21, 7, 30, 0, 0, ict))
	r := start(t, queuetest.NewStore(), clock, queue.Opts{
		Fields:     []queue.Field{{Code: "A", Name: "Hộ tịch"}, {Code: "DL", Name: "Đại lý", Lane: true}},
		Counters:   []queue.Counter{{ID: "1", Services: []string{"A", "DL"}}},
		Categories: []queue.Category{{Code: "elderly", Name: "Người cao tuổi"}, {Code: "merit", Name: "Người có công"}},
	})
	r.issue("A", false)
	ctx := context.Background()
	tk, err := r.e.Issue(ctx, queue.IssueRequest{Service: "A", Category: "merit"})
	if err != nil || !tk.Priority || tk.Category != "merit" {
		t.Fatalf("%+v %v", tk, err)
	}
	if _, err := r.e.Issue(ctx, queue.IssueRequest{Service: "A", Category: "vip"}); err != queue.ErrUnknownCategory {
		t.Fatalf("an unknown category: %v", err)
	}
	if tk, _ := r.e.Issue(ctx, queue.IssueRequest{Service: "DL", Category: "elderly"}); tk.Priority || tk.Category != "" {
		t.Fatalf("a lane took a category: %+v", tk)
	}
	b := queue.NewBoard(r.e.Snapshot())
	if f, _ := b.Field("A"); len(f.Waiting) != 2 || f.Waiting[0].Category != "merit" {
		t.Fatalf("the board: %+v", f.Waiting)
	}
	if n := r.next("1"); n != "A002" {
		t.Fatalf("called %s before the priority A002", n)
	}
	s := r.e.Snapshot()
	if len(s.Recent) != 1 || s.Recent[0].Category != "merit" || s.Counters[0].Current.Category != "merit" {
		t.Fatalf("the call: %+v", s.Recent)
	}
}
