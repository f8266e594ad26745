package fleet_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/pgtest"
	"motcua/kiosk/session"
	"motcua/province/fleet"
	"motcua/province/pgstore"
	"motcua/province/wire"
	"motcua/queue"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// demoHash is bcrypt("demo").
const demoHash = "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK"

type env struct {
	t      *testing.T
	db     *pgstore.DB
	f      *fleet.Fleet
	srv    *httptest.Server
	clk    *clocktest.Fake
	mu     sync.Mutex
	notice []string
}

func newEnv(t *testing.T) *env { return newEnvWith(t, nil) }

// newEnvWith is newEnv with its options changed by opt.
func newEnvWith(t *testing.T, opt func(*fleet.Opts)) *env {
	t.Helper()
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC))
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	e := &env{t: t, db: db, clk: clk}
	ict := time.FixedZone("ICT", 7*3600)
	o := fleet.Opts{DB: db, Province: "Tỉnh Thử", Location: ict,
		Centers: []fleet.Center{{ID: "c1", Name: "Xã Một"}, {ID: "c2", Name: "Xã Hai"}, {ID: "c3", Name: "Xã Ba"}},
		Staff: []fleet.Account{
			{Username: "quantri", Name: "Quản trị", Role: fleet.RoleProvinceAdmin, PasswordHash: demoHash},
			{Username: "giamdoc1", Name: "Giám đốc xã Một", Role: fleet.RoleManager, Centers: []string{"c1"}, PasswordHash: demoHash},
			{Username: "canbo", Name: "Cán bộ", Role: fleet.RoleClerk, Centers: []string{"c1"}, Counters: []string{"2"}, PasswordHash: demoHash},
			{Username: "cu", Name: "Đã nghỉ", Role: fleet.RoleProvinceAdmin, PasswordHash: demoHash, Disabled: true},
		},
		SessionSecret: []byte(strings.Repeat("s", 32)), OfflineAfter: time.Minute, AlertAfter: 15 * time.Minute,
		CheckConfig: func(b []byte) error {
			if strings.Contains(string(b), "bad") {
				return errors.New("config:3: counters[0].services[0]: unknown field \"Z\"")
			}
			return nil
		},
		Notify: func(center string, n wire.Notice) error {
			e.mu.Lock()
			e.notice = append(e.notice, center+":"+itoa(n.ConfigVersion))
			e.mu.Unlock()
			return nil
		},
		Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if opt != nil {
		opt(&o)
	}
	f, err := fleet.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Enroll(ctx); err != nil {
		t.Fatal(err)
	}
	e.f = f
	e.srv = httptest.NewServer(f.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// do sends a request with a bearer token and decodes a 2xx JSON answer.
func (e *env) do(method, path, token, ctype, body string, out any) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, string(raw)
}

func (e *env) login(user string) string {
	e.t.Helper()
	var out struct{ Token string }
	if code, body := e.do("POST", "/api/v1/auth/login", "", "application/json", `{"username":"`+user+`","password":"demo"}`, &out); code != 200 {
		e.t.Fatalf("login %s: %d %s", user, code, body)
	}
	return out.Token
}

func TestOnlyProvinceStaffSignIn(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		user, pass string
		want       int
		code       string
	}{
		{"quantri", "sai", 401, "invalid_credentials"},
		{"khongco", "demo", 401, "invalid_credentials"},
		{"cu", "demo", 401, "invalid_credentials"},
		{"canbo", "demo", 403, "forbidden"},
	}
	for _, tc := range cases {
		code, body := e.do("POST", "/api/v1/auth/login", "", "application/json", `{"username":"`+tc.user+`","password":"`+tc.pass+`"}`, nil)
		if code != tc.want || !strings.Contains(body, tc.code) {
			t.Errorf("%s/%s: %d %s, want %d %s", tc.user, tc.pass, code, body, tc.want, tc.code)
		}
	}
	if code, _ := e.do("GET", "/api/v1/centers", "", "", "", nil); code != 401 {
		t.Fatalf("centers without a sign-in: %d", code)
	}
	if code, _ := e.do("GET", "/api/v1/centers", "forged.token", "", "", nil); code != 401 {
		t.Fatalf("centers with a forged token: %d", code)
	}
	tok := e.login("quantri")
	if code, _ := e.do("GET", "/api/v1/centers", tok, "", "", nil); code != 200 {
		t.Fatalf("centers signed in: %d", code)
	}
	// A session ends with its time.
	e.clk.Advance(13 * time.Hour)
	if code, _ := e.do("GET", "/api/v1/centers", tok, "", "", nil); code != 401 {
		t.Fatalf("a session 13 h old: %d", code)
	}
}

