package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/kiosk/notify/notifytest"
)

// TestConsoleReceiptPhoneForMessages: at a center telling dossiers'
// statuses, the console's receipt form (axe-core clean) takes the
// applicant's mobile number with the consent tick. A bad number, or one
// without the tick, is refused in Vietnamese and nothing prints nor is
// recorded; with the tick the receipt prints, the console shows the number
// masked and forgets it, and the status the main system pushes reaches that
// number by SMS. Neither the answer nor the dossier's page holds it.
func TestConsoleReceiptPhoneForMessages(t *testing.T) {
	axe := axeSource(t)
	fake := notifytest.NewSMS(t)
	c := startCenter(t, false, func(y string) string { return y + dossierSMS(fake) })
	console := consoleAt(t, c, 1366, 768, "canbo1")
	eval[bool](t, console, `(() => {
		window.receiptAnswers = [];
		const realFetch = window.fetch;
		window.fetch = async (url, o) => {
			const resp = await realFetch(url, o);
			if (String(url).endsWith("/api/v1/receipts") && o && o.method === "POST") window.receiptAnswers.push(await resp.clone().text());
			return resp;
		};
		return true;
	})()`)
	click(t, console, "#act-receipt")
	waitFor(t, console, "the receipt box with the messages' part", visible("receipt-box")+` && `+visible("r-notify-row"))
	checkAxe(t, console, axe, "the console's receipt form with the number for messages")
	const code = "000.00.14.H56-200203-0118"
	do(t, console,
		chromedp.SendKeys(chromedp.CSS("#r-code"), code),
		chromedp.SendKeys(chromedp.CSS("#r-procedure"), "Đăng ký khai sinh"),
		chromedp.SendKeys(chromedp.CSS("#r-name"), "Nguyễn Văn An"),
		chromedp.SendKeys(chromedp.CSS("#r-notify-phone"), "0212 345 678"),
		chromedp.Click(chromedp.CSS("#r-consent")))
	msg := `document.getElementById("receipt-msg")`
	submit := func() {
		t.Helper()
		eval[bool](t, console, msg+`.hidden = true; true`)
		click(t, console, `#receipt-box button[type=submit]`)
		waitFor(t, console, "the console's answer", `!`+msg+`.hidden`)
	}
	receipts := func() []string {
		pngs, _ := filepath.Glob(filepath.Join(c.printer.dir, "*receipt*.png"))
		return pngs
	}
	submit()
	if s := eval[string](t, console, msg+`.textContent`); !strings.Contains(s, "Số điện thoại không đúng") {
		t.Fatalf("a landline: the console says %q", s)
	}
	do(t, console, chromedp.SetValue(chromedp.CSS("#r-notify-phone"), "0987 654 321"), chromedp.Click(chromedp.CSS("#r-consent")))
	submit()
	if s := eval[string](t, console, msg+`.textContent`); !strings.Contains(s, "Cần đồng ý nhận tin nhắn") {
		t.Fatalf("no consent: the console says %q", s)
	}
	if got := receipts(); len(got) != 0 {
		t.Fatalf("refused receipts printed: %v", got)
	}
	if resp, err := http.Get(c.url + "/api/v1/dossiers/" + code); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a refused receipt recorded its dossier: %v %v", resp.Status, err)
	}

	do(t, console, chromedp.Click(chromedp.CSS("#r-consent")))
	submit()
	waitFor(t, console, "the receipt printed", `["printed", "sent"].includes(`+msg+`.dataset.state)`)
	if got := receipts(); len(got) != 1 {
		t.Fatalf("receipts printed: %v", got)
	}
	done := eval[string](t, console, `document.getElementById("r-notify-done").textContent`)
	if done != "Hồ sơ "+code+": tin nhắn về tình trạng hồ sơ sẽ gửi tới 09xx xxx 321." {
		t.Fatalf("the console says %q", done)
	}
	if v := eval[string](t, console, `document.getElementById("r-notify-phone").value + "|" + document.getElementById("r-consent").checked`); v != "|false" {
		t.Fatalf("the console still holds %q", v)
	}
	// Typed and not printed, a number is gone once the form is closed
	// and opened again: it never goes with the next applicant's receipt.
	do(t, console, chromedp.SendKeys(chromedp.CSS("#r-notify-phone"), "0987 000 111"), chromedp.Click(chromedp.CSS("#r-consent")))
	click(t, console, `#receipt-box button[data-close]`)
	click(t, console, "#act-receipt")
	waitFor(t, console, "the receipt box again", visible("receipt-box"))
	if v := eval[string](t, console, `document.getElementById("r-notify-phone").value + "|" + document.getElementById("r-consent").checked`); v != "|false" {
		t.Fatalf("the form opened again with %q", v)
	}
	answers := eval[[]string](t, console, `window.receiptAnswers`)
	page := eval[string](t, console, `document.body.innerText`)
	resp, err := http.Get(c.url + "/api/v1/dossiers/" + code)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for what, s := range map[string]string{"the answers": strings.Join(answers, " "), "the console": page, "the dossier": string(body)} {
		if strings.Contains(strings.ReplaceAll(s, " ", ""), "654321") {
			t.Errorf("%s hold the number: %s", what, s)
		}
	}

	admin := staffToken(t, c, "quantri")
	if st := call(t, c, admin, "POST", "/api/v1/dossiers/"+code+"/status", map[string]any{"status": 4}, nil); st != http.StatusNoContent {
		t.Fatalf("push: %d", st)
	}
	select {
	case m := <-fake.Arrived():
		if m.Phone != "0987654321" || !strings.Contains(m.Content, "Ho so "+code+": Dang xu ly") {
			t.Fatalf("SMS %+v", m)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no SMS for the pushed status")
	}
	if n := fake.Requests(); n != 1 {
		t.Errorf("%d SMS requests, want 1 (the receipt's own status is not told)", n)
	}
}
