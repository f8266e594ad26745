package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/internal/clock/clocktest"
	"motcua/internal/identity"
	"motcua/internal/pgtest"
	"motcua/kiosk/web"
	"motcua/province/booking"
	"motcua/province/online"
	"motcua/province/online/onlinetest"
	"motcua/province/pgstore"
	"motcua/queue"
)

// TestOnlineBookingPageInTheBrowser books an online number on a phone
// (390×844) as a citizen does: center, field, day, window, ID number and
// phone, a wrong code then the right one, the QR code; then cancels it.
// axe-core finds nothing serious at each step.
func TestOnlineBookingPageInTheBrowser(t *testing.T) {
	ctx := context.Background()
	ict := time.FixedZone("ICT", 7*3600)
	clk := clocktest.New(time.Date(2026, 12, 1, 7, 0, 0, 0, ict))
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h, _ := identity.New([]byte("province-secret-0123456789"))
	key, err := booking.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := booking.NewSigner(key)
	sender := &onlinetest.Sender{}
	offers := func(context.Context) ([]online.Offer, error) {
		return []online.Offer{{Center: "c1", Name: "Phường Liên Chiểu", Location: ict, DaysAhead: 2, Window: 30 * time.Minute,
			Caps: queue.Caps{PerDay: 2, PerField: 1}, Fields: []online.OfferField{
				{Code: "A", Name: "Hộ tịch", Quota: 20, Hours: []queue.Span{{From: 8 * 60, To: 11 * 60}}},
				{Code: "B", Name: "Đất đai", Quota: 10, Hours: []queue.Span{{From: 13 * 60, To: 16 * 60}}},
			}}}, nil
	}
	svc, err := online.New(online.Opts{Store: db, Signer: signer, Hasher: h, Sender: sender, Offers: offers, QR: web.QRSVG,
		Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()
	axe := axeSource(t)

	b := tab(t, browser(t), 390, 844)
	open(t, b, srv.URL+online.PagePath)
	if got := eval[string](t, b, `document.querySelector("#window").selectedOptions[0].textContent`); got != "08:00 – 08:30" {
		t.Fatalf("first window %q", got)
	}
	checkAxe(t, b, axe, "booking page")
	fleetShot(t, b, "online-booking")
	eval[bool](t, b, `(() => { const f = document.querySelector("#field"); f.value = "B"; return f.dispatchEvent(new Event("change")); })()`)
	waitFor(t, b, "the windows of B", `document.querySelector("#window").value === "13:00"`)
	do(t, b,
		chromedp.SendKeys(chromedp.CSS("#id-number"), "001099012345"),
		chromedp.SendKeys(chromedp.CSS("#phone"), "0912 345 678"))
	click(t, b, "#send")
	waitFor(t, b, "the code's step", visible("confirm"))
	code := sender.LastCode("0912345678")
	if code == "" {
		t.Fatal("no code sent")
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	do(t, b, chromedp.SendKeys(chromedp.CSS("#code"), wrong))
	click(t, b, "#book")
	waitFor(t, b, "the wrong code refused", `document.querySelector("#error").textContent.includes("Mã xác nhận không đúng")`)
	checkAxe(t, b, axe, "booking page, wrong code")
	eval[bool](t, b, `(document.querySelector("#code").value = "", true)`)
	do(t, b, chromedp.SendKeys(chromedp.CSS("#code"), code))
	click(t, b, "#book")
	waitFor(t, b, "the booking", visible("booked"))
	text := eval[string](t, b, `document.querySelector("#booked").innerText`)
	for _, want := range []string{"Phường Liên Chiểu", "Đất đai", "01/12/2026", "13:00 – 13:30"} {
		if !strings.Contains(text, want) {
			t.Fatalf("booked: no %q in\n%s", want, text)
		}
	}
	if !eval[bool](t, b, `!!document.querySelector("#qr svg path")`) {
		t.Fatal("no QR code")
	}
	if strings.Contains(eval[string](t, b, `document.documentElement.outerHTML`), "001099012345") {
		t.Fatal("the ID number is still on the page")
	}
	checkAxe(t, b, axe, "booked")
	fleetShot(t, b, "online-booked")
	click(t, b, "#cancel")
	waitFor(t, b, "the cancel asks again", `document.querySelector("#cancel").textContent.includes("lần nữa")`)
	click(t, b, "#cancel")
	waitFor(t, b, "cancelled", `document.querySelector("#cancelled").textContent.includes("Đã hủy số hẹn")`)
	checkAxe(t, b, axe, "cancelled")
}

// TestOnlineBookingConsentInTheBrowser: where the hub sends booking
// messages, the page offers them with a consent box, off by default and
// reachable by its label; ticked, the booking keeps the confirmed phone
// for its reminder, the booked page says so, and the phone is no longer on
// the page. axe-core finds nothing serious, the box shown.
func TestOnlineBookingConsentInTheBrowser(t *testing.T) {
	ctx := context.Background()
	ict := time.FixedZone("ICT", 7*3600)
	clk := clocktest.New(time.Date(2026, 12, 1, 7, 0, 0, 0, ict))
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h, _ := identity.New([]byte("province-secret-0123456789"))
	key, err := booking.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := booking.NewSigner(key)
	sender := &onlinetest.Sender{}
	offers := func(context.Context) ([]online.Offer, error) {
		return []online.Offer{{Center: "c1", Name: "Phường Liên Chiểu", Location: ict, DaysAhead: 1, Window: 30 * time.Minute,
			Caps: queue.Caps{PerDay: 2, PerField: 1}, Fields: []online.OfferField{
				{Code: "A", Name: "Hộ tịch", Quota: 20, Hours: []queue.Span{{From: 9 * 60, To: 11 * 60}}}}}}, nil
	}
	svc, err := online.New(online.Opts{Store: db, Signer: signer, Hasher: h, Sender: sender, Offers: offers, QR: web.QRSVG,
		Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Messages: &online.Messages{Sender: hubSender, Kind: "reminder", Before: func(string) time.Duration { return time.Hour }}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()
	axe := axeSource(t)

	b := tab(t, browser(t), 390, 844)
	open(t, b, srv.URL+online.PagePath)
	do(t, b,
		chromedp.SendKeys(chromedp.CSS("#id-number"), "001099012345"),
		chromedp.SendKeys(chromedp.CSS("#phone"), "0912 345 678"))
	click(t, b, "#send")
	waitFor(t, b, "the code's step", visible("confirm"))
	if !eval[bool](t, b, `!document.querySelector("#messages").hidden && !document.querySelector("#notify").checked`) {
		t.Fatal("the consent box is not shown, unticked")
	}
	label := eval[string](t, b, `document.querySelector("label[for=notify]").textContent`)
	if !strings.Contains(label, "Nhận tin nhắn nhắc lịch và khi đến lượt qua Zalo/SMS") {
		t.Fatalf("consent label %q", label)
	}
	checkAxe(t, b, axe, "booking page with the consent box")
	fleetShot(t, b, "online-booking-consent")
	click(t, b, "label[for=notify]")
	if !eval[bool](t, b, `document.querySelector("#notify").checked`) {
		t.Fatal("the label does not tick the box")
	}
	do(t, b, chromedp.SendKeys(chromedp.CSS("#code"), sender.LastCode("0912345678")))
	click(t, b, "#book")
	waitFor(t, b, "the booking", visible("booked"))
	if text := eval[string](t, b, `document.querySelector("#b-notify").innerText`); !strings.Contains(text, "nhắc lịch") {
		t.Fatalf("the booked page does not say a reminder comes: %q", text)
	}
	if html := eval[string](t, b, `document.documentElement.outerHTML + document.querySelector("#phone").value`); strings.Contains(html, "345 678") || strings.Contains(html, "912345678") {
		t.Fatal("the phone is still on the page")
	}
	checkAxe(t, b, axe, "booked with messages")
	var n int
	var phone string
	if err := db.Pool().QueryRow(ctx, `SELECT count(*), max(phone) FROM booking_contacts`).Scan(&n, &phone); err != nil || n != 1 || phone != "84912345678" {
		t.Fatalf("booking contacts: %d %q %v", n, phone, err)
	}
	due, err := db.NotifyDue(ctx, time.Date(2026, 12, 1, 8, 0, 0, 0, ict), 10, time.Minute)
	if err != nil || len(due) != 1 || due[0].Params["from"] != "09:00" {
		t.Fatalf("the reminder due at 08:00: %+v %v", due, err)
	}
}