func TestACookieChangeFromAnotherOriginIsRefused(t *testing.T) {
	e := newEnv(t)
	tok := e.login("quantri")
	put := func(origin string) int {
		req, _ := http.NewRequest("PUT", e.srv.URL+"/api/v1/centers/c1/config", strings.NewReader("center: {name: X}\n"))
		req.AddCookie(&http.Cookie{Name: "motcua_hub", Value: tok})
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := put("http://evil.example"); code != 403 {
		t.Fatalf("cross-origin PUT with the cookie: %d", code)
	}
	if code := put(e.srv.URL); code != 200 {
		t.Fatalf("same-origin PUT with the cookie: %d", code)
	}
}

func TestAManagerSeesOnlyTheirCenters(t *testing.T) {
	e := newEnv(t)
	tok := e.login("giamdoc1")
	var cs []struct{ ID string }
	e.do("GET", "/api/v1/centers", tok, "", "", &cs)
	if len(cs) != 1 || cs[0].ID != "c1" {
		t.Fatalf("manager of c1 sees %+v", cs)
	}
	for _, p := range []string{"/api/v1/centers/c2", "/api/v1/centers/c2/tickets", "/api/v1/centers/c2/configs"} {
		if code, _ := e.do("GET", p, tok, "", "", nil); code != 403 {
			t.Errorf("GET %s by the manager of c1: %d", p, code)
		}
	}
	if code, _ := e.do("PUT", "/api/v1/centers/c2/config", tok, "application/yaml", "center: {name: X}\n", nil); code != 403 {
		t.Fatalf("manager of c1 published to c2: %d", code)
	}
	if code, _ := e.do("GET", "/api/v1/centers/c9", tok, "", "", nil); code != 404 {
		t.Fatalf("unknown center: %d", code)
	}
}

func TestConfigVersionsArePublishedRefusedAndRolledBack(t *testing.T) {
	e := newEnv(t)
	tok := e.login("quantri")
	code, body := e.do("PUT", "/api/v1/centers/c1/config", tok, "application/yaml", "center: {name: bad}\n", nil)
	if code != 400 || !strings.Contains(body, `"invalid_config"`) || !strings.Contains(body, `config:3: counters[0].services[0]`) {
		t.Fatalf("bad config: %d %s", code, body)
	}
	if vs, _ := e.db.Versions(context.Background(), "c1"); len(vs) != 0 {
		t.Fatalf("a refused config was kept: %+v", vs)
	}
	var v struct{ Version int }
	for want := 1; want <= 2; want++ {
		if code, body := e.do("PUT", "/api/v1/centers/c1/config", tok, "application/yaml", "center: {name: V"+itoa(want)+"}\n", &v); code != 200 || v.Version != want {
			t.Fatalf("put %d: %d %s", want, code, body)
		}
	}
	b, err := e.f.HubStore().Bundle(context.Background(), "c1")
	if err != nil || b.ConfigVersion != 2 || !strings.Contains(b.Config, "V2") {
		t.Fatalf("bundle after 2 puts: %+v %v", b, err)
	}
	if code, body := e.do("POST", "/api/v1/centers/c1/config/publish", tok, "application/json", `{"version":1}`, nil); code != 200 {
		t.Fatalf("roll back: %d %s", code, body)
	}
	if b, _ := e.f.HubStore().Bundle(context.Background(), "c1"); b.ConfigVersion != 1 || !strings.Contains(b.Config, "V1") {
		t.Fatalf("bundle after roll back: %+v", b)
	}
	if code, _ := e.do("POST", "/api/v1/centers/c1/config/publish", tok, "application/json", `{"version":9}`, nil); code != 404 {
		t.Fatalf("publish a version that is not there: %d", code)
	}
	if code, body := e.do("GET", "/api/v1/centers/c1/configs/2", tok, "", "", nil); code != 200 || !strings.Contains(body, "V2") {
		t.Fatalf("read version 2: %d %s", code, body)
	}
	e.mu.Lock()
	got := strings.Join(e.notice, ",")
	e.mu.Unlock()
	if got != "c1:1,c1:2,c1:1" {
		t.Fatalf("notices %q", got)
	}
}

func TestTheBundleCarriesTheCentersAccounts(t *testing.T) {
	e := newEnv(t)
	b, err := e.f.HubStore().Bundle(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{}
	for _, a := range b.Accounts.List {
		roles[a.Username] = a.Role
		if a.Username == "canbo" && strings.Join(a.Counters, ",") != "2" {
			t.Errorf("clerk counters %v", a.Counters)
		}
		if a.Username == "cu" && !a.Disabled {
			t.Error("a disabled account published enabled")
		}
	}
	if roles["quantri"] != "admin" || roles["giamdoc1"] != "admin" || roles["canbo"] != "staff" {
		t.Fatalf("c1 accounts %v", roles)
	}
	b2, _ := e.f.HubStore().Bundle(context.Background(), "c2")
	for _, a := range b2.Accounts.List {
		if a.Username == "giamdoc1" || a.Username == "canbo" {
			t.Fatalf("c2 got %s, an account of c1", a.Username)
		}
	}
	if b.Accounts.Version == b2.Accounts.Version {
		t.Fatal("two different lists have the same version")
	}
	again, _ := e.f.HubStore().Bundle(context.Background(), "c1")
	if again.Accounts.Version != b.Accounts.Version {
		t.Fatal("the same list got another version")
	}
}

func TestCentersNeedingAttentionComeFirstWithAlerts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st := e.f.HubStore()
	now := e.clk.Now()
	// c1 went silent 20 minutes ago; c2 is online with a printer out of
	// paper; c3 is online and fine.
	st.SetStatus(ctx, "c1", wire.Status{Software: "v1"}, now.Add(-20*time.Minute))
	st.SetStatus(ctx, "c2", wire.Status{Software: "v1", Printers: map[string]wire.Printer{"kiosk1": {State: "offline", Paper: "out"}}}, now.Add(-5*time.Second))
	st.SetStatus(ctx, "c3", wire.Status{Software: "v1", Printers: map[string]wire.Printer{"kiosk1": {State: "online", Paper: "ok"}}}, now.Add(-5*time.Second))
	tok := e.login("quantri")
	var cs []struct {
		ID        string
		Online    bool
		Attention []string
	}
	e.do("GET", "/api/v1/centers", tok, "", "", &cs)
	if len(cs) != 3 || cs[2].ID != "c3" || len(cs[2].Attention) != 0 || !cs[2].Online {
		t.Fatalf("order %+v", cs)
	}
	var alerts []struct{ Center, Kind, Message string }
	e.do("GET", "/api/v1/alerts", tok, "", "", &alerts)
	kinds := map[string]string{}
	for _, a := range alerts {
		kinds[a.Center] = a.Kind
	}
	if kinds["c1"] != "offline" || kinds["c2"] != "paper_out" || len(alerts) != 2 {
		t.Fatalf("alerts %+v", alerts)
	}
	code, body := e.do("GET", "/metrics", "", "", "", nil)
	if code != 200 || !strings.Contains(body, `motcua_hub_alerts{kind="offline"} 1`) || !strings.Contains(body, `motcua_hub_alerts{kind="paper_out"} 1`) ||
		!strings.Contains(body, `motcua_hub_centers{state="online"} 2`) {
		t.Fatalf("metrics %d:\n%s", code, body)
	}
	// Offline only 5 minutes: shown, not yet an alert.
	st.SetStatus(ctx, "c1", wire.Status{Software: "v1"}, now.Add(-5*time.Minute))
	e.do("GET", "/api/v1/alerts", tok, "", "", &alerts)
	for _, a := range alerts {
		if a.Center == "c1" {
			t.Fatalf("c1 offline 5 min is alerted: %+v", a)
		}
	}
}

func TestACentersTicketsOfADay(t *testing.T) {
	e := newEnv(t)
	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	tk := queue.Ticket{ID: "t1", Day: "2026-12-01", Origin: "A", Seq: 1, Number: "A001", Service: "A", State: queue.Waiting, IssuedAt: at, QueuedAt: at, Print: queue.PrintNone}
	if _, err := e.f.HubStore().Ingest(context.Background(), "c1", []queue.Event{{Seq: 1, At: at, Type: queue.EventIssued, Ticket: tk}}); err != nil {
		t.Fatal(err)
	}
	tok := e.login("quantri")
	var ts []struct{ Number, State string }
	if code, body := e.do("GET", "/api/v1/centers/c1/tickets?day=2026-12-01", tok, "", "", &ts); code != 200 || len(ts) != 1 || ts[0].Number != "A001" {
		t.Fatalf("tickets: %d %s", code, body)
	}
	if code, body := e.do("GET", "/api/v1/centers/c1/tickets?day=1-12-2026", tok, "", "", nil); code != 400 || !strings.Contains(body, "YYYY-MM-DD") {
		t.Fatalf("bad day: %d %s", code, body)
	}
}

func TestThePagesAreServed(t *testing.T) {
	e := newEnv(t)
	for path, want := range map[string]string{"/": "Các trung tâm", "/login": "Đăng nhập", "/centers/c1": "Cấu hình", "/fleet.js": "use strict"} {
		code, body := e.do("GET", path, "", "", "", nil)
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d, want %q", path, code, want)
		}
	}
}

