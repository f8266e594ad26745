package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/internal/clock/clocktest"
)

// TestReportPageAddsUp: the report page shows every part of the total
// (served, absent, cancelled, open), each table sums to it with a row for
// the tickets no counter called, and a transfer shows in both fields as
// out / in.
func TestReportPageAddsUp(t *testing.T) {
	c := startCenter(t, false)
	ctx := t.Context()
	issueN(t, c, "A", 3)
	steps := []func() error{
		func() error { _, err := c.engine.Next(ctx, "1"); return err },          // A001 at 1
		func() error { _, err := c.engine.Transfer(ctx, "1", "B"); return err }, // A001 to B
		func() error { _, err := c.engine.Next(ctx, "2"); return err },          // A001 at 2
		func() error { _, err := c.engine.Complete(ctx, "2"); return err },
		func() error { _, err := c.engine.Next(ctx, "1"); return err }, // A002 at 1
		func() error { _, err := c.engine.NoShow(ctx, "1"); return err },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	admin := tab(t, browser(t), 1440, 900)
	open(t, admin, c.url+"/admin")
	login(t, admin, "quantri")
	waitFor(t, admin, "the report", `document.querySelector('#t-fields tr[data-key="A"]')`)
	if s := eval[string](t, admin, `document.getElementById("adds-up").textContent`); !strings.HasPrefix(s, "3 phiếu = 1 đã phục vụ + 1 vắng mặt + 0 đã hủy + 1 chưa xong") {
		t.Errorf("the totals say %q", s)
	}
	for _, table := range []string{"t-fields", "t-counters", "t-hours", "t-days"} {
		got := eval[string](t, admin, `[...document.querySelectorAll("#`+table+` tfoot td[data-count]")].map(td => td.textContent).join()`)
		if got != "3,1,1,0,1" {
			t.Errorf("%s sums to %q, want 3,1,1,0,1 (tickets, served, absent, cancelled, open)", table, got)
		}
	}
	if got := eval[string](t, admin, `document.querySelector('#t-counters tr[data-key=""] td').textContent`); got != "Chưa quầy nào gọi" {
		t.Errorf("the counters' row of tickets not called is %q", got)
	}
	moves := eval[string](t, admin, `["A", "B"].map(k => document.querySelector('#t-fields tr[data-key="' + k + '"] td[data-transfers]').textContent).join()`)
	if moves != "1 / 0,0 / 1" {
		t.Errorf("transfers out / in of A, B: %q", moves)
	}
	if s := eval[string](t, admin, `document.querySelector(".how").textContent`); !strings.Contains(s, "trung bình hai giá trị giữa") {
		t.Errorf("the page does not say how its figures count: %q", s)
	}
	do(t, admin, chromedp.Navigate(c.url+"/admin")) // and again from a fresh load
	waitFor(t, admin, "the report again", `document.getElementById("adds-up")`)
}

// TestRatingTabletReloadedAsksOnlyAboutARecentVisit: a tablet loaded a
// minute after a completion asks about it; reloaded nine minutes after it
// (by the service's clock), it does not ask the next citizen about it. A
// completion it sees happen it asks about.
func TestRatingTabletReloadedAsksOnlyAboutARecentVisit(t *testing.T) {
	clk := clocktest.New(time.Now())
	c := startCenterWith(t, serviceOpts{apiClock: clk}, false)
	ctx := t.Context()
	issueN(t, c, "A", 2)
	if _, err := c.engine.Next(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.engine.Complete(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	tablet := tab(t, browser(t), 1280, 800)
	open(t, tablet, c.url+"/rating?counter=1&pair=demo-tablet-1")
	waitFor(t, tablet, "the question a minute after", visible("ask")+` && document.getElementById("ask-ticket").textContent.includes("A001")`)

	clk.Advance(8 * time.Minute)
	open(t, tablet, c.url+"/rating?counter=1")
	// It asks the API once loaded and once more on the socket's snapshot.
	waitFor(t, tablet, "both answers acted on", `document.body.dataset.live === "1" && Number(document.body.dataset.polls) >= 2`)
	if eval[bool](t, tablet, visible("ask")) {
		t.Fatalf("reloaded nine minutes after A001 was completed, the tablet asks about it: %q", eval[string](t, tablet, `document.getElementById("ask-ticket").textContent`))
	}

	if _, err := c.engine.Next(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.engine.Complete(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tablet, "the question about A002, seen completed", visible("ask")+` && document.getElementById("ask-ticket").textContent.includes("A002")`)
}
