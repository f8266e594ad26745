package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"motcua/queue"
)

// consoleAt logs the clerk in on a console of w×h and waits for the work
// screen on the live socket.
func consoleAt(t *testing.T, c *center, w, h int, user string) context.Context {
	t.Helper()
	console := tab(t, browser(t), w, h)
	open(t, console, c.url+"/counter")
	login(t, console, user)
	waitFor(t, console, "the counter", visible("work"))
	waitFor(t, console, "the socket", `document.body.dataset.live === "1"`)
	return console
}

func issueN(t *testing.T, c *center, field string, n int) {
	t.Helper()
	for range n {
		if _, err := c.engine.Issue(t.Context(), issueReq(field)); err != nil {
			t.Fatal(err)
		}
	}
}

// key presses one key on the page.
func key(t *testing.T, ctx context.Context, k string) {
	t.Helper()
	do(t, ctx, chromedp.KeyEvent(k))
}

// The console's own answer to an action (msgText) comes once its request
// is answered, which may be after the socket showed the result
// (curNumber); a test waits for it before the next key, as the console
// takes one action at a time.
const (
	curNumber = `document.getElementById("cur-number").textContent`
	msgText   = `document.getElementById("msg").textContent`
)

// waitingIn is the numbers of a field in the engine's queue, in calling order.
func waitingIn(c *center, field string) []string {
	for _, f := range c.engine.Snapshot().Fields {
		if f.Code == field {
			var out []string
			for _, tk := range f.Waiting {
				out = append(out, tk.Number)
			}
			return out
		}
	}
	return nil
}

// TestConsoleUndoesANoShow: V by a slip, then U (or the button) within
// 30 s: the ticket is back at the head of its order, shown first on the
// console's list and called by the next "next".
func TestConsoleUndoesANoShow(t *testing.T) {
	c := startCenter(t, false)
	issueN(t, c, "A", 3)
	console := consoleAt(t, c, 1366, 768, "canbo1")
	key(t, console, "n")
	waitFor(t, console, "A001 called", curNumber+` === "A001" && `+msgText+` === "Đã gọi số A001."`)
	key(t, console, "v")
	waitFor(t, console, "A001 absent, with an undo", curNumber+` === "—" && `+visible("undo"))
	if s := eval[string](t, console, `document.getElementById("undo").textContent`); !strings.Contains(s, "A001") || !strings.Contains(s, "giây") {
		t.Errorf("the undo button says %q", s)
	}
	key(t, console, "u")
	waitFor(t, console, "A001 back", msgText+`.includes("Đã đưa số A001 lại hàng chờ")`)
	if got := waitingIn(c, "A"); strings.Join(got, ",") != "A001,A002,A003" {
		t.Fatalf("A's queue after the undo: %v", got)
	}
	waitFor(t, console, "A001 first on the list and next", `document.querySelector('#order-list [data-service="A"] li').dataset.number === "A001" && document.getElementById("act-next").dataset.next === "A001"`)
	key(t, console, "n")
	waitFor(t, console, "A001 called again", curNumber+` === "A001" && `+msgText+` === "Đã gọi số A001."`)
	if tk := ticketByNumber(t, c, "A001"); tk.State != queue.Called {
		t.Fatalf("A001 after the undo and next: %v", tk.State)
	}
	// The same with the button.
	key(t, console, "v")
	waitFor(t, console, "the undo again", visible("undo"))
	click(t, console, "#undo")
	waitFor(t, console, "A001 back again", msgText+`.includes("Đã đưa số A001 lại hàng chờ")`)
	if got := waitingIn(c, "A"); len(got) == 0 || got[0] != "A001" {
		t.Fatalf("A's queue after the undo button: %v", got)
	}
}