func TestSignInsAreThrottledAndMetricsTakeTheirToken(t *testing.T) {
	e := newEnvWith(t, func(o *fleet.Opts) {
		o.Throttle = session.NewThrottle(session.ThrottleOpts{Clock: o.Clock})
		o.MetricsToken = "metrics-secret"
	})
	bad := `{"username":"quantri","password":"sai"}`
	for i := range 5 {
		if code, body := e.do("POST", "/api/v1/auth/login", "", "application/json", bad, nil); code != 401 {
			t.Fatalf("bad try %d: %d %s", i+1, code, body)
		}
	}
	code, body := e.do("POST", "/api/v1/auth/login", "", "application/json", `{"username":"quantri","password":"demo"}`, nil)
	if code != 429 || !strings.Contains(body, "login_throttled") {
		t.Fatalf("after 5 bad tries, the right password: %d %s", code, body)
	}
	e.clk.Advance(time.Hour)
	e.login("quantri")
	if code, _ := e.do("GET", "/metrics", "", "", "", nil); code != 401 {
		t.Fatalf("/metrics without its token: %d", code)
	}
	if code, _ := e.do("GET", "/metrics", "metrics-secret", "", "", nil); code != 200 {
		t.Fatalf("/metrics with its token: %d", code)
	}
}

