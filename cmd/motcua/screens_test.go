package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

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
		open(t, k, c.url+"/kiosk?kiosk=k1")
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
	open(t, tablet, c.url+"/rating?counter=1")
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
}

func issueReq(service string) queue.IssueRequest {
	return queue.IssueRequest{Service: service, Kiosk: "k1"}
}
