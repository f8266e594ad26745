package display_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/display"
	"motcua/display/browsertest"
	"motcua/display/voice"
	"motcua/queue"
)

// contrastJS measures, over every animation running on the elements that
// selector matches, the lowest WCAG contrast between the text inside them
// and what lies behind it: each animation is paused and stepped through its
// whole run (every 20 ms), the computed colours read at each step.
const contrastJS = `((selector) => {
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const rgba = (s) => { const m = s.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
  const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const lum = (c) => 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
  const ratio = (x, y) => { const a = lum(x), b = lum(y); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
  // behind is the colour under node: its own background over its ancestors'.
  const behind = (node) => {
    const layers = [];
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) layers.push(rgba(getComputedStyle(n).backgroundColor));
    let c = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) c = over(layers[i], c);
    return c;
  };
  const texts = (root) => [root, ...root.querySelectorAll("*")].filter((n) => [...n.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim()));
  let worst = { ratio: 99 }, steps = 0;
  for (const el of document.querySelectorAll(selector)) {
    for (const a of el.getAnimations({ subtree: true })) {
      const end = a.effect.getComputedTiming().endTime;
      a.pause();
      for (let t = 0; t <= end; t += 20) {
        a.currentTime = t;
        steps++;
        for (const n of texts(el)) {
          const fg = over(rgba(getComputedStyle(n).color), behind(n));
          const r = ratio(fg, behind(n));
          if (r < worst.ratio) worst = { ratio: r, at: t, text: n.textContent.trim(), color: getComputedStyle(n).color, bg: JSON.stringify(behind(n)) };
        }
      }
      a.finish();
    }
  }
  return JSON.stringify({ steps, worst });
})`

// TestBrowserCallFlashKeepsContrast: the highlight of a new call (the
// large "latest" panel and the counter's tile on the lobby, the number on a
// counter's own screen) keeps every text at 4.5:1 or more against what is
// behind it at every frame of the animation, in landscape and portrait.
func TestBrowserCallFlashKeepsContrast(t *testing.T) {
	en := start(t, display.Opts{})
	ctx := browsertest.New(t, browsertest.Opts{})
	en.issue("A", 4)
	for i, page := range []struct {
		path, selector string
		w, h           int
	}{
		{"/display?sound=0", "#latest, .tile", 1920, 1080},
		{"/display?sound=0", "#latest, .tile", 1080, 1920},
		{"/display?counter=1", "#counterview", 1280, 720},
	} {
		if err := chromedp.Do(ctx, browsertest.Viewport(page.w, page.h), chromedp.Navigate(en.srv.URL+page.path),
			browsertest.WaitTrue(`!!(window.motcuaLobby.state.board && window.motcuaLobby.state.board.seq !== null)`)); err != nil {
			t.Fatal(err)
		}
		en.next("1")
		want := fmt.Sprintf("A%03d", i+1)
		if err := chromedp.Do(ctx, browsertest.WaitTrue(fmt.Sprintf(`[...document.querySelectorAll(".flash")].some((e) => e.textContent.includes(%q))`, want))); err != nil {
			t.Fatalf("%s %dx%d: no flash for %s: %v", page.path, page.w, page.h, want, err)
		}
		got, err := browsertest.Eval[string](ctx, contrastJS+fmt.Sprintf("(%q)", page.selector))
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			Steps int
			Worst struct {
				Ratio           float64
				At              float64
				Text, Color, Bg string
			}
		}
		if err := json.Unmarshal([]byte(got), &res); err != nil {
			t.Fatal(err)
		}
		if res.Steps < 50 {
			t.Fatalf("%s %dx%d: only %d animation steps measured: %s", page.path, page.w, page.h, res.Steps, got)
		}
		if res.Worst.Ratio < 4.5 {
			t.Errorf("%s %dx%d: contrast %.2f:1 at %.0f ms of the flash (%q, %s on %s), want at least 4.5:1",
				page.path, page.w, page.h, res.Worst.Ratio, res.Worst.At, res.Worst.Text, res.Worst.Color, res.Worst.Bg)
		}
	}
}

// inView is a JavaScript test that the element matching a selector is shown
// whole: not hidden, inside the window and inside its tile when it has one.
func inView(selector string) string {
	return fmt.Sprintf(`(() => {
  const e = document.querySelector(%q);
  if (!e || e.closest("[hidden]")) return false;
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
  const box = e.closest(".tile");
  if (!box) return true;
  const b = box.getBoundingClientRect();
  return r.top >= b.top && r.bottom <= b.bottom && r.left >= b.left && r.right <= b.right;
})()`, selector)
}

