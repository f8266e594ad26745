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

// TestConsoleReceiptOfTheCommuneLayout: with forms.layout commune-2025 the
// console's receipt form asks for the applicant's CCCD/MST and takes the
// documents as a table (name, original or copy, count; a procedure fills
// its names), and sends them; with the default layout it shows neither.
func TestConsoleReceiptOfTheCommuneLayout(t *testing.T) {
	axe := axeSource(t)
	c := startCenter(t, false, func(y string) string { return y + "\nforms:\n  layout: commune-2025\n" })
	console := consoleAt(t, c, 1366, 768, "canbo1")
	// The receipt the console asks for, as it goes to the server.
	eval[bool](t, console, `(() => {
		window.sentReceipts = [];
		const realFetch = window.fetch;
		window.fetch = (url, o) => {
			if (String(url).endsWith("/api/v1/receipts") && o && o.method === "POST") window.sentReceipts.push(JSON.parse(o.body));
			return realFetch(url, o);
		};
		return true;
	})()`)
	click(t, console, "#act-receipt")
	waitFor(t, console, "the receipt box", visible("receipt-box"))
	waitFor(t, console, "the CCCD/MST line and the table", visible("r-id-row")+` && `+visible("r-table-row")+` && document.getElementById("r-list-row").hidden`)
	checkAxe(t, console, axe, "the console's receipt form, commune layout")
	do(t, console,
		chromedp.SendKeys(chromedp.CSS("#r-code"), "000.00.14.H56-200203-0118"),
		chromedp.SendKeys(chromedp.CSS("#r-procedure"), "Đăng ký khai sinh"),
		chromedp.SendKeys(chromedp.CSS("#r-name"), "Nguyễn Văn An"),
		chromedp.SendKeys(chromedp.CSS("#r-idnumber"), "079199012345"))
	// The procedure's documents fill the table, a row each; the clerk marks
	// the second a copy, two of them, drops the third and adds a copy.
	waitFor(t, console, "the procedure's documents in the table", `document.querySelectorAll("#r-doc-rows tr").length === 3`)
	names := eval[[]string](t, console, `[...document.querySelectorAll("#r-doc-rows .doc-name")].map(e => e.value)`)
	do(t, console,
		chromedp.SetValue(chromedp.CSS("#r-doc-rows tr:nth-child(2) .doc-kind"), "copy"),
		chromedp.SetValue(chromedp.CSS("#r-doc-rows tr:nth-child(2) .doc-count"), "2"))
	click(t, console, "#r-doc-rows tr:nth-child(3) .doc-remove")
	click(t, console, "#r-doc-add")
	do(t, console, chromedp.SendKeys(chromedp.CSS("#r-doc-rows tr:nth-child(3) .doc-name"), "Bản sao sổ hộ khẩu"),
		chromedp.SendKeys(chromedp.CSS("#r-fee"), "8.000 đồng")) // leaving the name: "bản sao" makes it a copy
	click(t, console, `#receipt-box button[type=submit]`)
	msg := `document.getElementById("receipt-msg")`
	waitFor(t, console, "the receipt printed", `["printed", "sent"].includes(`+msg+`.dataset.state)`)
	type row struct {
		Name  string `json:"name"`
		Kind  string `json:"kind"`
		Count int    `json:"count"`
	}
	sent := eval[[]struct {
		IDNumber string `json:"id_number"`
		Rows     []row  `json:"document_rows"`
	}](t, console, `window.sentReceipts`)
	want := []row{{names[0], "original", 1}, {names[1], "copy", 2}, {"Bản sao sổ hộ khẩu", "copy", 1}}
	if len(sent) != 1 || sent[0].IDNumber != "079199012345" || !slices.Equal(sent[0].Rows, want) {
		t.Fatalf("the console sent %+v, want CCCD 079199012345 and %+v", sent, want)
	}

	plain := startCenter(t, false)
	pc := consoleAt(t, plain, 1366, 768, "canbo1")
	click(t, pc, "#act-receipt")
	waitFor(t, pc, "the receipt box", visible("receipt-box"))
	waitFor(t, pc, "the default layout's list, no CCCD/MST", `document.getElementById("r-id-row").hidden && document.getElementById("r-table-row").hidden && `+visible("r-list-row"))
}