// A center's LED board that stops taking frames and a button receiver
// unplugged are alerts; a board still starting is not.
func TestCounterHardwareAlerts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st := e.f.HubStore()
	now := e.clk.Now()
	st.SetStatus(ctx, "c1", wire.Status{Software: "v1",
		Boards:  map[string]wire.Board{"bang1": {State: "silent", Errors: 3}, "bang2": {State: "answering"}, "bang3": {State: "starting"}},
		Buttons: map[string]wire.Scanner{"thu1": {State: "disconnected"}}}, now.Add(-5*time.Second))
	tok := e.login("quantri")
	var cs []struct {
		ID      string
		Boards  map[string]string
		Buttons map[string]string
	}
	e.do("GET", "/api/v1/centers", tok, "", "", &cs)
	found := false
	for _, c := range cs {
		if c.ID == "c1" {
			found = c.Boards["bang1"] == "silent" && c.Boards["bang2"] == "answering" && c.Buttons["thu1"] == "disconnected"
		}
	}
	if !found {
		t.Fatalf("centers %+v", cs)
	}
	var alerts []struct{ Center, Kind, Device, Message string }
	e.do("GET", "/api/v1/alerts", tok, "", "", &alerts)
	got := map[string]string{}
	for _, a := range alerts {
		if a.Center == "c1" {
			got[a.Device] = a.Kind
		}
	}
	if len(got) != 2 || got["bang1"] != "board_silent" || got["thu1"] != "button_offline" {
		t.Fatalf("alerts %+v", alerts)
	}
}
