package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/nats-io/nkeys"

	"motcua/internal/identity"
	"motcua/province/booking"
	"motcua/queue"
)

// TestKioskChecksInAnOnlineNumber: the booking's QR code read by the
// kiosk's keyboard-wedge scanner on the start screen gives its ticket,
// marked as an online booking; the same code again is refused on the
// start screen with the number it gave. axe-core finds nothing serious.
func TestKioskChecksInAnOnlineNumber(t *testing.T) {
	c, signed := onlineCenter(t)
	code := signed("00000000000000f1", "B", "001099012345")

	b := browser(t)
	axe := axeSource(t)
	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)
	do(t, kiosk, chromedp.KeyEvent(code+"\r"))
	waitFor(t, kiosk, "the ticket", visible("ticket")+` && document.getElementById("ticket-number").textContent === "B001"`)
	if got := eval[string](t, kiosk, `document.getElementById("ticket-field").textContent`); !strings.Contains(got, "Số hẹn trực tuyến") {
		t.Fatalf("the ticket says %q", got)
	}
	checkAxe(t, kiosk, axe, "kiosk online number checked in")
	click(t, kiosk, "#ticket-done")
	waitFor(t, kiosk, "home", visible("home"))
	do(t, kiosk, chromedp.KeyEvent(code+"\r"))
	waitFor(t, kiosk, "the refusal", `document.getElementById("status-msg").textContent.includes("đã được dùng để lấy số B001")`)
	checkAxe(t, kiosk, axe, "kiosk online number refused")
	if n := tickets(t, c); n != 1 {
		t.Fatalf("%d tickets, want 1", n)
	}
}

// TestConsoleChecksInAnOnlineNumber: at the counter, T opens the box, the
// clerk's hand scanner types the booking's code, and the number joins the
// calling order, marked online there and once called, on the console and
// on its counter's tile in the lobby (a walk-in is not).
func TestConsoleChecksInAnOnlineNumber(t *testing.T) {
	c, signed := onlineCenter(t)
	console := consoleAt(t, c, 1366, 768, "canbo1")
	// The button, not its key T: chromedp types a key's character apart
	// from its keydown, so it would land in the box the key opened.
	click(t, console, "#act-checkin")
	waitFor(t, console, "the box", visible("checkin-box"))
	do(t, console, chromedp.SendKeys(chromedp.CSS("#checkin-code"), signed("00000000000000f2", "A", "079199000111")+"\r"))
	waitFor(t, console, "the message", `document.getElementById("msg").textContent.includes("Đã nhận số hẹn: số A001")`)
	waitFor(t, console, "A001 in the order", `!!document.querySelector('#order-list [data-service="A"] li[data-number="A001"]')`)
	// The console says it is an online number: in the calling order, as
	// next, and once called.
	if got := eval[string](t, console, `document.querySelector('#order-list li[data-number="A001"] .online-tag').textContent + " | " + document.querySelector("#order-list .order-next").textContent`); got != "Trực tuyến | Số tiếp theo của quầy: A001 · Trực tuyến" {
		t.Fatalf("the calling order says %q", got)
	}
	if _, err := c.engine.Issue(t.Context(), queue.IssueRequest{Service: "A"}); err != nil { // a walk-in after it: no mark
		t.Fatal(err)
	}
	waitFor(t, console, "A002 in the order", `!!document.querySelector('#order-list li[data-number="A002"]')`)
	if eval[bool](t, console, `!!document.querySelector('#order-list li[data-number="A002"] .online-tag')`) {
		t.Fatal("a walk-in is marked online")
	}
	lobby := tab(t, browser(t), 1920, 1080)
	do(t, lobby, chromedp.Navigate(c.url+"/display?screen=lobby"))
	waitFor(t, lobby, "the lobby's tiles", `document.querySelectorAll("#counters .tile").length > 0`)
	click(t, console, "#act-next")
	waitFor(t, lobby, "A001 on its counter's tile, online", `[...document.querySelectorAll("#counters .tile")].some(x => x.querySelector(".num").textContent === "A001" && x.querySelector(".online") && x.querySelector(".online").textContent === "Số đặt trực tuyến")`)
	checkAxe(t, lobby, axeSource(t), "lobby with an online number called")
	waitFor(t, console, "A001 called, online", `document.getElementById("cur-number").textContent === "A001" && document.getElementById("cur-state").textContent.includes("Trực tuyến")`)
	checkAxe(t, console, axeSource(t), "console serving an online number")
	click(t, console, "#act-checkin")
	waitFor(t, console, "the box", visible("checkin-box"))
	do(t, console, chromedp.SendKeys(chromedp.CSS("#checkin-code"), "MCB123\r"))
	waitFor(t, console, "the refusal", `document.getElementById("msg").textContent.includes("không phải mã số hẹn")`)
}

// onlineCenter is the demo center as c1 of a hub whose key it holds (its
// config changed by edits first), and signed makes that hub's code of a
// booking of field by the holder of an ID number, for a window of today
// open now.
func onlineCenter(t *testing.T, edits ...func(yaml string) string) (*center, func(id, field, number string) string) {
	t.Helper()
	dir := t.TempDir()
	kp, _ := nkeys.CreateUser()
	seed, _ := kp.Seed()
	if err := os.WriteFile(filepath.Join(dir, "c1.nk"), seed, 0o600); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	keys, err := openBookingKeys(dir, log)
	if err != nil {
		t.Fatal(err)
	}
	key, err := booking.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := booking.NewSigner(key)
	if err := keys.set(booking.EncodePublic(signer.Public()), nil); err != nil {
		t.Fatal(err)
	}
	c := startCenterWith(t, serviceOpts{bookingKeys: keys}, false, append(edits, func(y string) string {
		return y + "\nhub: {center: c1, urls: [\"nats://127.0.0.1:1\"], credentials: " + filepath.Join(dir, "c1.nk") + "}\n"
	})...)
	h, _ := identity.New([]byte("province-secret-0123456789"))
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	return c, func(id, field, number string) string {
		t.Helper()
		now := time.Now().In(loc)
		from := now.Truncate(time.Minute).Add(-10 * time.Minute)
		code, err := signer.Sign(booking.Token{ID: id, Center: "c1", Field: field, Day: now.Format(time.DateOnly),
			From: from, To: from.Add(time.Hour), Person: string(h.Person(number))})
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
}
