package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"motcua/devices/layout/layouttest"
)

// TestConsolePrintsFormsAndRecordsResults: at the console the clerk prints
// form 02 for a dossier the registry knows (Y), which then says "Yêu cầu
// bổ sung giấy tờ" to the citizen's scan and prints on the counter's
// printer with the code's barcode; and records the result a citizen
// collects (T) for the visit at the counter.
func TestConsolePrintsFormsAndRecordsResults(t *testing.T) {
	c := startCenter(t, true)
	issueN(t, c, "A", 1)
	console := consoleAt(t, c, 1366, 768, "canbo1")
	key(t, console, "n")
	waitFor(t, console, "the ticket at the counter", curNumber+` === "A001"`)

	const code = "000.00.14.H56-200203-0118"
	// A button, not its key: the test's key event would type the letter
	// into the field the box focuses (a browser's keydown, prevented,
	// types nothing).
	click(t, console, "#act-forms")
	waitFor(t, console, "the forms box", visible("forms-box"))
	do(t, console,
		chromedp.SendKeys(chromedp.CSS("#f-code"), code),
		chromedp.SendKeys(chromedp.CSS("#f-items"), "Bản sao căn cước có chứng thực"))
	click(t, console, `#forms-box button[type=submit]`)
	msg := `document.getElementById("forms-msg")`
	waitFor(t, console, "the form printed", `["printed", "sent"].includes(`+msg+`.dataset.state)`)
	if s := eval[string](t, console, msg+`.textContent`); s == "" {
		t.Fatal("no message")
	}
	pngs, _ := filepath.Glob(filepath.Join(c.printer.dir, "*notice*.png"))
	if len(pngs) != 1 {
		t.Fatalf("notices printed: %v", pngs)
	}
	if codes := layouttest.Zbar(t, pngs[0]); !slices.Contains(codes, code) {
		t.Fatalf("zbarimg read %q off form 02", codes)
	}
	resp, err := http.Get(c.url + "/api/v1/dossiers/" + code)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Status int `json:"status"`
	}
	json.NewDecoder(resp.Body).Decode(&d)
	resp.Body.Close()
	if d.Status != 5 {
		t.Fatalf("the dossier's status after form 02: %d", d.Status)
	}

	click(t, console, "#act-collect")
	waitFor(t, console, "the result box", visible("collect-box"))
	do(t, console, chromedp.SendKeys(chromedp.CSS("#c-code"), "g09.20-20261120-0000042"))
	click(t, console, `#collect-box button[type=submit]`)
	cm := `document.getElementById("collect-msg")`
	waitFor(t, console, "the result recorded", cm+`.dataset.state === "done"`)
	if s := eval[string](t, console, cm+`.textContent`); s != "Đã ghi nhận: số A001 nhận kết quả hồ sơ G09.20-20261120-0000042." {
		t.Fatalf("the console says %q", s)
	}
	do(t, console, chromedp.SendKeys(chromedp.CSS("#c-code"), "ABC"))
	click(t, console, `#collect-box button[type=submit]`)
	waitFor(t, console, "a bad code refused", cm+`.dataset.state === "refused"`)

	// The keys open the boxes too.
	key(t, console, kb.Escape)
	key(t, console, "y")
	waitFor(t, console, "Y opens the forms box", visible("forms-box"))
	key(t, console, kb.Escape)
	key(t, console, "t")
	waitFor(t, console, "T opens the result box", visible("collect-box"))
}
