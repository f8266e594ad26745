package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/httppipe"
	"motcua/kiosk/dossier"
)

const code = "000.00.14.H56-200203-0118"

// fakeSystem is a national-portal style main system: /login and /lookup.
type fakeSystem struct {
	mode     atomic.Value // "ok", "slow", "garbage", "error500", "expired-once"
	logins   atomic.Int32
	lookups  atomic.Int32
	sessions atomic.Int32
	url      string       // where it answers
	client   *http.Client // nil: the default one
	down     func()       // unplugs it
}

// newFakeSystem serves the fake on a loopback socket.
func newFakeSystem(t *testing.T) *fakeSystem {
	f := &fakeSystem{}
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	f.url, f.down = srv.URL, srv.Close
	return f
}

// newPipeSystem serves the fake over in-memory pipes, for tests that time
// the client in a synctest bubble (call it inside the bubble).
func newPipeSystem(t *testing.T) *fakeSystem {
	f := &fakeSystem{}
	srv := httppipe.New(f.handler())
	t.Cleanup(srv.Close)
	f.url, f.client, f.down = "http://main.test", srv.Client(), func() { srv.SetDown(true) }
	return f
}

func (f *fakeSystem) handler() http.Handler {
	f.mode.Store("ok")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		f.logins.Add(1)
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		if in["username"] != "motcua" || in["password"] != "bí mật" {
			json.NewEncoder(w).Encode(map[string]any{"error_code": 1})
			return
		}
		n := f.sessions.Add(1)
		json.NewEncoder(w).Encode(map[string]any{"error_code": 0, "session": "s" + string(rune('0'+n))})
	})
	mux.HandleFunc("POST /lookup", func(w http.ResponseWriter, r *http.Request) {
		f.lookups.Add(1)
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		switch f.mode.Load().(string) {
		case "slow":
			select {
			case <-time.After(10 * time.Second):
			case <-r.Context().Done():
			}
			return
		case "garbage":
			w.Write([]byte("<html>502 Bad Gateway</html>\x00\xff"))
			return
		case "error500":
			w.WriteHeader(http.StatusInternalServerError)
			return
		case "expired-once":
			if in["session"] == "s1" {
				json.NewEncoder(w).Encode(map[string]any{"error_code": -1, "message": "session expired"})
				return
			}
		}
		if in["service"] != "TraCuuHoSo" || in["madonvi"] != "000.00.14.H56" || in["session"] == "" {
			json.NewEncoder(w).Encode(map[string]any{"error_code": 2})
			return
		}
		if in["mahoso"] != code {
			json.NewEncoder(w).Encode(map[string]any{"error_code": 0, "result": []any{}})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"error_code": 0, "result": []any{map[string]any{
			"MaHoSo": code, "TenTTHC": "Đăng ký khai sinh", "ChuHoSo": "Nguyễn Thị Hoa",
			"NgayTiepNhan": "20200203083000", "NgayHenTra": "20200210170000",
			"TrangThaiHoSo": 4, "DonViXuLy": "Phòng Tư pháp",
		}}})
	})
	return mux
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newClient(t *testing.T, f *fakeSystem, clk *clocktest.Fake, change func(*Opts)) *Client {
	t.Helper()
	o := TraCuuHoSo(f.url+"/login", f.url+"/lookup", "motcua", "bí mật", "000.00.14.H56")
	o.HTTPClient = f.client
	o.Clock = clk
	o.Logger = quiet()
	o.Timeout = 300 * time.Millisecond
	if change != nil {
		change(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newClock() *clocktest.Fake {
	return clocktest.New(time.Date(2024, 5, 10, 9, 0, 0, 0, dossier.Zone()))
}

func TestLookupTraCuuHoSo(t *testing.T) {
	f := newFakeSystem(t)
	c := newClient(t, f, newClock(), nil)
	d, err := c.Lookup(context.Background(), "000.00.14.h56-200203-0118")
	if err != nil {
		t.Fatal(err)
	}
	z := dossier.Zone()
	if d.Code != code || d.Status != dossier.StatusProcessing || d.Procedure != "Đăng ký khai sinh" ||
		d.Applicant != "Nguyễn Thị Hoa" || d.Unit != "Phòng Tư pháp" ||
		!d.ReceivedAt.Equal(time.Date(2020, 2, 3, 8, 30, 0, 0, z)) || !d.DueAt.Equal(time.Date(2020, 2, 10, 17, 0, 0, 0, z)) {
		t.Fatalf("got %+v", d)
	}
	if _, err := c.Lookup(context.Background(), "000.00.14.H56-200203-9999"); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
	if n := f.logins.Load(); n != 1 {
		t.Fatalf("%d logins for two lookups, want the session reused", n)
	}
}

func TestSessionRenewedWhenRefused(t *testing.T) {
	f := newFakeSystem(t)
	f.mode.Store("expired-once")
	c := newClient(t, f, newClock(), nil)
	if _, err := c.Lookup(context.Background(), code); err != nil {
		t.Fatal(err)
	}
	if f.logins.Load() != 2 || f.lookups.Load() != 2 {
		t.Fatalf("logins=%d lookups=%d, want a second login and one retry", f.logins.Load(), f.lookups.Load())
	}
}

func TestSessionRenewedAfterTTL(t *testing.T) {
	f := newFakeSystem(t)
	clk := newClock()
	c := newClient(t, f, clk, func(o *Opts) { o.CacheTTL = -1; o.Auth.SessionTTL = time.Minute })
	c.Lookup(context.Background(), code)
	clk.Advance(30 * time.Second)
	c.Lookup(context.Background(), code)
	if f.logins.Load() != 1 {
		t.Fatalf("logins=%d within the TTL", f.logins.Load())
	}
	clk.Advance(31 * time.Second)
	c.Lookup(context.Background(), code)
	if f.logins.Load() != 2 {
		t.Fatalf("logins=%d after the TTL, want 2", f.logins.Load())
	}
}

func TestWrongPasswordIsUnavailable(t *testing.T) {
	f := newFakeSystem(t)
	c := newClient(t, f, newClock(), func(o *Opts) { o.Auth.Password = "sai" })
	_, err := c.Lookup(context.Background(), code)
	if !errors.Is(err, dossier.ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
}

// The slow system takes 10 s: the 300 ms timeout cuts it short; the others
// fail at once. Timed in a synctest bubble, so exactly.
func TestFailuresAnswerInTime(t *testing.T) {
	for _, tc := range []struct {
		mode   string
		within time.Duration
	}{{"slow", 300 * time.Millisecond}, {"garbage", 0}, {"error500", 0}, {"down", 0}} {
		t.Run(tc.mode, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newPipeSystem(t)
				c := newClient(t, f, newClock(), nil)
				if tc.mode == "down" {
					f.down()
				} else {
					f.mode.Store(tc.mode)
				}
				start := time.Now()
				_, err := c.Lookup(context.Background(), code)
				if !errors.Is(err, dossier.ErrUnavailable) || errors.Is(err, dossier.ErrNotFound) {
					t.Fatalf("err = %v, want ErrUnavailable", err)
				}
				if el := time.Since(start); el != tc.within {
					t.Fatalf("answered after %v, want %v", el, tc.within)
				}
			})
		})
	}
}

func TestDefaultTimeoutUnderThreeSeconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newPipeSystem(t)
		f.mode.Store("slow")
		c := newClient(t, f, newClock(), func(o *Opts) { o.Timeout = 0 })
		start := time.Now()
		_, err := c.Lookup(context.Background(), code)
		if !errors.Is(err, dossier.ErrUnavailable) {
			t.Fatalf("err = %v", err)
		}
		if el := time.Since(start); el != DefaultTimeout || el >= 3*time.Second {
			t.Fatalf("answered after %v, want %v (under 3 s)", el, DefaultTimeout)
		}
	})
}

