package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/kiosk/lookup"
	"motcua/kiosk/web"
	"motcua/queue"
)

// TestScreenshots writes the pages at their target sizes to the folder named
// by MOTCUA_SCREENS (make screens: docs/screens). Without it, it is skipped.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("MOTCUA_SCREENS")
	if dir == "" {
		t.Skip("set MOTCUA_SCREENS=DIR (make screens) to write the screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c := startCenter(t, true)
	b := browser(t)
	shot := func(ctx context.Context, name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A few citizens already wait, so the counts show.
	for _, s := range []string{"A", "A", "B", "C", "A"} {
		if _, err := c.engine.Issue(t.Context(), issueReq(s)); err != nil {
			t.Fatal(err)
		}
	}

	for _, o := range []struct {
		name string
		w, h int
	}{{"portrait", 1080, 1920}, {"landscape", 1920, 1080}} {
		k := tab(t, b, o.w, o.h)
		open(t, k, c.url+"/kiosk?kiosk=k1&pair=demo-kiosk-k1")
		shot(k, "kiosk-"+o.name+"-start")
		click(t, k, `button.field[data-service="A"]`)
		shot(k, "kiosk-"+o.name+"-confirm")
		click(t, k, "#take")
		waitFor(t, k, "printed", `document.getElementById("print-status").dataset.state === "printed"`)
		waitFor(t, k, "qr", `document.getElementById("ticket-qr").naturalWidth > 0`)
		shot(k, "kiosk-"+o.name+"-ticket")
		if o.name == "portrait" {
			c.printer.setFail(true)
			click(t, k, "#ticket-done")
			click(t, k, `button.field[data-service="C"]`)
			click(t, k, "#take")
			waitFor(t, k, "failed", `document.getElementById("print-status").dataset.state === "failed"`)
			waitFor(t, k, "qr", `document.getElementById("ticket-qr").naturalWidth > 0`)
			shot(k, "kiosk-portrait-printer-failed")
			c.printer.setFail(false)
		}
		click(t, k, "#ticket-done")
		click(t, k, "#go-lookup")
		do(t, k, chromedp.KeyEvent("000.00.14.H56-200203-0118\r"))
		waitFor(t, k, "dossier", `document.querySelector("#lookup-result .dossier")`)
		shot(k, "kiosk-"+o.name+"-lookup")
		click(t, k, "#lookup [data-back]")
		click(t, k, "#go-procs")
		waitFor(t, k, "procedures", `document.querySelector("#proc-list .proc")`)
		shot(k, "kiosk-"+o.name+"-procedures")
		click(t, k, "#proc-list .proc")
		shot(k, "kiosk-"+o.name+"-procedure")
		if o.name == "portrait" {
			// Cut off from the service: the outage is said up front.
			click(t, k, "#procs-back")
			click(t, k, "#procs-back")
			c.setDown(true)
			waitFor(t, k, "the outage", `document.getElementById("home-status").dataset.state === "offline"`)
			shot(k, "kiosk-portrait-offline")
			c.setDown(false)
			waitFor(t, k, "the link mended", `document.getElementById("home-status").dataset.state !== "offline"`)
		}
	}

	console := tab(t, b, 1366, 768)
	open(t, console, c.url+"/counter")
	shot(console, "counter-login")
	login(t, console, "canbo1")
	waitFor(t, console, "work", visible("work"))
	click(t, console, "#act-next")
	waitFor(t, console, "called", `document.getElementById("cur-number").textContent !== "—"`)
	shot(console, "counter-work")
	click(t, console, "#act-receipt")
	shot(console, "counter-receipt")
	click(t, console, `#receipt-box [data-close]`)

	tablet := tab(t, b, 1280, 800)
	open(t, tablet, c.url+"/rating?counter=1&pair=demo-tablet-1")
	shot(tablet, "rating-idle")
	click(t, console, "#act-complete")
	waitFor(t, tablet, "question", visible("ask"))
	shot(tablet, "rating-question")
	click(t, tablet, `[data-rating="3"]`)
	waitFor(t, tablet, "thanks", visible("thanks"))
	shot(tablet, "rating-thanks")

	admin := tab(t, b, 1440, 900)
	do(t, admin, chromedp.Navigate(c.url+"/admin"))
	waitFor(t, admin, "ready", `document.body.dataset.ready === "1"`)
	eval[bool](t, admin, `(document.getElementById("username").value = "") === ""`)
	login(t, admin, "quantri")
	waitFor(t, admin, "report", `document.querySelector('table.data tr[data-key="A"]')`)
	shot(admin, "admin-report")

	// The hall: numbers called at three counters, one recalled; counter 4
	// calls a priority number.
	prio := issueReq("D")
	prio.Priority = true
	if _, err := c.engine.Issue(t.Context(), prio); err != nil {
		t.Fatal(err)
	}
	for _, ctr := range []string{"2", "3", "4", "2"} {
		if _, err := c.engine.Next(t.Context(), ctr); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.engine.Recall(t.Context(), "3"); err != nil {
		t.Fatal(err)
	}
	follow, err := c.engine.Issue(t.Context(), issueReq("B"))
	if err != nil {
		t.Fatal(err)
	}
	prio.Service = "B" // a priority number that will pass the phone's
	if _, err := c.engine.Issue(t.Context(), prio); err != nil {
		t.Fatal(err)
	}
	for _, o := range []struct {
		name string
		w, h int
	}{{"lobby-1920x1080", 1920, 1080}, {"lobby-1080x1920", 1080, 1920}} {
		lobby := tab(t, b, o.w, o.h)
		do(t, lobby, chromedp.Navigate(c.url+"/display?sound=0"))
		waitFor(t, lobby, "the calls", `document.querySelectorAll("#recent li").length >= 4`)
		do(t, lobby, chromedp.Sleep(4*time.Second)) // the newest call stops flashing
		shot(lobby, o.name)
	}
	screen := tab(t, b, 1280, 720)
	do(t, screen, chromedp.Navigate(c.url+"/display?counter=3"))
	waitFor(t, screen, "the number", `document.getElementById("cv-ticket").textContent !== "—"`)
	do(t, screen, chromedp.Sleep(4*time.Second))
	shot(screen, "display-counter-1280x720")

	phone := tab(t, b, 390, 844)
	do(t, phone, chromedp.Navigate(c.url+"/t/"+follow.ID))
	waitFor(t, phone, "the ticket", `!document.getElementById("facts").hidden`)
	shot(phone, "phone-ticket-waiting-390x844")
	if _, err := c.engine.Next(t.Context(), "1"); err != nil { // B's turn comes at counter 1
		t.Fatal(err)
	}
	for tk, _ := c.engine.Ticket(t.Context(), follow.ID); tk.State == queue.Waiting; tk, _ = c.engine.Ticket(t.Context(), follow.ID) {
		if _, err := c.engine.Next(t.Context(), "2"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, phone, "the call", `!document.getElementById("called").hidden`)
	shot(phone, "phone-ticket-called-390x844")

	// The receipt's QR code on a phone: a dossier on time (seeded, with a
	// history), a late one just printed, and an altered signature.
	seeded := lookup.Sign(c.url+web.ReceiptPrefix, c.receiptKey, "000.00.14.H56-200203-0118")
	late, _ := printReceipt(t, c)
	for _, o := range []struct{ name, url, state string }{
		{"receipt-page-390x844", seeded, "shown"},
		{"receipt-page-late-390x844", late, "shown"},
		{"receipt-page-invalid-390x844", late[:len(late)-3] + "xyz", "error"},
	} {
		do(t, phone, chromedp.Navigate(o.url))
		waitFor(t, phone, o.name, `document.body.dataset.state === "`+o.state+`"`)
		shot(phone, o.name)
	}
}

func issueReq(service string) queue.IssueRequest {
	return queue.IssueRequest{Service: service, Kiosk: "k1"}
}
