package lookup

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/internal/httppipe"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/dossier/upstream"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// capture is a logger whose output the test can read.
type capture struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

func (c *capture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

const base = "https://motcua.example.gov.vn"

func newRegistry(t testing.TB, clk *clocktest.Fake) *registry.Registry {
	t.Helper()
	db, err := database.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r, err := registry.Open(context.Background(), db, registry.Opts{Clock: clk, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newService(t testing.TB, src dossier.Source, clk *clocktest.Fake, lim *RateLimiter, log *slog.Logger) *Service {
	t.Helper()
	if log == nil {
		log = quiet()
	}
	s, err := New(Opts{Parser: newParser(t, base), Source: src, Limiter: lim, Clock: clk, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestResolveFromRegistry(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2020, 2, 11, 9, 0, 0, 0, dossier.Zone()))
	reg := newRegistry(t, clk)
	if err := reg.Record(ctx, registry.ReceiptInfo{Code: code, Procedure: "Đăng ký khai sinh", Applicant: "Nguyễn Thị Hoa",
		ReceivedAt: time.Date(2020, 2, 3, 8, 30, 0, 0, dossier.Zone()), DueAt: time.Date(2020, 2, 10, 17, 0, 0, 0, dossier.Zone())}); err != nil {
		t.Fatal(err)
	}
	var logs capture
	s := newService(t, reg, clk, nil, slog.New(slog.NewTextHandler(&logs, nil)))

	res, err := s.Resolve(ctx, "k1", code+"\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != KindDossier || res.Verified || res.Dossier.Applicant != "N*** T*** H***" ||
		!res.Dossier.Overdue || res.Dossier.StatusLabel != "Được tiếp nhận" {
		t.Fatalf("bare code: %+v %+v", res, res.Dossier)
	}
	res, err = s.Resolve(ctx, "k1", "]Q1"+Sign(base+"/h/", secret, code))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Verified || res.Dossier.Applicant != "Nguyễn Thị Hoa" {
		t.Fatalf("signed QR: %+v %+v", res, res.Dossier)
	}
	b, _ := json.Marshal(res)
	if !strings.Contains(string(b), `"kind":"dossier"`) || !strings.Contains(string(b), `"received_at":"2020-02-03T08:30:00+07:00"`) {
		t.Fatalf("JSON %s", b)
	}
	if strings.Contains(logs.String(), "Nguyễn") || strings.Contains(logs.String(), "Hoa") {
		t.Fatalf("a name reached the logs:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), code) {
		t.Fatalf("the code should be logged:\n%s", logs.String())
	}
}

func TestResolveRefusals(t *testing.T) {
	clk := clocktest.New(time.Now())
	s := newService(t, newRegistry(t, clk), clk, nil, nil)
	idCard := "001099012345|123456789|Nguyễn Thị Hoa|01011990"
	for _, tc := range []struct {
		name, payload string
		want          error
	}{
		{"unknown code", "000.00.14.H56-200203-9999", ErrNotFound},
		{"not ours", idCard, ErrNotOurReceipt},
		{"forged", strings.Replace(Sign(base+"/h/", secret, code), "0118", "0119", 1), ErrBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Resolve(context.Background(), "k1", tc.payload); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	res, err := s.Resolve(context.Background(), "k1", base+"/t/T42")
	if err != nil || res.Kind != KindTicket || res.Ticket != "T42" || res.Dossier != nil {
		t.Fatalf("ticket: %+v %v", res, err)
	}
}

func TestLookupByCode(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Now())
	reg := newRegistry(t, clk)
	reg.Record(ctx, registry.ReceiptInfo{Code: code, Procedure: "P", Applicant: "Trần Văn Nam"})
	s := newService(t, reg, clk, nil, nil)
	if d, err := s.Lookup(ctx, "k1", strings.ToLower(code), ""); err != nil || d.Applicant != "T*** V*** N***" {
		t.Fatalf("%+v %v", d, err)
	}
	if d, err := s.Lookup(ctx, "k1", code, Signature(secret, code)); err != nil || d.Applicant != "Trần Văn Nam" {
		t.Fatalf("signed: %+v %v", d, err)
	}
	if _, err := s.Lookup(ctx, "k1", code, "AAAAAAAAAAAAAAAAAAAAAA"); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("bad sig: %v", err)
	}
	if _, err := s.Lookup(ctx, "k1", "abc", ""); !errors.Is(err, ErrInvalidCode) {
		t.Fatalf("invalid: %v", err)
	}
}

func TestRateLimitPerKiosk(t *testing.T) {
	clk := clocktest.New(time.Now())
	lim := NewRateLimiter(RateOpts{PerMinute: 6, Burst: 2, Clock: clk})
	s := newService(t, newRegistry(t, clk), clk, lim, nil)
	ctx := context.Background()
	for range 2 {
		if _, err := s.Resolve(ctx, "k1", code); errors.Is(err, ErrRateLimited) {
			t.Fatal("within the burst")
		}
	}
	_, err := s.Resolve(ctx, "k1", code)
	var rl *RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) || rl.RetryAfter != 10*time.Second {
		t.Fatalf("third lookup: %v, want rate limited, retry after 10 s", err)
	}
	if _, err := s.Resolve(ctx, "k2", code); errors.Is(err, ErrRateLimited) {
		t.Fatal("another kiosk has its own bucket")
	}
	clk.Advance(10 * time.Second)
	if _, err := s.Resolve(ctx, "k1", code); errors.Is(err, ErrRateLimited) {
		t.Fatal("a token is back after 10 s")
	}
}

func TestRateLimiterForgetsKeys(t *testing.T) {
	clk := clocktest.New(time.Now())
	lim := NewRateLimiter(RateOpts{PerMinute: 60, Burst: 1, MaxKeys: 3, Clock: clk})
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		lim.Allow(k)
	}
	if len(lim.buckets) > 3 {
		t.Fatalf("%d buckets, max 3", len(lim.buckets))
	}
}

// stuckSource ignores its context.
type stuckSource struct{ release chan struct{} }

func (s stuckSource) Lookup(context.Context, string) (dossier.Dossier, error) {
	<-s.release
	return dossier.Dossier{}, nil
}

func TestServiceTimeoutEvenIfSourceIgnoresContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := stuckSource{release: make(chan struct{})}
		defer close(src.release)
		clk := clocktest.New(time.Now())
		s, err := New(Opts{Parser: newParser(t, base), Source: src, Timeout: 100 * time.Millisecond, Logger: quiet(), Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = s.Resolve(context.Background(), "k1", code)
		if el := time.Since(start); !errors.Is(err, ErrUnavailable) || el != 100*time.Millisecond {
			t.Fatalf("err %v after %v, want ErrUnavailable after exactly 100ms", err, el)
		}
	})
}

// mainSystem is a national-portal style main one-stop system whose behaviour
// the test switches: ok, slow (10 s), garbage, down.
type mainSystem struct {
	mu   sync.Mutex
	mode string
	srv  *httppipe.Server
}

func (m *mainSystem) set(mode string) {
	m.mu.Lock()
	m.mode = mode
	m.mu.Unlock()
}

func newMainSystem(t *testing.T) *mainSystem {
	m := &mainSystem{mode: "ok"}
	m.srv = httppipe.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		mode := m.mode
		m.mu.Unlock()
		if r.URL.Path == "/login" {
			w.Write([]byte(`{"error_code":0,"session":"abc"}`))
			return
		}
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in) // read first: then the server notices a client that gives up
		switch mode {
		case "slow":
			select {
			case <-time.After(10 * time.Second):
			case <-r.Context().Done():
			}
			return
		case "garbage":
			w.Write([]byte("\x1f\x8b garbage {{{"))
			return
		case "down":
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
			return
		}
		if in["mahoso"] != code {
			w.Write([]byte(`{"error_code":0,"result":[]}`))
			return
		}
		w.Write([]byte(`{"error_code":0,"result":[{"MaHoSo":"` + code + `","TenTTHC":"Đăng ký khai sinh",
			"ChuHoSo":"Nguyễn Thị Hoa","NgayTiepNhan":"20200203083000","NgayHenTra":"20200210170000",
			"TrangThaiHoSo":"4","DonViXuLy":"Phòng Tư pháp"}]}`))
	}))
	t.Cleanup(m.srv.Close)
	return m
}