// TestConsoleShowsTheCallingOrder: with 40 waiting the console lists every
// number in calling order, with its wait and "Ưu tiên", and names the one
// "next" calls for this counter: the priority ticket of a field it serves
// second, before 40 older ones; at both console sizes.
func TestConsoleShowsTheCallingOrder(t *testing.T) {
	c := startCenter(t, false)
	issueN(t, c, "A", 40)
	if _, err := c.engine.Issue(t.Context(), queue.IssueRequest{Service: "B", Priority: true, Kiosk: "k2"}); err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{1366, 768}, {1920, 1080}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			console := consoleAt(t, c, size[0], size[1], "canbo1")
			waitFor(t, console, "the list", `document.querySelectorAll('#order-list [data-service="A"] li').length === 40`)
			got := eval[string](t, console, `[...document.querySelectorAll('#order-list [data-service="A"] li')].map(li => li.dataset.number).join()`)
			var want []string
			for i := 1; i <= 40; i++ {
				want = append(want, fmt.Sprintf("A%03d", i))
			}
			if got != strings.Join(want, ",") {
				t.Fatalf("A's list %s", got)
			}
			if s := eval[string](t, console, `document.querySelector('#order-list [data-service="A"] li').textContent`); !strings.Contains(s, "phút") {
				t.Errorf("A001 shows no wait: %q", s)
			}
			waitFor(t, console, "B001 next", `document.getElementById("order-next") && document.getElementById("order-next").textContent === "B001"`)
			prio := eval[string](t, console, `document.querySelector('#order-list [data-service="B"] li[data-number="B001"]').textContent`)
			if !strings.Contains(prio, "Ưu tiên") {
				t.Errorf("B001 is not shown as priority: %q", prio)
			}
			if s := eval[string](t, console, `document.getElementById("act-next").textContent`); !strings.Contains(s, "B001") {
				t.Errorf("the next button does not say whom it calls: %q", s)
			}
			click(t, console, "#logout") // frees the counter for the next console
			waitFor(t, console, "logged out", visible("login"))
		})
	}
	console := consoleAt(t, c, 1366, 768, "canbo1")
	waitFor(t, console, "B001 next", `document.getElementById("act-next").dataset.next === "B001"`)
	key(t, console, "n")
	waitFor(t, console, "B001 called", curNumber+` === "B001"`)
	waitFor(t, console, "A001 next now", `document.getElementById("act-next").dataset.next === "A001"`)
}

// TestConsoleSaysAFailedActionIsNotRetried: an action whose request never
// reaches the server says so, and that it is not sent again, instead of
// "Đang thử lại".
func TestConsoleSaysAFailedActionIsNotRetried(t *testing.T) {
	c := startCenter(t, false)
	issueN(t, c, "A", 1)
	console := consoleAt(t, c, 1366, 768, "canbo1")
	if _, err := chromedp.Call(console, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(console, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
		{URLPattern: c.url + "/api/v1/counters/1/next", Block: true}}}); err != nil {
		t.Fatal(err)
	}
	click(t, console, "#act-next")
	waitFor(t, console, "the failure said", msgText+` !== ""`)
	s := eval[string](t, console, msgText)
	if strings.Contains(s, "Đang thử lại") || !strings.Contains(s, "Gọi số tiếp theo") || !strings.Contains(s, "không được gửi lại") {
		t.Fatalf("after a failed call the console says %q", s)
	}
	if tk := ticketByNumber(t, c, "A001"); tk.State != queue.Waiting {
		t.Fatalf("A001 is %s", tk.State)
	}
}

