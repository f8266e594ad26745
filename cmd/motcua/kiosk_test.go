package main

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/devices/escpos"
	"motcua/devices/printer/printertest"
	"motcua/kiosk/lookup"
	"motcua/kiosk/web"
)

// The kiosk's real screens: a portrait and a landscape touch screen.
var kioskSizes = []struct {
	name string
	w, h int
}{{"portrait 1080×1920", 1080, 1920}, {"landscape 1920×1080", 1920, 1080}}

// box is an element's bounding box in the viewport, CSS pixels.
type box struct {
	Top, Bottom, Left, Right float64
}

// boxes returns the boxes of the visible elements matching css, in order.
func boxes(t *testing.T, ctx context.Context, css string) []box {
	t.Helper()
	return eval[[]box](t, ctx, fmt.Sprintf(`[...document.querySelectorAll(%q)].filter(e => e.getClientRects().length > 0).map(e => {
		const r = e.getBoundingClientRect();
		return {Top: r.top, Bottom: r.bottom, Left: r.left, Right: r.right};
	})`, css))
}

// covered lists the visible elements matching css whose centre another
// element (a sticky bar, a notice) lies over.
func covered(t *testing.T, ctx context.Context, css string) []string {
	t.Helper()
	return eval[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll(%q)].filter(e => e.getClientRects().length > 0).filter(e => {
		const r = e.getBoundingClientRect();
		const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
		return top && !e.contains(top);
	}).map(e => e.outerHTML.slice(0, 80))`, css))
}

// tickets is how many tickets the center issued today.
func tickets(t *testing.T, c *center) int {
	t.Helper()
	day := c.engine.Day()
	all, err := c.engine.History(t.Context(), day, day)
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// tapAt taps the screen at (x, y) like a finger: no wait for the page.
func tapAt(x, y float64) chromedp.Action[chromedp.Void] { return chromedp.MouseClickXY(x, y) }

// TestKioskDoubleTapIssuesNothing: a double tap on a field tile (two taps
// at the same point 100 ms apart) opens the confirmation and nothing more,
// even where the confirmation's "Lấy số" or "Lấy số ưu tiên" lies under the
// finger; a deliberate tap there a moment later takes the number.
func TestKioskDoubleTapIssuesNothing(t *testing.T) {
	c := startCenter(t, false, func(y string) string { // one citizen after another, faster than a lobby
		return y + "\nsecurity: {kiosk_tickets: {burst: 100, every: 1ms}, address_tickets: {burst: 100, every: 1ms}}\n"
	})
	b := browser(t)
	for _, size := range kioskSizes {
		t.Run(size.name, func(t *testing.T) {
			kiosk := tab(t, b, size.w, size.h)
			open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
			waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)
			under := 0 // tiles whose centre lies on a button of the confirmation
			for _, code := range []string{"A", "B", "C", "D"} {
				sel := fmt.Sprintf(`button.field[data-service=%q]`, code)
				waitFor(t, kiosk, "the start screen", visible("home")+` && document.body.dataset.tapGuard !== "1"`)
				bx := boxes(t, kiosk, sel)[0]
				x, y := (bx.Left+bx.Right)/2, (bx.Top+bx.Bottom)/2
				before, posts := tickets(t, c), c.requests.count("POST /api/v1/tickets")
				do(t, kiosk, tapAt(x, y), chromedp.Sleep(100*time.Millisecond), tapAt(x, y))
				waitFor(t, kiosk, "the confirmation", visible("confirm"))
				// The citizen looks at the screen before tapping again.
				do(t, kiosk, chromedp.Sleep(time.Second))
				if got := c.requests.count("POST /api/v1/tickets"); got != posts || tickets(t, c) != before || !eval[bool](t, kiosk, visible("confirm")) {
					t.Fatalf("field %s: a double tap asked for %d tickets and issued %d", code, got-posts, tickets(t, c)-before)
				}
				target := eval[string](t, kiosk, fmt.Sprintf(`(document.elementFromPoint(%f, %f)?.closest("#take, #take-priority") || {}).id || ""`, x, y))
				if target == "" {
					click(t, kiosk, "#confirm [data-back]")
					continue
				}
				under++
				do(t, kiosk, tapAt(x, y)) // deliberate, a second after the screen changed
				waitFor(t, kiosk, "the ticket after a deliberate tap", visible("ticket"))
				if tickets(t, c) != before+1 {
					t.Fatalf("field %s: a deliberate tap issued %d tickets", code, tickets(t, c)-before)
				}
				if prio := eval[bool](t, kiosk, visible("ticket-priority")); prio != (target == "take-priority") {
					t.Fatalf("field %s: tap on #%s gave a ticket with priority %v", code, target, prio)
				}
				click(t, kiosk, "#ticket-done")
			}
			if under == 0 {
				t.Fatal("no field tile lies over a button of the confirmation: the double tap proves nothing")
			}
		})
	}
}

// kioskScreen is one screen of the kiosk: how to reach it from the start
// screen, and what must be inside the viewport once there.
type kioskScreen struct {
	name  string
	reach func(t *testing.T, kiosk context.Context)
	must  []string // CSS selectors; every visible match must be in view
}

func kioskScreens(c *center) []kioskScreen {
	home := func(t *testing.T, kiosk context.Context) {}
	return []kioskScreen{
		{"start", home, []string{"#home-title", "button.field", "#go-lookup", "#go-procs"}},
		{"confirm", func(t *testing.T, kiosk context.Context) {
			click(t, kiosk, `button.field[data-service="C"]`)
			waitFor(t, kiosk, "the confirmation", visible("confirm"))
		}, []string{"#confirm-title", "#confirm-name", "#take", "#take-priority", "#confirm [data-back]"}},
		{"ticket", func(t *testing.T, kiosk context.Context) {
			click(t, kiosk, `button.field[data-service="C"]`)
			click(t, kiosk, "#take")
			waitFor(t, kiosk, "printed", `document.getElementById("print-status").dataset.state === "printed"`)
		}, []string{"#ticket-title", "#ticket-number", "#print-status", "#ticket-done"}},
		{"lookup entry", func(t *testing.T, kiosk context.Context) {
			click(t, kiosk, "#go-lookup")
			waitFor(t, kiosk, "the lookup", visible("lookup"))
		}, []string{"#lookup-title", "#code-box", "#keypad .key", "#key-search", "#lookup [data-back]"}},
		{"lookup result", func(t *testing.T, kiosk context.Context) {
			click(t, kiosk, "#go-lookup")
			c.screens.hub.Push("k1", "000.00.14.H56-200203-0118")
			waitFor(t, kiosk, "the dossier", `document.querySelector("#lookup-result .dossier h2")`)
		}, []string{"#lookup-result .dossier h2", "#lookup-result .dossier .say", "#lookup-done", "#lookup [data-back]"}},
		{"identity with the camera", func(t *testing.T, kiosk context.Context) {
			click(t, kiosk, `button.field[data-service="D"]`)
			click(t, kiosk, "#take")
			waitFor(t, kiosk, "the camera's picture", visible("identity")+` && document.getElementById("camera").dataset.state === "on"`)
		}, []string{"#identity-title", "#cam-view", "#cam-say", "#id-box", "#id-keypad .key", "#id-ok", "#id-skip", "#identity [data-back]"}},
		{"procedures", func(t *testing.T, kiosk context.Context) {
			click(t, kiosk, "#go-procs")
			waitFor(t, kiosk, "the procedures", `document.querySelector("#proc-list .proc")`)
		}, []string{"#procs-title", "#proc-tabs .tab", "#proc-list .proc", "#procs-back"}},
		{"procedure", func(t *testing.T, kiosk context.Context) {
			click(t, kiosk, "#go-procs")
			waitFor(t, kiosk, "the procedures", `document.querySelector("#proc-list .proc")`)
			click(t, kiosk, "#proc-list .proc")
			waitFor(t, kiosk, "the procedure", visible("proc-detail"))
		}, []string{"#proc-detail h2", "#procs-take", "#procs-back"}},
	}
}

// goHome brings the kiosk back to its start screen.
func goHome(t *testing.T, kiosk context.Context, c *center) {
	t.Helper()
	open(t, kiosk, c.url+"/kiosk")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)
}

// TestKioskScreensFit: on every kiosk screen, at 1080×1920 and 1920×1080,
// its heading, the answer's heading and its primary actions are inside the
// viewport (the landscape lookup answered below the screen).
func TestKioskScreensFit(t *testing.T) {
	c := startCenter(t, true, cameraOnD)
	b := cameraBrowser(t, cardFrame(t, "", "")) // a camera that sees no card
	for _, size := range kioskSizes {
		t.Run(size.name, func(t *testing.T) {
			kiosk := tab(t, b, size.w, size.h)
			open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
			for _, sc := range kioskScreens(c) {
				goHome(t, kiosk, c)
				sc.reach(t, kiosk)
				waitFor(t, kiosk, sc.name+" settled", `document.body.dataset.tapGuard !== "1"`)
				for _, sel := range sc.must {
					bs := boxes(t, kiosk, sel)
					if len(bs) == 0 {
						t.Errorf("%s: nothing visible matches %s", sc.name, sel)
					}
					for i, bx := range bs {
						if bx.Top < 0 || bx.Left < 0 || bx.Bottom > float64(size.h) || bx.Right > float64(size.w) {
							t.Errorf("%s: %s #%d at %+v is outside the %d×%d screen", sc.name, sel, i, bx, size.w, size.h)
						}
					}
					if hid := covered(t, kiosk, sel); len(hid) > 0 {
						t.Errorf("%s: something lies over %s: %q", sc.name, sel, hid)
					}
				}
			}
		})
	}
}

// textSizes lists the visible texts of the page smaller than min px, with
// their computed size.
const textSizes = `((min) => {
	const out = [];
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const e = n.parentElement;
		if (!n.textContent.trim() || !e || e.getClientRects().length === 0) continue;
		const s = getComputedStyle(e);
		if (s.visibility === "hidden" || e.closest(".visually-hidden")) continue;
		const px = parseFloat(s.fontSize);
		if (px < min) out.push(px.toFixed(1) + " px: " + n.textContent.trim().slice(0, 40));
	}
	return out;
})`

// TestKioskTextAndReach: every text on every kiosk screen is at least 24 px
// (sub-labels were 22 px); in portrait the field tiles sit in the lower
// half, the band a standing person reaches best.
func TestKioskTextAndReach(t *testing.T) {
	c := startCenter(t, true, cameraOnD)
	b := cameraBrowser(t, cardFrame(t, "", "")) // a camera that sees no card
	for _, size := range kioskSizes {
		t.Run(size.name, func(t *testing.T) {
			kiosk := tab(t, b, size.w, size.h)
			open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
			for _, sc := range kioskScreens(c) {
				goHome(t, kiosk, c)
				sc.reach(t, kiosk)
				waitFor(t, kiosk, sc.name+" settled", `document.body.dataset.tapGuard !== "1"`)
				if small := eval[[]string](t, kiosk, textSizes+"(24)"); len(small) > 0 {
					t.Errorf("%s: text under 24 px:\n  %s", sc.name, strings.Join(small, "\n  "))
				}
			}
			if size.h < size.w {
				return
			}
			goHome(t, kiosk, c)
			for i, bx := range boxes(t, kiosk, "button.field") {
				if mid := (bx.Top + bx.Bottom) / 2; mid < float64(size.h)/2 {
					t.Errorf("field tile %d is centred at y=%.0f, in the upper half of the %d px screen", i, mid, size.h)
				}
			}
		})
	}
}

// paperOutPrinter serves a fake ESC/POS printer on TCP that reports its
// roll empty to every status query.
func paperOutPrinter(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
			d := printertest.NewDevice(conn)
			d.SetStatus(escpos.Status{PaperEnd: true})
		}
	}()
	return ln.Addr().String()
}

// TestKioskSaysPaperOutBeforeTheTap: when the service knows the kiosk's
// printer is out of paper, the start screen says so before the tap (and no
// longer promises a printed ticket), and the ticket comes on screen with the
// paper notice at once, with no "printing" wait.
func TestKioskSaysPaperOutBeforeTheTap(t *testing.T) {
	addr := paperOutPrinter(t)
	c := startCenter(t, false, func(y string) string {
		return strings.Replace(y, "{ name: kiosk1, transport: file, dir: prints, width: 80 }",
			"{ name: kiosk1, transport: tcp, addr: "+strconv.Quote(addr)+", width: 80 }", 1)
	})
	b := browser(t)
	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the paper notice on the start screen", `document.getElementById("home-status").dataset.state === "paper"`)
	home := eval[string](t, kiosk, `document.getElementById("home").innerText`)
	if !strings.Contains(home, "Máy in đang hết giấy") || !strings.Contains(home, "số sẽ hiện trên màn hình") {
		t.Fatalf("the start screen does not say the printer is out of paper:\n%s", home)
	}
	if strings.Contains(home, "Máy sẽ in phiếu") {
		t.Fatalf("the start screen still promises a printed ticket:\n%s", home)
	}
	checkAxe(t, kiosk, axeSource(t), "kiosk start, printer out of paper")
	// Every state the print notice takes from here on.
	eval[bool](t, kiosk, `(() => {
		window.printStates = [];
		new MutationObserver(() => window.printStates.push(document.getElementById("print-status").dataset.state))
			.observe(document.getElementById("print-status"), {attributes: true, attributeFilter: ["data-state"]});
		return true;
	})()`)
	click(t, kiosk, `button.field[data-service="A"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the ticket", visible("ticket"))
	waitFor(t, kiosk, "the paper notice", `document.getElementById("print-status").dataset.state === "paper"`)
	if states := eval[[]string](t, kiosk, `window.printStates`); len(states) == 0 || states[0] != "paper" {
		t.Fatalf("the print notice went through %q: the kiosk waited for a printer it knew was out of paper", states)
	}
	if s := eval[string](t, kiosk, `document.getElementById("print-status").innerText`); !strings.Contains(s, "chụp lại màn hình hoặc ghi nhớ số A001") {
		t.Fatalf("paper notice: %q", s)
	}
}

