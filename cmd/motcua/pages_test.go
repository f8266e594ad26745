package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/lookup"
	"motcua/kiosk/web"
)

// staffToken logs a demo clerk in over the API.
func staffToken(t *testing.T, c *center, user string) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	if code := call(t, c, "", "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": "demo"}, &out); code != http.StatusOK {
		t.Fatalf("login %s: %d", user, code)
	}
	return out.Token
}

// call sends a JSON request to the center and decodes the answer into out
// (when not nil); it returns the status.
func call(t *testing.T, c *center, token, method, path string, body, out any) int {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, c.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

// receiptCode is the dossier printReceipt records.
const receiptCode = "000.00.14.H56-261120-0042"

// printReceipt prints a form-01 receipt at counter 1, as its clerk, due
// two days ago so that the dossier is late; it returns the URL of the
// receipt's QR code and the due time.
func printReceipt(t *testing.T, c *center) (string, time.Time) {
	t.Helper()
	tok := staffToken(t, c, "canbo1")
	loc := c.engine.Location()
	now := time.Now().In(loc).Truncate(time.Second)
	due := now.AddDate(0, 0, -2)
	job := map[string]any{
		"dossier_code": receiptCode, "procedure": "Đăng ký khai sinh",
		"applicant": map[string]string{"name": "Trần Thị Bình", "address": "12 Lê Lợi", "phone": "0901234567"},
		"documents": []string{"Tờ khai đăng ký khai sinh", "Giấy chứng sinh"}, "sets": 1, "processing_days": 3,
		"received_at": now.AddDate(0, 0, -5).Format(time.RFC3339), "due_at": due.Format(time.RFC3339),
		"return_place": "Quầy trả kết quả", "fee": "Miễn phí", "receiver": "Cán bộ Quầy 1", "printer": "quay1", "copies": 1,
	}
	if code := call(t, c, tok, "POST", "/api/v1/receipts", job, nil); code != http.StatusAccepted {
		t.Fatalf("POST /api/v1/receipts: %d", code)
	}
	return lookup.Sign(c.url+web.ReceiptPrefix, c.receiptKey, receiptCode), due
}

// TestReceiptQROnAPhone opens the QR code of a printed receipt in a
// phone-sized tab: the signed URL shows the applicant's full name, the bare
// code a masked one, an altered signature the invalid message; a burst of
// lookups is asked to wait.
func TestReceiptQROnAPhone(t *testing.T) {
	c := startCenter(t, false)
	signed, due := printReceipt(t, c)
	b := browser(t)
	phone := tab(t, b, 390, 844)

	shown := `document.body.dataset.state === "shown"`
	text := func(id string) string {
		return eval[string](t, phone, `document.getElementById("`+id+`").textContent`)
	}
	open(t, phone, signed)
	waitFor(t, phone, "the dossier", shown)
	if got := text("applicant"); got != "Trần Thị Bình" {
		t.Errorf("signed QR: applicant %q, want the full name", got)
	}
	if !eval[bool](t, phone, visible("late")) || !strings.Contains(text("due-say"), "Đã quá hạn trả kết quả 2 ngày") {
		t.Errorf("a late dossier does not say so: %q", text("due-say"))
	}
	if got := text("status"); got != "Được tiếp nhận" {
		t.Errorf("status %q", got)
	}
	if got := text("unit"); got != "Trung tâm Phục vụ hành chính công (Demo)" {
		t.Errorf("unit %q", got)
	}
	// Dates in Vietnam's time (+07:00), whatever the phone's zone.
	if got, want := text("due"), due.Format("15:04, 02/01/2006"); got != want {
		t.Errorf("due %q, want %q", got, want)
	}
	if n := eval[int](t, phone, `document.querySelectorAll("#history li").length`); n != 1 {
		t.Errorf("history has %d steps, want 1", n)
	}
	if !eval[bool](t, phone, `document.getElementById("masked").hidden`) {
		t.Error("the masked-name note shows with a verified signature")
	}

	bare, _, _ := strings.Cut(signed, "?")
	open(t, phone, bare)
	waitFor(t, phone, "the dossier without signature", shown)
	if got := text("applicant"); got != "T*** T*** B***" {
		t.Errorf("bare code: applicant %q, want it masked", got)
	}
	waitFor(t, phone, "the masked-name note", visible("masked"))

	// One letter of the signature changed.
	i := strings.LastIndex(signed, "=") + 1
	swap := map[byte]byte{'A': 'B'}[signed[i]]
	if swap == 0 {
		swap = 'A'
	}
	altered := signed[:i] + string(swap) + signed[i+1:]
	open(t, phone, altered)
	waitFor(t, phone, "the refusal", `document.body.dataset.state === "error"`)
	if got := eval[string](t, phone, `document.getElementById("error").dataset.error`); got != "bad_signature" {
		t.Fatalf("altered signature: error %q", got)
	}
	if got := text("error-title"); got != "Mã QR không hợp lệ hoặc đã bị sửa." {
		t.Errorf("altered signature says %q", got)
	}
	if strings.Contains(eval[string](t, phone, "document.body.innerText"), "Bình") {
		t.Error("the name shows beside a refused signature")
	}

	// Lookups from one address are limited: the page asks to wait.
	for range 6 {
		call(t, c, "", "GET", "/api/v1/dossiers/"+receiptCode, nil, nil)
	}
	open(t, phone, bare)
	waitFor(t, phone, "the wait message", `document.getElementById("error").dataset.error === "rate_limited"`)
	if !eval[bool](t, phone, `document.getElementById("retry").disabled`) {
		t.Error("the retry button is usable before the wait is over")
	}
	if n := c.requests.count("GET /h/" + receiptCode); n != 4 {
		t.Errorf("the page was served %d times, want 4", n)
	}
}

// TestConsoleFollowsTheSocket: the console's waiting count changes within
// a second of a kiosk ticket, and neither the console nor the rating
// tablet polls while the socket is up.
func TestConsoleFollowsTheSocket(t *testing.T) {
	c := startCenter(t, false)
	b := browser(t)
	console := tab(t, b, 1366, 768)
	open(t, console, c.url+"/counter")
	login(t, console, "canbo3")
	waitFor(t, console, "the counter", visible("work"))
	waitFor(t, console, "the socket", `document.body.dataset.live === "1"`)
	waitFor(t, console, "C empty", `document.querySelector('#waiting td[data-service="C"]').textContent === "0"`)
	tablet := tab(t, b, 1280, 800)
	open(t, tablet, c.url+"/rating?counter=3&pair=demo-tablet-3")
	waitFor(t, tablet, "the tablet's socket", `document.body.dataset.live === "1"`)
	queueGets := c.requests.count("GET /api/v1/queue")
	lastDone := c.requests.count("GET /api/v1/counters/3/last-completed")

	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?kiosk=k1&pair=demo-kiosk-k1")
	click(t, kiosk, `button.field[data-service="C"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the ticket", visible("ticket"))
	// It arrives over the socket: the request count below proves no poll
	// brought it (how fast is measured by the display benchmarks, not here).
	waitFor(t, console, "C001 waiting on the console", `document.querySelector('#waiting td[data-service="C"]').textContent === "1"`)

	// Longer than the old polling period: nothing polled meanwhile.
	time.Sleep(2500 * time.Millisecond)
	if n := c.requests.count("GET /api/v1/queue"); n != queueGets {
		t.Errorf("the console made %d GET /api/v1/queue after its socket opened", n-queueGets)
	}
	if n := c.requests.count("GET /api/v1/counters/3/last-completed"); n != lastDone {
		t.Errorf("the tablet asked last-completed %d times with nothing completed", n-lastDone)
	}

	// Called, started, completed: the console follows; the tablet asks.
	click(t, console, "#act-next")
	waitFor(t, console, "C001 called", `document.getElementById("cur-number").textContent === "C001"`)
	click(t, console, "#act-start")
	waitFor(t, console, "C001 served", `document.getElementById("act-start").disabled`)
	click(t, console, "#act-complete")
	waitFor(t, tablet, "the question", visible("ask"))
	waitFor(t, console, "the counter free", `document.getElementById("cur-number").textContent === "—"`)
	if n := c.requests.count("GET /api/v1/queue"); n != queueGets {
		t.Errorf("the console made %d GET /api/v1/queue after its socket opened", n-queueGets)
	}
}

// TestConsolePollsWhileTheSocketIsRefused: with a token on the lobby screen
// that the console's address lacks, the socket is refused and the console
// polls the queue instead, still showing a new ticket; given the token it
// follows the socket.
func TestConsolePollsWhileTheSocketIsRefused(t *testing.T) {
	c := startCenter(t, false, func(y string) string {
		return strings.Replace(y, "- { name: lobby }", `- { name: lobby, token: "hall-secret" }`, 1)
	})
	b := browser(t)
	console := tab(t, b, 1366, 768)
	open(t, console, c.url+"/counter")
	login(t, console, "canbo1")
	waitFor(t, console, "the counter", visible("work"))
	before := c.requests.count("GET /api/v1/queue")
	if _, err := c.engine.Issue(t.Context(), issueReq("D")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, console, "D001 by polling", `document.querySelector('#waiting td[data-service="D"]').textContent === "1"`)
	if eval[string](t, console, `document.body.dataset.live || ""`) == "1" {
		t.Fatal("the socket is live without the screen's token")
	}
	if c.requests.count("GET /api/v1/queue") <= before {
		t.Fatal("the console showed the ticket without polling or its socket")
	}
	if s := eval[string](t, console, `document.getElementById("updated").textContent`); !strings.Contains(s, "mất kết nối trực tiếp") {
		t.Errorf("the console does not say it is not live: %q", s)
	}

	with := tab(t, b, 1366, 768)
	open(t, with, c.url+"/counter?token=hall-secret")
	waitFor(t, with, "the socket with the token", `document.body.dataset.live === "1"`)
}

// TestConsoleShowsTheFieldAfterTransferAndReload: a ticket transferred to
// another field and called again shows its new field on the console, also
// after a reload (the board says the field; the number's prefix does not).
func TestConsoleShowsTheFieldAfterTransferAndReload(t *testing.T) {
	c := startCenter(t, false)
	if _, err := c.engine.Issue(t.Context(), issueReq("A")); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	console := tab(t, b, 1366, 768)
	open(t, console, c.url+"/counter")
	login(t, console, "canbo1")
	waitFor(t, console, "the counter", visible("work"))
	field := `document.getElementById("cur-field").textContent`
	number := `document.getElementById("cur-number").textContent`
	click(t, console, "#act-next")
	waitFor(t, console, "A001 called in A", number+` === "A001" && `+field+` === "Hộ tịch"`)
	click(t, console, "#act-transfer")
	click(t, console, `#transfer-list button[data-service="B"]`)
	waitFor(t, console, "the counter free", number+` === "—"`)
	click(t, console, "#act-next")
	waitFor(t, console, "A001 called in B", number+` === "A001" && `+field+` === "Đất đai"`)
	// It can go back to A, not to B where it is.
	click(t, console, "#act-transfer")
	if got := eval[string](t, console, `[...document.querySelectorAll("#transfer-list button")].map(b => b.dataset.service).join()`); got != "A,C,D" {
		t.Errorf("transfer choices %q, want A,C,D", got)
	}

	open(t, console, c.url+"/counter")
	waitFor(t, console, "the counter after the reload", visible("work"))
	waitFor(t, console, "A001 in B after the reload", number+` === "A001" && `+field+` === "Đất đai"`)
	waitFor(t, console, "the socket", `document.body.dataset.live === "1"`)
	if got := eval[string](t, console, field); got != "Đất đai" {
		t.Fatalf("after the reload and the snapshot the console shows field %q", got)
	}
}