// TestConsoleTransferKeysAndNumberMessages: the transfer targets have
// digit keys shown on them; calling a number never issued and one marked
// absent say different things, the absent one offering its return.
func TestConsoleTransferKeysAndNumberMessages(t *testing.T) {
	c := startCenter(t, false)
	issueN(t, c, "A", 2)
	console := consoleAt(t, c, 1366, 768, "canbo1")
	key(t, console, "n")
	waitFor(t, console, "A001 called", curNumber+` === "A001" && `+msgText+` === "Đã gọi số A001."`)
	key(t, console, "c")
	waitFor(t, console, "the targets", visible("transfer-box"))
	labels := eval[string](t, console, `[...document.querySelectorAll("#transfer-list button")].map(b => b.querySelector("kbd").textContent + "=" + b.dataset.service).join()`)
	if labels != "1=B,2=C,3=D" {
		t.Fatalf("transfer keys %q, want 1=B,2=C,3=D", labels)
	}
	key(t, console, "2")
	waitFor(t, console, "A001 moved", curNumber+` === "—" && `+msgText+`.startsWith("Đã chuyển số A001")`)
	if tk := ticketByNumber(t, c, "A001"); tk.Service != "C" || tk.State != queue.Transferred {
		t.Fatalf("A001 after key 2: %s in %s", tk.State, tk.Service)
	}

	callNumber := func(n string) {
		key(t, console, "g")
		waitFor(t, console, "the call box", visible("call-box"))
		// The protocol's own "char" of the G lands in the focused box; a
		// real key's is cancelled with its keydown.
		eval[string](t, console, `document.getElementById("call-number").value = ""`)
		do(t, console, chromedp.SendKeys(chromedp.CSS("#call-number"), n+"\r"))
	}
	callNumber("A057")
	waitFor(t, console, "no such number", msgText+` === "Không có số A057 hôm nay."`)
	key(t, console, kb.Escape) // the box stays open to correct the number
	key(t, console, "n")
	waitFor(t, console, "A002 called", curNumber+` === "A002" && `+msgText+` === "Đã gọi số A002."`)
	key(t, console, "v")
	waitFor(t, console, "A002 absent", curNumber+` === "—" && `+msgText+` === "Đã ghi số A002 vắng mặt."`)
	at := ticketByNumber(t, c, "A002").DoneAt.In(c.engine.Location()).Format("15:04")
	callNumber("A002")
	waitFor(t, console, "A002 lost its turn", msgText+`.startsWith("Số A002 đã bỏ lượt lúc `+at+`")`)
	waitFor(t, console, "its return offered", visible("return-ticket"))
	click(t, console, "#return-ticket")
	waitFor(t, console, "A002 back", msgText+`.includes("Đã đưa số A002 lại hàng chờ")`)
	if tk := ticketByNumber(t, c, "A002"); tk.State != queue.Waiting {
		t.Fatalf("A002 after its return: %s", tk.State)
	}
}

// TestConsoleFollowsTheReceiptJob: a receipt whose printer is unplugged is
// not "sent": the console says it waits and why, then that it printed once
// the printer is back.
func TestConsoleFollowsTheReceiptJob(t *testing.T) {
	c := startCenter(t, false)
	console := consoleAt(t, c, 1366, 768, "canbo1")
	c.printer.setFail(true)
	key(t, console, "p")
	waitFor(t, console, "the receipt form", visible("receipt-box"))
	do(t, console,
		chromedp.SendKeys(chromedp.CSS("#r-code"), "000.00.14.H56-200203-0118"),
		chromedp.SendKeys(chromedp.CSS("#r-procedure"), "Đăng ký khai sinh"),
		chromedp.SendKeys(chromedp.CSS("#r-name"), "Nguyễn Văn An"),
		chromedp.SendKeys(chromedp.CSS("#r-docs"), "Tờ khai"))
	click(t, console, `#receipt-box button[type=submit]`)
	receipt := `document.getElementById("receipt-msg")`
	waitFor(t, console, "the job waiting, with why", receipt+`.dataset.state === "queued" && `+receipt+`.textContent.includes("chưa in được")`)
	if s := eval[string](t, console, receipt+`.textContent`); !strings.Contains(s, "không kết nối") {
		t.Errorf("the console does not say why: %q", s)
	}
	c.printer.setFail(false)
	waitFor(t, console, "the job printed", `["printed", "sent"].includes(`+receipt+`.dataset.state)`)
	if s := eval[string](t, console, receipt+`.textContent`); !strings.Contains(s, "Đã in xong") && !strings.Contains(s, "Đã gửi hết") {
		t.Errorf("the console says %q once printed", s)
	}
}
