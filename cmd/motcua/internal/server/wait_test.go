package server

import (
	"testing"
	"time"

	"motcua/kiosk/printing"
	"motcua/queue"
)

// The paper ticket and the API (what the kiosk and the phone show) say the
// same wait, in the same words, whatever it is.
func TestPaperAndAPISayTheSameWait(t *testing.T) {
	s := &Server{loc: time.FixedZone("ICT", 7*3600)}
	for _, tc := range []struct {
		wait   time.Duration
		vi, en string
	}{
		{0, "dưới 1 phút", "under a minute"},
		{30 * time.Second, "khoảng 1 phút", "about 1 minute"},
		{59 * time.Second, "khoảng 1 phút", "about 1 minute"},
		{60 * time.Second, "khoảng 1 phút", "about 1 minute"},
		{61 * time.Second, "khoảng 2 phút", "about 2 minutes"},
		{89 * time.Second, "khoảng 2 phút", "about 2 minutes"},
		{90 * time.Second, "khoảng 2 phút", "about 2 minutes"},
		{1500 * time.Millisecond, "khoảng 1 phút", "about 1 minute"},
		{29*time.Minute + 59*time.Second, "khoảng 30 phút", "about 30 minutes"},
		{2 * time.Hour, "khoảng 2 giờ", "about 2 hours"},
		{2*time.Hour + 20*time.Minute, "khoảng 2 giờ 20 phút", "about 2 hours 20 minutes"},
	} {
		in := queue.TicketInfo{Ticket: queue.Ticket{ID: "t1", Number: "A001", State: queue.Waiting}, Ahead: 2, EstimatedWait: tc.wait}
		api := s.ticketJSON(in)
		paper := printing.TicketJob(printing.Opts{BaseURL: "http://127.0.0.1:8080"}, in).Lines()
		if api.EstimatedWaitText != tc.vi || api.EstimatedWaitTextEN != tc.en {
			t.Errorf("%v: API says %q / %q, want %q / %q", tc.wait, api.EstimatedWaitText, api.EstimatedWaitTextEN, tc.vi, tc.en)
		}
		if want := "Thời gian chờ dự kiến: " + api.EstimatedWaitText; len(paper) != 2 || paper[1] != want {
			t.Errorf("%v: the paper says %q, the API %q", tc.wait, paper, api.EstimatedWaitText)
		}
	}
}
