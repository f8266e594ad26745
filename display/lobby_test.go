package display_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"motcua/display"
	"motcua/display/browsertest"
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
