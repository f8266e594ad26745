package server

import (
	"testing"
	"time"

	"motcua/internal/msg"
	"motcua/kiosk/printing"
	"motcua/queue"
)

// The paper ticket and the API (what the kiosk and the phone show) say the
// same wait, in the same words, whatever it is.
func TestPaperAndAPISayTheSameWait(t *testing.T) {
	s := &Server{loc: time.FixedZone("ICT", 7*3600)}
	// The words themselves are msg.Wait's (its own test pins them); here the
	// API and the paper must both say them, around every rounding edge.
	for _, wait := range []time.Duration{0, 30 * time.Second, 59 * time.Second, 60 * time.Second,
		61 * time.Second, 89 * time.Second, 90 * time.Second, 1500 * time.Millisecond,
		29*time.Minute + 59*time.Second, 2 * time.Hour, 2*time.Hour + 20*time.Minute} {
		want := msg.Wait(wait)
		in := queue.TicketInfo{Ticket: queue.Ticket{ID: "t1", Number: "A001", State: queue.Waiting}, Ahead: 2, EstimatedWait: wait, WaitKnown: true}
		api := s.ticketJSON(in)
		paper := printing.TicketJob(printing.Opts{BaseURL: "http://127.0.0.1:8080"}, in).Lines()
		if api.EstimatedWaitText != want.VI || api.EstimatedWaitTextEN != want.EN {
			t.Errorf("%v: API says %q / %q, want %q / %q", wait, api.EstimatedWaitText, api.EstimatedWaitTextEN, want.VI, want.EN)
		}
		if line := "Thời gian chờ dự kiến: " + want.VI; len(paper) != 2 || paper[1] != line {
			t.Errorf("%v: the paper says %q, want %q", wait, paper, line)
		}
		if api.EstimatedWaitS == nil || *api.EstimatedWaitS != int(wait/time.Second) {
			t.Errorf("%v: estimated_wait_s %v", wait, api.EstimatedWaitS)
		}
	}
}

// Without an estimate (too few services measured, no counter open) the
// API says none (null, no words) and the paper prints no wait: neither
// says a time the engine does not know.
func TestNoEstimateOnPaperNorAPI(t *testing.T) {
	s := &Server{loc: time.FixedZone("ICT", 7*3600)}
	in := queue.TicketInfo{Ticket: queue.Ticket{ID: "t1", Number: "A013", State: queue.Waiting}, Ahead: 12}
	api := s.ticketJSON(in)
	if api.EstimatedWaitS != nil || api.EstimatedWaitText != "" || api.EstimatedWaitTextEN != "" || api.Ahead != 12 {
		t.Errorf("API without an estimate: %v %q %q ahead %d", api.EstimatedWaitS, api.EstimatedWaitText, api.EstimatedWaitTextEN, api.Ahead)
	}
	paper := printing.TicketJob(printing.Opts{BaseURL: "http://127.0.0.1:8080"}, in).Lines()
	if len(paper) != 1 || paper[0] != "Số người đang chờ trước bạn: 12" {
		t.Errorf("the paper without an estimate says %q", paper)
	}
}
