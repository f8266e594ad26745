package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/printing"
	"motcua/kiosk/web"
	"motcua/queue"
)

// TestReceiptPageFollowsTheDossier: a phone keeps the receipt page open;
// the main system records that the dossier moved on; the page shows the new
// status, the unit now holding it and the new step of its history without
// being reloaded.
func TestReceiptPageFollowsTheDossier(t *testing.T) {
	c := startCenter(t, false)
	signed, _ := printReceipt(t, c)
	b := browser(t)
	phone := tab(t, b, 390, 844)
	open(t, phone, signed)
	waitFor(t, phone, "the dossier", `document.body.dataset.state === "shown" && document.getElementById("status").textContent === "Được tiếp nhận"`)
	// A mark the page keeps until it is reloaded.
	eval[bool](t, phone, `(window.sameLoad = true)`)

	admin := staffToken(t, c, "quantri")
	body := map[string]any{"status": 5, "unit": "Phòng Tư pháp"}
	if code := call(t, c, admin, "POST", "/api/v1/dossiers/"+receiptCode+"/status", body, nil); code != http.StatusNoContent {
		t.Fatalf("status push: %d", code)
	}
	// The page asks again every 30 s: wait for it a little longer.
	deadline := time.Now().Add(45 * time.Second)
	for eval[string](t, phone, `document.getElementById("status").textContent`) != "Yêu cầu bổ sung giấy tờ" {
		if time.Now().After(deadline) {
			t.Fatalf("the open page still says %q; it says:\n%s",
				eval[string](t, phone, `document.getElementById("status").textContent`), eval[string](t, phone, `document.body.innerText`))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := eval[string](t, phone, `document.getElementById("unit").textContent`); got != "Phòng Tư pháp" {
		t.Errorf("unit %q after the change", got)
	}
	if n := eval[int](t, phone, `document.querySelectorAll("#history li").length`); n != 2 {
		t.Errorf("history has %d steps after the change, want 2", n)
	}
	if !eval[bool](t, phone, `window.sameLoad === true`) {
		t.Error("the page was reloaded")
	}
	if n := c.requests.count("GET " + web.ReceiptPrefix + receiptCode); n != 1 {
		t.Errorf("the page was served %d times, want 1", n)
	}
	if got := eval[string](t, phone, `document.getElementById("updated").textContent`); !strings.Contains(got, "tự cập nhật") {
		t.Errorf("the page does not say it refreshes itself: %q", got)
	}
}

// TestWaitOnKioskAndPaper: with one service measured the kiosk and the paper
// say how many are ahead and no wait; once enough services are measured at
// an open counter both say the same estimated wait, in the same words.
func TestWaitOnKioskAndPaper(t *testing.T) {
	c := startCenter(t, false, func(y string) string {
		return strings.Replace(y, "confirm: true", "confirm: false", 1)
	})
	ctx := t.Context()
	for range 14 {
		if _, err := c.engine.Issue(ctx, queue.IssueRequest{Service: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	serve := func(n int) { // n services at counter 1, as quick as a slip of the key
		for range n {
			if _, err := c.engine.Next(ctx, "1"); err != nil {
				t.Fatal(err)
			}
		}
	}
	serve(2) // A001 served, A002 at the counter: one service measured
	b := browser(t)
	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?kiosk=k1&pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)

	take := func(number string) (screen string, paper []string) {
		t.Helper()
		click(t, kiosk, `button.field[data-service="A"]`)
		waitFor(t, kiosk, number, `document.getElementById("ticket-number").textContent === "`+number+`"`)
		in, err := c.engine.Ticket(ctx, ticketByNumber(t, c, number).ID)
		if err != nil {
			t.Fatal(err)
		}
		screen = eval[string](t, kiosk, `document.getElementById("ticket-ahead").textContent`)
		paper = printing.TicketJob(printing.Opts{}, in).Lines()
		click(t, kiosk, "#ticket-done")
		waitFor(t, kiosk, "back home", visible("home"))
		return screen, paper
	}
	screen, paper := take("A015")
	if screen != "Trước bạn có 12 người" || strings.Contains(screen, "phút") {
		t.Errorf("one service measured: the kiosk says %q, want the people ahead and no wait", screen)
	}
	if len(paper) != 1 || paper[0] != "Số người đang chờ trước bạn: 12" {
		t.Errorf("one service measured: the paper says %q, want the people ahead and no wait", paper)
	}

	serve(10) // eleven services measured, counter 1 open
	screen, paper = take("A016")
	count, wait, ok := strings.Cut(screen, " · ")
	if !ok || count != "Trước bạn có 3 người" || wait == "" {
		t.Fatalf("enough services measured: the kiosk says %q, want the people ahead and a wait", screen)
	}
	if len(paper) != 2 || paper[0] != "Số người đang chờ trước bạn: 3" || paper[1] != "Thời gian chờ dự kiến: "+wait {
		t.Errorf("the paper says %q, the kiosk %q: not the same wait", paper, screen)
	}
}