// TestKioskShowsTheOutage: cut off from the service, the start screen says
// so at once in the space kept for it and disables the tiles with the
// reason; no notice ever moves a tile, and the link mended, the tiles work.
func TestKioskShowsTheOutage(t *testing.T) {
	c := startCenter(t, false)
	b := browser(t)
	for _, size := range kioskSizes {
		t.Run(size.name, func(t *testing.T) {
			kiosk := tab(t, b, size.w, size.h)
			t.Cleanup(func() { c.setDown(false) })
			open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
			waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field:not([aria-disabled=true])").length === 4`)
			tiles := boxes(t, kiosk, "button.field")
			same := func(when string) {
				t.Helper()
				if now := boxes(t, kiosk, "button.field"); fmt.Sprint(now) != fmt.Sprint(tiles) {
					t.Fatalf("%s the tiles moved:\n  before %v\n  after  %v", when, tiles, now)
				}
			}

			c.setDown(true)
			waitFor(t, kiosk, "the outage on the start screen", `document.getElementById("home-status").dataset.state === "offline"`)
			if s := eval[string](t, kiosk, `document.getElementById("home-status").innerText`); !strings.Contains(s, "mất kết nối") {
				t.Fatalf("the outage notice says %q", s)
			}
			if n := eval[int](t, kiosk, `document.querySelectorAll("button.field[aria-disabled=true]").length`); n != 4 {
				t.Fatalf("%d of 4 tiles are disabled during the outage", n)
			}
			if s := eval[string](t, kiosk, `document.querySelector("button.field").innerText`); !strings.Contains(s, "mất kết nối") {
				t.Fatalf("a disabled tile gives no reason: %q", s)
			}
			same("with the outage notice")
			checkAxe(t, kiosk, axeSource(t), "kiosk start, offline")
			click(t, kiosk, `button.field[data-service="A"]`)
			if !eval[bool](t, kiosk, visible("home")) {
				t.Fatal("a disabled tile opened another screen")
			}

			c.setDown(false)
			waitFor(t, kiosk, "the link mended", `document.getElementById("home-status").dataset.state !== "offline" && document.querySelectorAll("button.field:not([aria-disabled=true])").length === 4`)
			same("after the outage")

			// The link breaks between the two taps: the failure notice
			// shows where the outage notice did, and moves nothing.
			click(t, kiosk, `button.field[data-service="A"]`)
			waitFor(t, kiosk, "the confirmation", visible("confirm"))
			c.setDown(true)
			click(t, kiosk, "#take")
			waitFor(t, kiosk, "the failure on the start screen", visible("home")+` && document.getElementById("home-status").innerText.trim() !== ""`)
			same("with the failure notice")
			c.setDown(false)
			waitFor(t, kiosk, "the link mended", `document.querySelectorAll("button.field:not([aria-disabled=true])").length === 4`)
		})
	}
}