func TestBreakerOpensAndCloses(t *testing.T) {
	f := newFakeSystem(t)
	f.mode.Store("error500")
	clk := newClock()
	c := newClient(t, f, clk, func(o *Opts) { o.BreakerFailures = 3; o.BreakerCooldown = 10 * time.Second })
	ctx := context.Background()
	for i := range 3 {
		if _, err := c.Lookup(ctx, code); !errors.Is(err, dossier.ErrUnavailable) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if c.Breaker() != BreakerOpen {
		t.Fatalf("after 3 failures the breaker is %v", c.Breaker())
	}
	before := f.lookups.Load()
	f.mode.Store("ok")
	if _, err := c.Lookup(ctx, code); !errors.Is(err, dossier.ErrUnavailable) {
		t.Fatalf("open breaker: %v", err)
	}
	if f.lookups.Load() != before {
		t.Fatal("an open breaker must not call the system")
	}
	clk.Advance(9 * time.Second)
	c.Lookup(ctx, code)
	if f.lookups.Load() != before {
		t.Fatal("called the system before the cool-down ended")
	}
	// After the cool-down a failing probe opens it again for a new cool-down.
	clk.Advance(2 * time.Second)
	f.mode.Store("garbage")
	if _, err := c.Lookup(ctx, code); !errors.Is(err, dossier.ErrUnavailable) || f.lookups.Load() != before+1 {
		t.Fatalf("probe: err=%v lookups=%d", err, f.lookups.Load()-before)
	}
	if c.Breaker() != BreakerOpen {
		t.Fatalf("after a failed probe the breaker is %v", c.Breaker())
	}
	clk.Advance(10 * time.Second)
	f.mode.Store("ok")
	if _, err := c.Lookup(ctx, code); err != nil {
		t.Fatalf("successful probe: %v", err)
	}
	if c.Breaker() != BreakerClosed {
		t.Fatalf("after a successful probe the breaker is %v", c.Breaker())
	}
}

func TestHalfOpenLetsOneProbeThrough(t *testing.T) {
	clk := newClock()
	b := breaker{threshold: 1, cooldown: time.Second, now: clk.Now}
	if !b.allow() {
		t.Fatal("closed must allow")
	}
	b.done(failure)
	if b.allow() {
		t.Fatal("open must refuse")
	}
	clk.Advance(time.Second)
	if !b.allow() {
		t.Fatal("after the cool-down one probe goes through")
	}
	if b.allow() {
		t.Fatal("a second request during the probe must be refused")
	}
	b.done(ignored)
	if !b.allow() {
		t.Fatal("an abandoned probe frees the slot")
	}
	b.done(success)
	if b.current() != BreakerClosed {
		t.Fatal("success closes")
	}
}

func TestCallerGivingUpDoesNotCount(t *testing.T) {
	f := newFakeSystem(t)
	f.mode.Store("slow")
	c := newClient(t, f, newClock(), func(o *Opts) { o.BreakerFailures = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	c.Lookup(ctx, code)
	if c.Breaker() != BreakerClosed {
		t.Fatal("a kiosk that gave up must not open the breaker")
	}
}

func TestCache(t *testing.T) {
	f := newFakeSystem(t)
	clk := newClock()
	c := newClient(t, f, clk, func(o *Opts) { o.CacheTTL = time.Minute; o.NotFoundTTL = 10 * time.Second })
	ctx := context.Background()
	other := "000.00.14.H56-200203-9999"
	for range 3 {
		if _, err := c.Lookup(ctx, code); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Lookup(ctx, other); !errors.Is(err, dossier.ErrNotFound) {
			t.Fatal(err)
		}
	}
	if n := f.lookups.Load(); n != 2 {
		t.Fatalf("%d calls, want 2 (one per code)", n)
	}
	clk.Advance(11 * time.Second)
	c.Lookup(ctx, code)
	c.Lookup(ctx, other)
	if n := f.lookups.Load(); n != 3 {
		t.Fatalf("%d calls, want the not-found entry expired and the dossier still cached", n)
	}
	clk.Advance(time.Minute)
	c.Lookup(ctx, code)
	if n := f.lookups.Load(); n != 4 {
		t.Fatalf("%d calls after the TTL", n)
	}
	// Failures are not cached.
	f.mode.Store("error500")
	clk.Advance(time.Hour)
	c.Lookup(ctx, code)
	f.mode.Store("ok")
	if _, err := c.Lookup(ctx, code); err != nil {
		t.Fatalf("a failure was cached: %v", err)
	}
}

func TestCacheSizeBounded(t *testing.T) {
	clk := newClock()
	ca := cache{ttl: time.Minute, negTTL: time.Minute, max: 3, now: clk.Now, entries: map[string]cacheEntry{}}
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		ca.put(k, dossier.Dossier{Code: k}, false)
	}
	if len(ca.entries) > 3 {
		t.Fatalf("%d entries, max 3", len(ca.entries))
	}
	if _, _, ok := ca.get("e"); !ok {
		t.Fatal("the newest entry must be kept")
	}
}

func TestBearerGETWithStatusValuesAndHistory(t *testing.T) {
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		if r.URL.Path != "/api/hoso/"+code {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"data":{"ma":"` + code + `","trang_thai":"DANG_XU_LY","thu_tuc":"Khai sinh",
			"nguoi_nop":{"ho_ten":"Nguyễn Thị Hoa"},"han":"2020-02-10T17:00:00+07:00",
			"qua_trinh":[{"luc":"2020-02-03T08:30:00+07:00","tt":"TIEP_NHAN","don_vi":"Một cửa"},
			             {"luc":"2020-02-04T08:00:00+07:00","tt":"DANG_XU_LY","don_vi":"Tư pháp"}]}}`))
	}))
	defer srv.Close()
	c, err := New(Opts{
		Request: Request{URL: srv.URL + "/api/hoso/{code}"},
		Auth:    Auth{Kind: AuthBearer, Token: "t0k"},
		Mapping: Mapping{Records: "data", Code: "ma", Status: "trang_thai", Procedure: "thu_tuc",
			Applicant: "nguoi_nop.ho_ten", DueAt: "han", History: "qua_trinh", HistoryAt: "luc",
			HistoryStatus: "tt", HistoryUnit: "don_vi",
			StatusValues: map[string]int{"TIEP_NHAN": 2, "dang_xu_ly": 4}},
		Logger: quiet(),
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Lookup(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer t0k" || d.Status != 4 || d.Applicant != "Nguyễn Thị Hoa" || len(d.History) != 2 ||
		d.History[0].Status != 2 || d.History[1].Unit != "Tư pháp" {
		t.Fatalf("auth=%q dossier=%+v", auth, d)
	}
	if _, err := c.Lookup(context.Background(), "000.00.14.H56-200203-0001"); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("HTTP 404: %v", err)
	}
}

func TestNewRefusesBadOpts(t *testing.T) {
	for name, o := range map[string]Opts{
		"no url":         {Mapping: Mapping{Status: "s"}},
		"bad url":        {Request: Request{URL: "ftp://x"}, Mapping: Mapping{Status: "s"}},
		"no status":      {Request: Request{URL: "http://x"}},
		"bearer":         {Request: Request{URL: "http://x"}, Auth: Auth{Kind: AuthBearer}, Mapping: Mapping{Status: "s"}},
		"session":        {Request: Request{URL: "http://x"}, Auth: Auth{Kind: AuthSession}, Mapping: Mapping{Status: "s"}},
		"kind":           {Request: Request{URL: "http://x"}, Auth: Auth{Kind: "oauth"}, Mapping: Mapping{Status: "s"}},
		"method":         {Request: Request{URL: "http://x", Method: "PUT"}, Mapping: Mapping{Status: "s"}},
		"status values ": {Request: Request{URL: "http://x"}, Mapping: Mapping{Status: "s", StatusValues: map[string]int{"X": 11}}},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
