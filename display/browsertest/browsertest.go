// Package browsertest starts Debian's Chromium headless for tests that
// drive the service's pages with chromedp: the flags that let it run as
// root in a container without touching the internet, a fresh profile per
// test, a time limit, and the page's console and errors in the test log.
//
// A test calls New for the browser and its first tab, and Tab for more
// tabs (a kiosk, a console and a phone side by side); the browser stops when
// the test ends. Without /usr/bin/chromium the test is skipped with a
// message saying so. Contexts returned by New and Tab are for the calling
// test's goroutine; chromedp itself serialises actions on one tab.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ExecPath is where Debian installs Chromium.
const ExecPath = "/usr/bin/chromium"

// Opts configure the browser. Zero values take the defaults.
type Opts struct {
	Width, Height int           // the window; default 1920×1080
	Timeout       time.Duration // the whole test's browsing; default 90 s
	// Autoplay lets pages play sound without a touch, as a lobby screen
	// started in kiosk mode does.
	Autoplay bool
	// Lang is the browser's language (navigator.language and the
	// Accept-Language header), e.g. "vi-VN"; default Chromium's own.
	Lang string
	// FakeCamera is a .y4m or .mjpeg file Chromium plays as its camera,
	// with the page's request for it granted without asking (a kiosk's
	// camera in tests). Empty: no camera.
	FakeCamera string
}

// New starts Chromium and returns the context of its first tab.
func New(t testing.TB, o Opts) context.Context {
	t.Helper()
	if _, err := os.Stat(ExecPath); err != nil {
		t.Skipf("browsertest: %s is absent (apt-get install chromium); skipping the browser test", ExecPath)
	}
	if o.Width == 0 {
		o.Width, o.Height = 1920, 1080
	}
	if o.Timeout == 0 {
		o.Timeout = 90 * time.Second
	}
	flags := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ExecPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox, // root in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(o.Width, o.Height),
	}
	if o.Autoplay {
		flags = append(flags, chromedp.Flag("autoplay-policy", "no-user-gesture-required"))
	}
	if o.FakeCamera != "" {
		flags = append(flags, chromedp.Flag("use-fake-device-for-media-stream", true),
			chromedp.Flag("use-fake-ui-for-media-stream", true),
			chromedp.Flag("use-file-for-fake-video-capture", o.FakeCamera))
	}
	if o.Lang != "" {
		flags = append(flags, chromedp.Flag("lang", o.Lang), chromedp.Flag("accept-lang", o.Lang))
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), o.Timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, flags...)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	if err := chromedp.Do(bctx, Viewport(o.Width, o.Height)); err != nil {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
		t.Fatalf("browsertest: start %s: %v", ExecPath, err)
	}
	logged := logConsole(t, bctx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
		<-logged
	})
	return bctx
}

// Tab opens another tab of the browser New started, width×height CSS
// pixels, with its console in the test log too. It closes when the test
// ends.
func Tab(t testing.TB, browser context.Context, width, height int) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	if err := chromedp.Do(ctx, Viewport(width, height)); err != nil {
		cancel()
		t.Fatalf("browsertest: new tab: %v", err)
	}
	logged := logConsole(t, ctx)
	t.Cleanup(func() {
		cancel()
		<-logged
	})
	return ctx
}

// logConsole copies the tab's console to the test log, and fails the test
// on an uncaught error, until the tab closes (the returned channel).
func logConsole(t testing.TB, ctx context.Context) <-chan struct{} {
	console := chromedp.Console(ctx)
	logged := make(chan struct{})
	go func() {
		defer close(logged)
		for m, err := range console {
			if err != nil {
				return
			}
			if m.IsException() {
				t.Errorf("browser: %s", m)
			} else {
				t.Logf("browser: %s", m)
			}
		}
	}()
	return logged
}

// Viewport sets the page's size in CSS pixels, scale 1, in the orientation
// its sides give.
func Viewport(width, height int) chromedp.Action[chromedp.Void] {
	o := chromedp.EmulateLandscape
	if height > width {
		o = chromedp.EmulatePortrait
	}
	return chromedp.EmulateViewport(int64(width), int64(height), o)
}

// Screenshot saves the visible page as a PNG file.
func Screenshot(path string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		png, err := chromedp.CaptureScreenshot()(ctx, t)
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			return fmt.Errorf("browsertest: %w", err)
		}
		return nil
	})
}

// WaitText polls until the first element matching the CSS selector has
// exactly text (trimmed).
func WaitText(selector, text string) chromedp.Action[chromedp.Void] {
	return WaitTrue(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.trim() === %q; })()`, selector, text))
}

// WaitTrue polls until the JavaScript expression is true, for at most 20 s.
func WaitTrue(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second))
}

// Eval evaluates a JavaScript expression and decodes its value into T.
func Eval[T any](ctx context.Context, expr string) (T, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}