// TestKioskMasksTheReceiptName: a scanned receipt QR (signed) shows the
// applicant's full name with a countdown and a "Xong" button; once nobody
// touches the screen for a few seconds the name is masked, and soon after
// the kiosk is back at its start screen (it kept the name up to 60 s).
func TestKioskMasksTheReceiptName(t *testing.T) {
	c := startCenter(t, true)
	b := browser(t)
	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)
	// The receipt's QR code links to the center's public address, the demo's listen address.
	signed := lookup.Sign("http://127.0.0.1:8080"+web.ReceiptPrefix, c.receiptKey, "000.00.14.H56-200203-0118")
	c.screens.hub.Push("k1", signed)
	waitFor(t, kiosk, "the full name", `document.getElementById("lookup-result").innerText.includes("Nguyễn Văn An")`)
	waitFor(t, kiosk, "the name masked", `document.getElementById("lookup-result").innerText.includes("N*** V*** A***")`)
	if !eval[bool](t, kiosk, `!!document.getElementById("lookup-done") && `+visible("lookup-done")) {
		t.Fatal("no Xong button beside the dossier")
	}
	if s := eval[string](t, kiosk, `document.getElementById("lookup-countdown").innerText`); !regexp.MustCompile(`\d+ giây`).MatchString(s) {
		t.Fatalf("no visible countdown: %q", s)
	}
	if s := eval[string](t, kiosk, `document.body.innerText`); strings.Contains(s, "Nguyễn Văn An") {
		t.Fatal("the full name stays on screen beside the masked one")
	}
	waitFor(t, kiosk, "back at the start", visible("home"))
	if s := eval[string](t, kiosk, `document.body.innerText`); strings.Contains(s, "V*** A***") || strings.Contains(s, "Nguyễn Văn An") {
		t.Fatalf("the start screen keeps the name:\n%s", s)
	}

	// "Xong" clears it at once; the countdown says when the name goes.
	c.screens.hub.Push("k1", signed)
	waitFor(t, kiosk, "the full name", `document.getElementById("lookup-result").innerText.includes("Nguyễn Văn An")`)
	if s := eval[string](t, kiosk, `document.getElementById("lookup-countdown").innerText`); !strings.Contains(s, "Họ tên được che sau") {
		t.Fatalf("the countdown does not say when the name is hidden: %q", s)
	}
	click(t, kiosk, "#lookup-done")
	waitFor(t, kiosk, "back at the start", visible("home")+` && !document.body.innerText.includes("Nguyễn Văn An")`)
}

