package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource finds axe.min.js where scripts/test-deps.sh installs it.
func axeSource(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("MOTCUA_AXE_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(cache, "motcua", "axe")
	}
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("axe-core is missing from %s: run scripts/test-deps.sh (make test-deps)", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// checkAxe runs axe-core on the page as it is and fails on any serious or
// critical violation.
func checkAxe(t *testing.T, ctx context.Context, axe, what string) {
	t.Helper()
	// A page's own slip shows as script words in the text a citizen reads.
	text := eval[string](t, ctx, "document.body.innerText")
	for _, bad := range []string{"[object ", "undefined", "NaN", "{n}", "{m}"} {
		if strings.Contains(text, bad) {
			t.Errorf("%s: the page shows %q:\n%s", what, bad, text)
		}
	}
	eval[bool](t, ctx, axe+";true")
	type result struct {
		Violations []axeViolation `json:"violations"`
		Passes     int            `json:"passes"`
		Rules      int            `json:"rules"` // every rule axe considered
	}
	r, err := chromedp.Run(ctx, chromedp.Evaluate[result](
		`axe.run(document).then(r => ({violations: r.violations, passes: r.passes.length,
			rules: r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length}))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", what, err)
	}
	if r.Rules < 50 || r.Passes == 0 {
		t.Fatalf("%s: axe considered %d rules and passed %d: did it run?", what, r.Rules, r.Passes)
	}
	for _, x := range r.Violations {
		if testing.Verbose() {
			t.Logf("%s: %s (%s): %s", what, x.ID, x.Impact, x.Help)
		}
		if x.Impact != "serious" && x.Impact != "critical" {
			continue
		}
		var where []string
		for _, n := range x.Nodes {
			where = append(where, n.HTML)
		}
		t.Errorf("%s: %s (%s): %s\n  %s", what, x.ID, x.Impact, x.Help, strings.Join(where, "\n  "))
	}
}

// TestAccessibility checks each page, and the states a person meets on it,
// with axe-core in Chromium.
func TestAccessibility(t *testing.T) {
	c := startCenter(t, true)
	b := browser(t)
	axe := axeSource(t)

	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk")
	waitFor(t, kiosk, "not paired", visible("unpaired"))
	checkAxe(t, kiosk, axe, "kiosk not paired")
	open(t, kiosk, c.url+"/kiosk?kiosk=k1&pair=demo-kiosk-k1")
	checkAxe(t, kiosk, axe, "kiosk start")
	click(t, kiosk, `button.field[data-service="A"]`)
	checkAxe(t, kiosk, axe, "kiosk confirmation")
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "printed", `document.getElementById("print-status").dataset.state === "printed"`)
	checkAxe(t, kiosk, axe, "kiosk ticket")
	click(t, kiosk, "#ticket-done")
	click(t, kiosk, "#go-lookup")
	do(t, kiosk, chromedp.KeyEvent("000.00.14.H56-200203-0118\r"))
	waitFor(t, kiosk, "dossier", `document.querySelector("#lookup-result .dossier")`)
	checkAxe(t, kiosk, axe, "kiosk lookup")
	click(t, kiosk, "#lookup [data-back]")
	click(t, kiosk, "#go-procs")
	waitFor(t, kiosk, "procedures", `document.querySelector("#proc-list .proc")`)
	click(t, kiosk, "#proc-list .proc")
	checkAxe(t, kiosk, axe, "kiosk procedure")

	console := tab(t, b, 1366, 768)
	open(t, console, c.url+"/counter")
	checkAxe(t, console, axe, "console login")
	login(t, console, "canbo1")
	waitFor(t, console, "work", visible("work"))
	click(t, console, "#act-next")
	waitFor(t, console, "called", `document.getElementById("cur-number").textContent === "A001"`)
	waitFor(t, console, "the calling order", `document.querySelector("#order-list .order-next")`)
	checkAxe(t, console, axe, "console at work")
	click(t, console, "#act-receipt")
	checkAxe(t, console, axe, "console receipt form")

	tablet := tab(t, b, 1280, 800)
	open(t, tablet, c.url+"/rating?counter=1")
	waitFor(t, tablet, "not paired", visible("unpaired"))
	checkAxe(t, tablet, axe, "rating tablet not paired")
	open(t, tablet, c.url+"/rating?counter=1&pair=demo-tablet-1")
	click(t, console, "#act-complete")
	waitFor(t, tablet, "question", visible("ask"))
	checkAxe(t, tablet, axe, "rating question")

	admin := tab(t, b, 1440, 900)
	do(t, admin, chromedp.Navigate(c.url+"/admin"))
	waitFor(t, admin, "ready", `document.body.dataset.ready === "1"`)
	checkAxe(t, admin, axe, "admin login")
	eval[bool](t, admin, `(document.getElementById("username").value = "") === ""`)
	login(t, admin, "quantri")
	waitFor(t, admin, "report", `document.querySelector('table.data tr[data-key="A"]')`)
	checkAxe(t, admin, axe, "admin report")

	// The screens of the hall and of a citizen's phone, with a call made
	// so that they show numbers: a priority one, so that they show its mark
	// and the phone of the number it passed says why.
	prio := issueReq("C")
	prio.Priority = true
	tk, err := c.engine.Issue(t.Context(), prio)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.engine.Next(t.Context(), "3"); err != nil {
		t.Fatal(err)
	}
	waiting, err := c.engine.Issue(t.Context(), issueReq("C"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []struct{ name, url, ready string }{
		{"lobby 1920×1080", "/display", `!document.getElementById("latest-priority").hidden`},
		{"lobby 1080×1920", "/display", `!document.getElementById("latest-priority").hidden`},
		{"counter screen", "/display?counter=3", `document.getElementById("cv-ticket").textContent === "` + tk.Number + `" && !document.getElementById("cv-priority").hidden`},
		{"phone ticket called", "/t/" + tk.ID, `!document.getElementById("called").hidden && !document.getElementById("priority").hidden`},
		{"phone ticket waiting", "/t/" + waiting.ID, `!document.getElementById("facts").hidden && !document.getElementById("why").hidden`},
		{"receipt page", "/h/000.00.14.H56-200203-0118", `document.body.dataset.state === "shown"`},
		{"receipt page refused", "/h/000.00.14.H56-200203-0118?sig=AAAAAAAAAAAAAAAAAAAAAA", `document.body.dataset.state === "error"`},
	} {
		w, h := 1920, 1080
		switch {
		case strings.Contains(o.name, "1080×1920"):
			w, h = 1080, 1920
		case strings.HasPrefix(o.name, "counter screen"):
			w, h = 1280, 720
		case strings.HasPrefix(o.name, "phone"), strings.HasPrefix(o.name, "receipt"):
			w, h = 390, 844
		}
		p := tab(t, b, w, h)
		do(t, p, chromedp.Navigate(c.url+o.url))
		waitFor(t, p, o.name, o.ready)
		checkAxe(t, p, axe, o.name)
	}
}