// TestBrowserPriorityShown: a priority ticket keeps its mark after issue.
// A001 and A002 wait, then A003 is taken as a priority number and called
// first: the lobby (landscape and portrait) marks it on the counter's tile,
// in the large call with the reason, and in the last calls; the counter's
// own screen marks it; the waiting line counts the priority number still
// waiting (A004); the phone of A001 says why A003 came first and that a
// priority number waits ahead, the phone of A004 marks its own number.
func TestBrowserPriorityShown(t *testing.T) {
	en := start(t, display.Opts{})
	mux := http.NewServeMux()
	mux.Handle("/", en.hub.Handler())
	mux.HandleFunc("GET /api/v1/tickets/{id}", ticketAPI(en.e))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t, browsertest.Opts{})
	bg := context.Background()
	plain := en.issue("A", 2)
	for range 2 {
		if _, err := en.e.Issue(bg, queue.IssueRequest{Service: "A", Priority: true}); err != nil {
			t.Fatal(err)
		}
	}
	called := en.next("1")
	if called.Number != "A003" || !called.Priority {
		t.Fatalf("counter 1 called %s (priority %v), want the priority A003", called.Number, called.Priority)
	}
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			body, _ := browsertest.Eval[string](ctx, `document.body.innerText`)
			t.Fatalf("%s: %v; the page says:\n%s", what, err, body)
		}
	}
	for _, size := range [][2]int{{1920, 1080}, {1080, 1920}} {
		what := fmt.Sprintf("lobby %dx%d", size[0], size[1])
		run(what, browsertest.Viewport(size[0], size[1]), chromedp.Navigate(srv.URL+"/display?sound=0"),
			browsertest.WaitText(`.tile[data-counter="1"] .num`, "A003"),
			browsertest.WaitText(`.tile[data-counter="1"] .prio`, "Ưu tiên"),
			browsertest.WaitTrue(inView(`.tile[data-counter="1"] .prio`)),
			browsertest.WaitTrue(`!document.querySelector('.tile[data-counter="2"] .prio')`),
			browsertest.WaitText("#latest-ticket", "A003"),
			browsertest.WaitTrue(inView("#latest-priority")),
			browsertest.WaitTrue(inView("#latest-why")),
			browsertest.WaitText("#recent li:first-child .prio", "Ưu tiên"),
			browsertest.WaitTrue(`document.getElementById("waiting").textContent.includes("Hộ tịch (A): 3") && document.getElementById("waiting").textContent.includes("1 ưu tiên")`))
	}
	// A plain call next: the large call loses the mark, the list keeps it.
	if n := en.next("2"); n.Number != "A004" {
		t.Fatalf("counter 2 called %s, want the priority A004", n.Number)
	}
	en.next("2") // A001 now
	run("lobby after a plain call", browsertest.WaitText("#latest-ticket", "A001"),
		browsertest.WaitTrue(`document.getElementById("latest-priority").hidden && document.getElementById("latest-why").hidden`),
		browsertest.WaitTrue(`!document.querySelector("#recent li:first-child .prio")`),
		browsertest.WaitText("#recent li:nth-child(2) .prio", "Ưu tiên"),
		browsertest.WaitTrue(`!document.getElementById("waiting").textContent.includes("ưu tiên")`))

	run("counter screen", browsertest.Viewport(1280, 720), chromedp.Navigate(srv.URL+"/display?counter=1"),
		browsertest.WaitText("#cv-ticket", "A003"), browsertest.WaitTrue(inView("#cv-priority")))
	run("counter screen of a plain ticket", chromedp.Navigate(srv.URL+"/display?counter=2"),
		browsertest.WaitText("#cv-ticket", "A001"), browsertest.WaitTrue(`document.getElementById("cv-priority").hidden`))

	// The phone of A002, waiting behind a priority number, then passed by it.
	late, err := en.e.Issue(bg, queue.IssueRequest{Service: "A", Priority: true})
	if err != nil {
		t.Fatal(err)
	}
	run("phone of A002", browsertest.Viewport(390, 844), chromedp.Navigate(srv.URL+"/t/"+plain[1].ID),
		browsertest.WaitText("#number", "A002"), browsertest.WaitTrue(`document.getElementById("priority").hidden`),
		browsertest.WaitTrue(inView("#why")),
		browsertest.WaitTrue(`document.getElementById("why").textContent.includes("có 1 số ưu tiên")`))
	en.next("1") // A005, the priority one, passes A002
	run("phone of A002 after the priority call",
		browsertest.WaitTrue(`document.getElementById("now-serving").textContent.startsWith("A005")`),
		browsertest.WaitTrue(`document.getElementById("why").textContent.includes("A005 là số ưu tiên (người cao tuổi, người khuyết tật, phụ nữ mang thai…) nên được gọi trước.")`),
		browsertest.WaitTrue(`!document.getElementById("why").textContent.includes("số ưu tiên, được gọi trước các số thường")`),
		browsertest.WaitText("#now-serving .prio", "Ưu tiên"))
	run("phone of the priority A005", chromedp.Navigate(srv.URL+"/t/"+late.ID),
		browsertest.WaitText("#number", "A005"), browsertest.WaitTrue(inView("#priority")))
}