// TestKioskKeypadTaps counts the taps a citizen needs to type a receipt's
// code on the keypad and search: the agency part of the center's codes
// (center.agency_code, and the agency its registry holds most besides) is
// one key and the dashes come by themselves (it took 28 taps).
func TestKioskKeypadTaps(t *testing.T) {
	c := startCenter(t, true)
	// Dossiers received for another agency, imported from the main system.
	imported := []map[string]any{
		{"code": "000.17.22.H56-210531-0001", "status": 9, "procedure": "Cấp giấy chứng nhận quyền sử dụng đất"},
		{"code": "000.17.22.H56-210531-0002", "status": 4},
	}
	if code := call(t, c, staffToken(t, c, "quantri"), "POST", "/api/v1/dossiers", imported, nil); code != 200 {
		t.Fatalf("import: %d", code)
	}
	b := browser(t)
	for _, size := range kioskSizes {
		t.Run(size.name, func(t *testing.T) {
			kiosk := tab(t, b, size.w, size.h)
			open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
			for _, tc := range []struct{ code, status string }{
				{"000.00.14.H56-200203-0118", "4"}, {"000.17.22.H56-210531-0001", "9"},
			} {
				goHome(t, kiosk, c)
				click(t, kiosk, "#go-lookup")
				waitFor(t, kiosk, "the keypad", visible("lookup"))
				if taps := typeOnKeypad(t, kiosk, tc.code); taps > 12 {
					t.Errorf("typing %s and searching took %d taps, want at most 12", tc.code, taps)
				}
				waitFor(t, kiosk, "the dossier", fmt.Sprintf(`document.querySelector('#lookup-result .dossier[data-status=%q]')`, tc.status))
			}
			checkAxe(t, kiosk, axeSource(t), "kiosk lookup typed on the keypad")
			if hid := covered(t, kiosk, "#lookup .keypad button"); len(hid) > 0 {
				t.Errorf("keys covered: %q", hid)
			}
		})
	}
}