// TestUpstreamAnswersWithinDeadline is the kiosk's view of a main system that
// answers, is slow, sends garbage and is down: each time the right error,
// always within 3 s, and the breaker opens then closes. It runs in a synctest
// bubble: the durations are exact and the 2.5 s timeout takes no real time.
func TestUpstreamAnswersWithinDeadline(t *testing.T) {
	synctest.Test(t, upstreamAnswersWithinDeadline)
}

func upstreamAnswersWithinDeadline(t *testing.T) {
	m := newMainSystem(t)
	clk := clocktest.New(time.Date(2020, 2, 5, 9, 0, 0, 0, dossier.Zone()))
	o := upstream.TraCuuHoSo("http://main.test/login", "http://main.test/lookup", "motcua", "x", "000.00.14.H56")
	o.Clock, o.Logger, o.HTTPClient = clk, quiet(), m.srv.Client()
	o.CacheTTL, o.NotFoundTTL = -1, -1 // every step must reach the system
	o.BreakerFailures, o.BreakerCooldown = 3, 30*time.Second
	up, err := upstream.New(o) // default timeout: the real 3 s promise
	if err != nil {
		t.Fatal(err)
	}
	s := newService(t, up, clk, nil, nil)
	ctx := context.Background()
	step := func(name, mode, payload string, want error, within time.Duration) {
		t.Helper()
		m.set(mode)
		start := time.Now()
		res, err := s.Resolve(ctx, "k1", payload)
		el := time.Since(start)
		if !errors.Is(err, want) || (want == nil && err != nil) {
			t.Fatalf("%s: %v, want %v", name, err, want)
		}
		if el != within {
			t.Fatalf("%s: answered after %v, want %v", name, el, within)
		}
		if err == nil && (res.Dossier.Status != 4 || res.Dossier.Applicant != "N*** T*** H***") {
			t.Fatalf("%s: %+v", name, res.Dossier)
		}
	}
	step("answers", "ok", code, nil, 0)
	step("not found", "ok", "000.00.14.H56-200203-0001", ErrNotFound, 0)
	step("slow", "slow", code, ErrUnavailable, upstream.DefaultTimeout) // under the 3 s promise
	step("garbage", "garbage", code, ErrUnavailable, 0)
	step("down", "down", code, ErrUnavailable, 0)
	if up.Breaker() != upstream.BreakerOpen {
		t.Fatalf("after 3 failures the breaker is %v", up.Breaker())
	}
	// Open: even a healthy system is not called; the answer is immediate.
	step("open", "ok", code, ErrUnavailable, 0)
	clk.Advance(31 * time.Second)
	step("probe", "ok", code, nil, 0)
	if up.Breaker() != upstream.BreakerClosed {
		t.Fatalf("after a good probe the breaker is %v", up.Breaker())
	}
}