// announcement is one call as the lobby said it (window.motcuaLobby.announced).
type announcement struct {
	Ticket, Counter, How, URL, Say string
	Together, Part                 int
	WaitedMS                       int `json:"waited_ms"`
}

// TestBrowserCallsMadeTogetherAreSaidTogether: a lone call is said as it
// always was (its own announcement, the same sentence and sound); four
// calls made within 0.1 s are said in one announcement that names each
// call's field, and the last is heard within 10 s of its call: the wait
// the page gave it before saying them plus where its part starts in the
// sound the server made (measured on that sound, not on the clock).
func TestBrowserCallsMadeTogetherAreSaidTogether(t *testing.T) {
	sp, err := voice.New(voice.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	if !sp.Available() {
		t.Skip("espeak-ng is not installed (apt-get install espeak-ng)")
	}
	en := start(t, display.Opts{Voice: sp})
	ctx := browsertest.New(t, browsertest.Opts{Autoplay: true})
	if err := chromedp.Do(ctx, chromedp.Navigate(en.srv.URL+"/display"),
		browsertest.WaitTrue(`document.querySelectorAll("#counters .tile").length === 4`)); err != nil {
		t.Fatal(err)
	}
	en.issue("A", 3)
	en.issue("B", 1)
	en.issue("C", 1)
	said := func(n int) []announcement {
		t.Helper()
		if err := chromedp.Do(ctx, browsertest.WaitTrue(fmt.Sprintf(`window.motcuaLobby.announced.length >= %d`, n))); err != nil {
			t.Fatalf("waiting for %d announced calls: %v", n, err)
		}
		got, err := browsertest.Eval[[]announcement](ctx, `window.motcuaLobby.announced`)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	fetch := func(url string) (*http.Response, []byte) {
		t.Helper()
		resp, err := http.Get(en.srv.URL + url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
		}
		return resp, b
	}

	// A lone call: as before.
	en.next("1")
	lone := said(1)[0]
	if lone.Ticket != "A001" || lone.Together != 1 || lone.How != "server" ||
		lone.URL != "/display/voice?ticket=A001&counter=1" || lone.Say != "Mời công dân có số, a, không, không, một, đến quầy số một." {
		t.Fatalf("a lone call was said as %+v", lone)
	}
	want, err := sp.Announce(context.Background(), "A001", "1", "Quầy 1")
	if err != nil {
		t.Fatal(err)
	}
	if _, got := fetch(lone.URL); !bytes.Equal(got, want) {
		t.Error("a lone call's sound is not the one announcement of one call")
	}

	// Four counters call at once.
	for _, c := range []string{"1", "2", "3", "4"} {
		en.next(c)
	}
	all := said(5)
	four := all[1:]
	fields := map[string]string{"A002": "Hộ tịch", "A003": "Hộ tịch", "B001": "Đất đai", "C001": "Tư pháp"}
	for i, a := range four {
		if a.Together != 4 || a.Part != i || a.URL != four[0].URL || a.How != "server" {
			t.Fatalf("four calls made together were said as %+v", four)
		}
		if f := fields[a.Ticket]; f == "" || !strings.Contains(a.Say, f) {
			t.Errorf("%s was said %q, which does not name its field %q", a.Ticket, a.Say, f)
		}
	}
	resp, wav := fetch(four[0].URL)
	var parts []time.Duration
	for _, ms := range strings.Split(resp.Header.Get("Voice-Parts"), ",") {
		n, err := strconv.Atoi(ms)
		if err != nil {
			t.Fatalf("Voice-Parts %q", resp.Header.Get("Voice-Parts"))
		}
		parts = append(parts, time.Duration(n)*time.Millisecond)
	}
	p, err := voice.ParseWAV(wav)
	if err != nil || len(parts) != 4 {
		t.Fatalf("the announcement of four: %v, parts %v", err, parts)
	}
	last := four[3]
	heard := time.Duration(last.WaitedMS)*time.Millisecond + parts[3]
	t.Logf("four calls: one announcement of %v, parts at %v; %s waited %d ms, heard after %v", p.Duration(), parts, last.Ticket, last.WaitedMS, heard)
	if heard > 10*time.Second {
		t.Errorf("%s, the last of four calls made together, is heard %v after its call, want within 10 s", last.Ticket, heard)
	}
}