// typeOnKeypad types code on the lookup keypad as a citizen would, with the
// key that types the longest start of what is left, then searches; it
// returns the taps it took.
func typeOnKeypad(t *testing.T, kiosk context.Context, code string) int {
	t.Helper()
	taps := 0
	for {
		typed := eval[string](t, kiosk, `document.getElementById("code-text").textContent`)
		if typed == code {
			break
		}
		rest, ok := strings.CutPrefix(code, typed)
		if !ok || taps > 60 {
			t.Fatalf("after %d taps the code reads %q", taps, typed)
		}
		id := eval[string](t, kiosk, fmt.Sprintf(`(() => {
			let best = null, len = 0;
			document.querySelectorAll("#lookup .keypad button").forEach(k => {
				if (k.getClientRects().length === 0) return;
				const s = k.dataset.key || k.textContent.trim();
				if (s && %q.startsWith(s) && s.length > len) { best = k; len = s.length; }
			});
			if (!best) return "";
			best.id = best.id || "tap-target";
			return best.id;
		})()`, rest))
		if id == "" {
			id = "key-letters" // the key is on the other keypad
		}
		click(t, kiosk, "#"+id)
		eval[bool](t, kiosk, `(() => { const k = document.getElementById("tap-target"); if (k) k.removeAttribute("id"); return true; })()`)
		taps++
	}
	click(t, kiosk, "#key-search")
	return taps + 1
}
