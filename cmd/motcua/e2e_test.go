package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	catalog "motcua/internal/msg"
	"motcua/queue"
)

// ticketByNumber finds today's ticket with this number.
func ticketByNumber(t *testing.T, c *center, number string) queue.Ticket {
	t.Helper()
	day := c.engine.Day()
	all, err := c.engine.History(context.Background(), day, day)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range all {
		if tk.Number == number {
			return tk
		}
	}
	t.Fatalf("no ticket %s today", number)
	return queue.Ticket{}
}

// eventually polls cond (server side) until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("never: %s", what)
}

// TestCitizenToCounterInTheBrowser follows one citizen through the screens
// in headless Chromium: a ticket in two taps at the kiosk, called at the
// console, rated on the tablet, counted in the report; then a printer out of
// paper, a scanner push, and a second console refused then taking over.
func TestCitizenToCounterInTheBrowser(t *testing.T) {
	c := startCenter(t, true)
	b := browser(t)

	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?kiosk=k1&pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)

	// Two taps: the field, then "Lấy số".
	click(t, kiosk, `button.field[data-service="B"]`)
	waitFor(t, kiosk, "the confirmation", visible("confirm"))
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the ticket on screen", visible("ticket"))
	number := eval[string](t, kiosk, `document.getElementById("ticket-number").textContent`)
	if number != "B001" {
		t.Fatalf("kiosk shows %q, want B001", number)
	}
	waitFor(t, kiosk, "the printed message", `document.getElementById("print-status").dataset.state === "printed"`)
	waitFor(t, kiosk, "the QR code", `document.getElementById("ticket-qr").naturalWidth > 0`)
	if tk := ticketByNumber(t, c, "B001"); tk.State != queue.Waiting || tk.Kiosk != "k1" {
		t.Fatalf("ticket in the queue: %+v", tk)
	}
	if w := c.engine.Snapshot().Waiting["B"]; w != 1 {
		t.Fatalf("field B has %d waiting, want 1", w)
	}
	t.Run("the ticket's print file exists", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join(c.data, "prints", "*-ticket-B001.bin"))
		if len(files) != 1 {
			t.Fatalf("print files of B001: %v", files)
		}
	})

	// The clerk of counter 2 logs in and calls it.
	console := tab(t, b, 1366, 768)
	open(t, console, c.url+"/counter")
	waitFor(t, console, "the login form", visible("login"))
	login(t, console, "canbo2")
	waitFor(t, console, "the counter", visible("work"))
	waitFor(t, console, "B waiting on the console", `document.querySelector('#waiting td[data-service="B"]').textContent === "1"`)
	do(t, console, chromedp.KeyEvent("n")) // the keyboard shortcut of "next"
	waitFor(t, console, "B001 called", `document.getElementById("cur-number").textContent === "B001"`)
	if tk := ticketByNumber(t, c, "B001"); tk.State != queue.Called || tk.Counter != "2" {
		t.Fatalf("after the call: %+v", tk)
	}
	waitFor(t, console, "the service timer", `/^\d\d:\d\d$/.test(document.getElementById("cur-timer").textContent)`)

	t.Run("the lobby display shows the call", func(t *testing.T) {
		resp, err := http.Get(c.url + "/display?screen=lobby")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			t.Skip("/display is not wired in this branch yet (display lands on main separately)")
		}
		lobby := tab(t, b, 1920, 1080)
		do(t, lobby, chromedp.Navigate(c.url+"/display?screen=lobby"))
		waitFor(t, lobby, "B001 on the lobby screen", `document.body && document.body.innerText.includes("B001")`)
	})

	// The rating tablet asks once the ticket is complete; the rating is stored.
	tablet := tab(t, b, 1280, 800)
	open(t, tablet, c.url+"/rating?counter=2&pair=demo-tablet-2")
	click(t, console, "#act-complete")
	waitFor(t, tablet, "the question", visible("ask"))
	if s := eval[string](t, tablet, `document.getElementById("ask-ticket").textContent`); !strings.Contains(s, "B001") {
		t.Fatalf("tablet asks about %q", s)
	}
	click(t, tablet, `[data-rating="3"]`)
	waitFor(t, tablet, "the thanks", visible("thanks"))
	eventually(t, "rating stored", func() bool { return ticketByNumber(t, c, "B001").Rating == 3 })

	// The printer runs out of paper: the kiosk says to take the number on screen.
	c.printer.setFail(true)
	click(t, kiosk, "#ticket-done")
	waitFor(t, kiosk, "back home", visible("home"))
	click(t, kiosk, `button.field[data-service="A"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the failure message", `["failed","paper"].includes(document.getElementById("print-status").dataset.state)`)
	msg := eval[string](t, kiosk, `document.getElementById("print-status").innerText`)
	if !strings.Contains(msg, "chụp lại màn hình hoặc ghi nhớ số A001") {
		t.Fatalf("printer failure message: %q", msg)
	}
	if got := eval[string](t, kiosk, `document.getElementById("ticket-number").textContent`); got != "A001" {
		t.Fatalf("the number left the screen: %q", got)
	}

	// A serial scanner's code, pushed by the server, opens the lookup.
	click(t, kiosk, "#ticket-done")
	waitFor(t, kiosk, "back home", visible("home"))
	deadline := time.Now().Add(10 * time.Second)
	for !eval[bool](t, kiosk, visible("lookup")) && time.Now().Before(deadline) {
		c.screens.hub.Push("k1", "000.00.14.H56-200203-0118")
		time.Sleep(200 * time.Millisecond)
	}
	waitFor(t, kiosk, "the scanned code", `document.getElementById("code-text").textContent === "000.00.14.H56-200203-0118"`)
	waitFor(t, kiosk, "the dossier in plain words", `document.querySelector('#lookup-result .dossier[data-status="4"]')`)
	if s := eval[string](t, kiosk, `document.getElementById("lookup-result").innerText`); !strings.Contains(s, "Hồ sơ đang được xử lý") || !strings.Contains(s, "Còn 10 ngày") {
		t.Fatalf("dossier shown as %q", s)
	}

	// A keyboard-wedge scanner types fast and ends with Enter.
	click(t, kiosk, "#lookup [data-back]")
	do(t, kiosk, chromedp.KeyEvent("000.17.22.H56-210531-0001\r"))
	waitFor(t, kiosk, "the wedge code", `document.getElementById("code-text").textContent === "000.17.22.H56-210531-0001"`)
	waitFor(t, kiosk, "not found, said plainly", `document.querySelector('#lookup-result [data-error="not_found"]')`)
	// In the service's words, from its catalogue, not a copy in the page.
	if s := eval[string](t, kiosk, `document.querySelector('#lookup-result [data-error="not_found"]').textContent`); s != catalog.DossierNotFound.VI() {
		t.Errorf("not found says %q, want the catalogue's %q", s, catalog.DossierNotFound.VI())
	}

	// A second console on counter 2 is refused, naming the clerk; taking
	// over is explicit, and the first console learns it on its next action.
	second := tab(t, b, 1366, 768)
	do(t, second, chromedp.Navigate(c.url+"/counter")) // the same browser: already logged in as canbo2
	waitFor(t, second, "refused", visible("pick-error"))
	if s := eval[string](t, second, `document.getElementById("pick-error-text").textContent`); !strings.Contains(s, "canbo2") {
		t.Fatalf("refusal does not name the holder: %q", s)
	}
	click(t, second, "#takeover")
	waitFor(t, second, "the counter taken over", visible("work"))
	click(t, console, "#act-next")
	waitFor(t, console, "the first console told", visible("lost"))

	// The administrator's report shows the day.
	admin := tab(t, b, 1440, 900)
	do(t, admin, chromedp.Navigate(c.url+"/admin"))
	waitFor(t, admin, "the admin login", `document.body.dataset.ready === "1"`)
	if eval[bool](t, admin, visible("login")) {
		// canbo2 is logged in in this browser, not an administrator.
		waitFor(t, admin, "not an administrator", visible("login-error"))
		eval[bool](t, admin, `(document.getElementById("username").value = "") === ""`)
		login(t, admin, "quantri")
	}
	waitFor(t, admin, "the report", `document.querySelector('table.data tr[data-key="B"]')`)
	cells := eval[[]string](t, admin, `[...document.querySelectorAll('table.data tr[data-key="B"] td')].map(td => td.textContent)`)
	if len(cells) < 3 || cells[1] != "1" || cells[2] != "1" {
		t.Fatalf("report row of field B: %q", cells)
	}
	csvURL := eval[string](t, admin, `document.getElementById("csv").href`)
	if !strings.Contains(csvURL, "format=csv") {
		t.Fatalf("csv link %q", csvURL)
	}
}

// TestKioskOneTap: a center that configures no confirmation issues the
// ticket on the first tap; the priority toggle makes it a priority ticket.
func TestKioskOneTap(t *testing.T) {
	c := startCenter(t, false, func(y string) string {
		return strings.Replace(y, "confirm: true", "confirm: false", 1)
	})
	b := browser(t)
	kiosk := tab(t, b, 1920, 1080)
	open(t, kiosk, c.url+"/kiosk?kiosk=k1&pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)
	click(t, kiosk, `button.field[data-service="D"]`)
	waitFor(t, kiosk, "the ticket after one tap", visible("ticket"))
	if tk := ticketByNumber(t, c, "D001"); tk.Priority {
		t.Fatalf("a normal tap gave a priority ticket: %+v", tk)
	}
	click(t, kiosk, "#ticket-done")
	waitFor(t, kiosk, "back home", visible("home"))
	click(t, kiosk, "#priority-toggle")
	waitFor(t, kiosk, "the priority banner", visible("priority-banner"))
	click(t, kiosk, `button.field[data-service="D"]`)
	waitFor(t, kiosk, "the priority ticket", visible("ticket-priority")+` && document.getElementById("ticket-number").textContent === "D002"`)
	if tk := ticketByNumber(t, c, "D002"); !tk.Priority {
		t.Fatalf("the priority path gave %+v", tk)
	}

	// A third number waits behind the two: the kiosk says the wait in the
	// words the paper ticket prints (the API's estimated_wait_text).
	click(t, kiosk, "#ticket-done")
	waitFor(t, kiosk, "back home", visible("home"))
	click(t, kiosk, `button.field[data-service="D"]`)
	waitFor(t, kiosk, "D003", `document.getElementById("ticket-number").textContent === "D003"`)
	in, err := c.engine.Ticket(t.Context(), ticketByNumber(t, c, "D003").ID)
	if err != nil || in.Ahead != 2 {
		t.Fatalf("D003: %+v %v", in, err)
	}
	if in.WaitKnown { // a new center has measured no service yet
		t.Fatalf("D003 has an estimated wait of %v with nothing measured", in.EstimatedWait)
	}
	want := "Trước bạn có 2 người" // no wait, as the paper prints none
	waitFor(t, kiosk, "the wait in the paper's words", `document.getElementById("ticket-ahead").textContent === `+strconv.Quote(want))
}

// A browser that is no kiosk gets no kiosk: the page says it is not paired
// and what to do. Opened once with ?pair=TOKEN it keeps the token in an
// HttpOnly cookie (no script reads it), drops it from its address and takes
// numbers as that kiosk; so does the rating tablet of its counter.
func TestPairingInTheBrowser(t *testing.T) {
	c := startCenter(t, false)
	b := browser(t)
	kiosk := tab(t, b, 1920, 1080)
	open(t, kiosk, c.url+"/kiosk?kiosk=k1")
	waitFor(t, kiosk, "the unpaired screen", visible("unpaired")+` && `+strings.TrimPrefix(visible("home"), "!"))
	text := eval[string](t, kiosk, `document.getElementById("unpaired").innerText`)
	if !strings.Contains(text, "Thiết bị chưa được ghép nối") || !strings.Contains(text, "?pair=") {
		t.Fatalf("unpaired screen says %q", text)
	}
	if n := eval[int](t, kiosk, `document.querySelectorAll("button.field").length`); n != 0 {
		t.Fatalf("an unpaired kiosk shows %d fields", n)
	}
	open(t, kiosk, c.url+"/kiosk?pair=nope")
	waitFor(t, kiosk, "a wrong token said so", `document.getElementById("unpaired-text").textContent.includes("Mã ghép nối không đúng")`)

	open(t, kiosk, c.url+"/kiosk?kiosk=k1&pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)
	if loc := eval[string](t, kiosk, `location.search`); strings.Contains(loc, "pair") {
		t.Fatalf("the token stays in the address: %q", loc)
	}
	if ck := eval[string](t, kiosk, `document.cookie`); strings.Contains(ck, "demo-kiosk-k1") {
		t.Fatalf("a script reads the token: %q", ck)
	}
	open(t, kiosk, c.url+"/kiosk") // paired: no token, no name needed
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)
	click(t, kiosk, `button.field[data-service="B"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the ticket", `document.getElementById("ticket-number").textContent === "B001"`)
	in, err := c.engine.Ticket(t.Context(), ticketByNumber(t, c, "B001").ID)
	if err != nil || in.Kiosk != "k1" {
		t.Fatalf("B001 issued at %q (%v), want k1", in.Kiosk, err)
	}

	tablet := tab(t, b, 1280, 800)
	open(t, tablet, c.url+"/rating?counter=2")
	waitFor(t, tablet, "the unpaired tablet", visible("unpaired"))
	open(t, tablet, c.url+"/rating?counter=2&pair=demo-tablet-3")
	waitFor(t, tablet, "a tablet of another counter", visible("unpaired")+` && document.getElementById("unpaired-text").textContent.includes("quầy 3")`)
	open(t, tablet, c.url+"/rating?counter=2&pair=demo-tablet-2")
	waitFor(t, tablet, "the paired tablet", visible("idle"))
}
