package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/cmd/motcua/internal/config"
	"motcua/display/browsertest"
	"motcua/kiosk/dossier/registry"
	"motcua/queue"
)

// center is a motcua service running in this process with everything serve
// wires (store, engine, file printers and spooler, dossier lookups, pages),
// behind an httptest server.
type center struct {
	url     string
	engine  *queue.Engine
	screens *screens
	data    string
	printer *filePrinter
	// receiptKey signs receipt URLs (DATA/receipt.key), as the service does.
	receiptKey []byte
	requests   *requestLog
	hs         *httptest.Server
}

// requestLog counts the requests the center answered, per "METHOD /path";
// while down it answers none, closing each connection as an unplugged
// network cable would.
type requestLog struct {
	mu   sync.Mutex
	n    map[string]int
	down bool
	// holds keeps "METHOD /path" requests waiting until its channel closes.
	holds map[string]chan struct{}
}

// hold keeps every req ("METHOD /path") waiting, once counted, until the
// returned function lets them go (at the latest when the test ends).
func (l *requestLog) hold(t *testing.T, req string) (release func()) {
	ch := make(chan struct{})
	l.mu.Lock()
	if l.holds == nil {
		l.holds = map[string]chan struct{}{}
	}
	l.holds[req] = ch
	l.mu.Unlock()
	var once sync.Once
	release = func() {
		once.Do(func() {
			l.mu.Lock()
			delete(l.holds, req)
			l.mu.Unlock()
			close(ch)
		})
	}
	t.Cleanup(release)
	return release
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		if l.down {
			l.mu.Unlock()
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		l.n[r.Method+" "+r.URL.Path]++
		held := l.holds[r.Method+" "+r.URL.Path]
		l.mu.Unlock()
		if held != nil {
			<-held
		}
		h.ServeHTTP(w, r)
	})
}

// setDown cuts the center off its pages (down) or mends the link: while
// cut, every request and open socket is dropped without an answer.
func (c *center) setDown(down bool) {
	c.requests.mu.Lock()
	c.requests.down = down
	c.requests.mu.Unlock()
	if down {
		c.hs.CloseClientConnections()
	}
}

// count is how many "METHOD /path" requests the center answered so far.
func (l *requestLog) count(req string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n[req]
}

// filePrinter breaks and mends the demo's file printers: with their folder
// turned into a plain file, every write fails as an unplugged printer's would.
type filePrinter struct{ dir string }

func (p *filePrinter) setFail(fail bool) {
	os.RemoveAll(p.dir)
	if fail {
		os.WriteFile(p.dir, []byte("not a folder"), 0o600)
	} else {
		os.MkdirAll(p.dir, 0o755)
	}
}

// startCenter serves configs/demo.yaml from a fresh data directory, with a
// ticket given up after 2 s of failed printing; seedDossier records a dossier
// received five days ago, due in ten; edits change the config's text first.
func startCenter(t *testing.T, seedDossier bool, edits ...func(yaml string) string) *center {
	t.Helper()
	return startCenterWith(t, serviceOpts{}, seedDossier, edits...)
}

// startCenterWith is startCenter with o (its log is discarded).
func startCenterWith(t *testing.T, o serviceOpts, seedDossier bool, edits ...func(yaml string) string) *center {
	t.Helper()
	data, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	yaml := strings.Replace(string(data), "procedures: procedures.sample.yaml", "procedures: "+mustAbs(t, "../../configs/procedures.sample.yaml"), 1)
	yaml += "\nprinting: {ticket_timeout: 2s}\n"
	for _, e := range edits {
		yaml = e(yaml)
	}
	path := filepath.Join(dir, "center.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = filepath.Join(dir, "data")
	ctx := context.Background()
	o.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := openService(ctx, cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	if seedDossier {
		reg := svc.registry
		err := reg.Record(ctx, registry.ReceiptInfo{Code: "000.00.14.H56-200203-0118",
			Procedure: "Cấp giấy phép xây dựng nhà ở riêng lẻ", Applicant: "Nguyễn Văn An", Unit: "Phòng Quản lý đô thị",
			ReceivedAt: time.Now().AddDate(0, 0, -5), DueAt: time.Now().AddDate(0, 0, 10)})
		if err != nil {
			t.Fatal(err)
		}
		if err := reg.UpdateStatus(ctx, registry.StatusUpdate{Code: "000.00.14.H56-200203-0118", Status: 4, Unit: "Phòng Quản lý đô thị"}); err != nil {
			t.Fatal(err)
		}
	}
	key, err := os.ReadFile(filepath.Join(cfg.DataDir, "receipt.key"))
	if err != nil {
		t.Fatalf("the service keeps its receipt key in DATA/receipt.key: %v", err)
	}
	log := &requestLog{n: map[string]int{}}
	hs := httptest.NewServer(log.wrap(svc.handler))
	t.Cleanup(func() { hs.Close(); svc.close() })
	return &center{url: hs.URL, engine: svc.engine, screens: svc.screens, data: cfg.DataDir,
		printer: &filePrinter{dir: filepath.Join(cfg.DataDir, "prints")}, receiptKey: key, requests: log, hs: hs}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// browser starts headless Chromium in Vietnamese (display/browsertest),
// or skips the test when it is absent.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.New(t, browsertest.Opts{Width: 1366, Height: 768, Lang: "vi-VN", Timeout: 8 * time.Minute})
}

// tab opens a new tab of the browser at w×h.
func tab(t *testing.T, b context.Context, w, h int) context.Context {
	t.Helper()
	return browsertest.Tab(t, b, w, h)
}

// do runs steps with a time limit.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// eval returns the value of a JavaScript expression.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool]("!!("+js+")"))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
	t.Fatalf("waiting for %s (%s); the page says:\n%s", what, js, body)
}

// open navigates to a page and waits until its script is ready.
func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(url))
	waitFor(t, ctx, url+" ready", `document.body && document.body.dataset.ready === "1"`)
}

func visible(id string) string { return fmt.Sprintf(`!document.getElementById(%q).hidden`, id) }

// click taps an element like a finger (mouse events at its centre), as a
// person does: once the screen has settled (the kiosk ignores taps for a
// moment after its screen changes, body[data-tap-guard]).
func click(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	waitFor(t, ctx, "the screen to settle before tapping "+css, `!document.body || document.body.dataset.tapGuard !== "1"`)
	do(t, ctx, chromedp.Click(chromedp.CSS(css)))
}

func login(t *testing.T, ctx context.Context, user string) {
	t.Helper()
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#username"), user),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo"),
		chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
}
