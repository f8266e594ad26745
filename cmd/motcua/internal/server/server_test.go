package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/clock"
	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/kiosk/session"
	"motcua/queue"
	"motcua/queue/queuetest"
)

var ict = time.FixedZone("ICT", 7*3600)

type env struct {
	t      *testing.T
	srv    *httptest.Server
	engine *queue.Engine
	store  *queuetest.Store
	clock  *clocktest.Fake
}

type pingOK struct{ err error }

func (p pingOK) Ping(context.Context) error { return p.err }

// The demo's kiosk tokens (configs/demo.yaml).
const (
	kioskK1 = "demo-kiosk-k1"
	kioskK2 = "demo-kiosk-k2"
)

// newEnv serves the demo center, or the config yamlExtra, on a fake clock.
// The tickets' rate limits are lifted (tests take numbers fast); newLimitedEnv
// keeps the config's.
func newEnv(t *testing.T, yamlExtra string) *env {
	t.Helper()
	return startEnv(t, yamlExtra, false)
}

// newLimitedEnv is newEnv with the config's ticket rate limits.
func newLimitedEnv(t *testing.T, yamlExtra string) *env {
	t.Helper()
	return startEnv(t, yamlExtra, true)
}

func startEnv(t *testing.T, yamlExtra string, limited bool) *env {
	t.Helper()
	cfg, err := config.Load("../../../../configs/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if yamlExtra != "" {
		cfg, err = config.Parse([]byte(yamlExtra))
		if err != nil {
			t.Fatal(err)
		}
	}
	if !limited {
		cfg.Security.KioskTickets = config.RateLimit{Burst: 100000, Every: time.Millisecond}
		cfg.Security.AddressTickets = cfg.Security.KioskTickets
	}
	clock := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	store := queuetest.NewStore()
	e, err := queue.New(context.Background(), queue.Opts{Fields: cfg.QueueFields(), Counters: cfg.QueueCounters(),
		Store: store, Clock: clock, Location: ict})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	s := New(Opts{Config: cfg, Engine: e, Store: pingOK{}, Sessions: testSessions(t, clock), Clock: clock})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); cancel(); <-done })
	return &env{t: t, srv: hs, engine: e, store: store, clock: clock}
}

// testSessions is a session store on a database of the test's own.
func testSessions(t *testing.T, clk clock.Clock) *session.Store {
	t.Helper()
	db, err := database.Open(filepath.Join(t.TempDir(), "sessions.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := session.Open(context.Background(), db, session.Opts{TTL: 12 * time.Hour, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// do sends a request (a body as application/json) and decodes the JSON
// answer into a map.
func (e *env) do(method, path, token, body string) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (e *env) login(user string) string {
	e.t.Helper()
	code, body := e.do("POST", "/api/v1/auth/login", "", fmt.Sprintf(`{"username":%q,"password":"demo"}`, user))
	if code != 200 {
		e.t.Fatalf("login %s: %d %v", user, code, body)
	}
	return body["token"].(string)
}

func errCode(body map[string]any) string {
	if e, ok := body["error"].(map[string]any); ok {
		if msg, _ := e["message"].(string); msg == "" {
			return "error without message"
		}
		return e["code"].(string)
	}
	return ""
}

func TestTicketLifecycleOverHTTP(t *testing.T) {
	e := newEnv(t, "")
	code, tk := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"B","priority":false,"kiosk":"k1"}`)
	if code != 201 || tk["number"] != "B001" || tk["state"] != "waiting" || tk["service_name"] != "Đất đai" {
		t.Fatalf("issue: %d %v", code, tk)
	}
	if !strings.HasSuffix(tk["issued_at"].(string), "+07:00") || tk["track_url"] != "/t/"+tk["id"].(string) {
		t.Fatalf("issued_at/track_url: %v", tk)
	}
	if p := tk["print"].(map[string]any); p["state"] != "none" {
		t.Fatalf("print state %v", p)
	}
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"B"}`)
	code, second := e.do("GET", "/api/v1/tickets/"+tk["id"].(string), "", "")
	if code != 200 || second["ahead"].(float64) != 0 {
		t.Fatalf("get: %d %v", code, second)
	}

	tok := e.login("canbo2")
	code, called := e.do("POST", "/api/v1/counters/2/next", tok, "")
	if code != 200 || called["number"] != "B001" || called["counter"] != "2" || called["state"] != "called" {
		t.Fatalf("next: %d %v", code, called)
	}
	if code, r := e.do("POST", "/api/v1/counters/2/recall", tok, ""); code != 200 || r["calls"].(float64) != 2 {
		t.Fatalf("recall: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/counters/2/transfer", tok, `{"service":"A"}`); code != 200 || r["state"] != "transferred" || r["service"] != "A" {
		t.Fatalf("transfer: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/counters/2/call", tok, `{"ticket":"b002"}`); code != 200 || r["number"] != "B002" {
		t.Fatalf("call out of turn: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/counters/2/no-show", tok, ""); code != 200 || r["state"] != "no_show" {
		t.Fatalf("no-show: %d %v", code, r)
	}
	// The transferred B001 now waits in A; counter 2 serves A after B.
	if code, r := e.do("POST", "/api/v1/counters/2/next", tok, ""); code != 200 || r["number"] != "B001" {
		t.Fatalf("next after transfer: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/counters/2/complete", tok, ""); code != 200 || r["state"] != "done" {
		t.Fatalf("complete: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/counters/2/next", tok, ""); code != 404 || errCode(r) != "queue_empty" {
		t.Fatalf("empty: %d %v", code, r)
	}
	code, q := e.do("GET", "/api/v1/queue", "", "")
	if code != 200 || len(q["counters"].([]any)) != 4 || len(q["recent"].([]any)) != 4 {
		t.Fatalf("queue: %d %v", code, q)
	}
}

func TestStaffAuth(t *testing.T) {
	e := newEnv(t, "")
	if code, r := e.do("POST", "/api/v1/counters/1/next", "", ""); code != 401 || errCode(r) != "unauthorized" {
		t.Fatalf("no token: %d %v", code, r)
	}
	if code, _ := e.do("POST", "/api/v1/counters/1/next", "forged.123.abc", ""); code != 401 {
		t.Fatalf("forged token: %d", code)
	}
	if code, r := e.do("POST", "/api/v1/auth/login", "", `{"username":"canbo1","password":"sai"}`); code != 401 || errCode(r) != "bad_credentials" {
		t.Fatalf("wrong password: %d %v", code, r)
	}
	if code, _ := e.do("POST", "/api/v1/auth/login", "", `{"username":"khongco","password":"demo"}`); code != 401 {
		t.Fatalf("unknown user: %d", code)
	}
	tok := e.login("canbo1")
	if code, r := e.do("POST", "/api/v1/counters/3/next", tok, ""); code != 403 || errCode(r) != "forbidden" {
		t.Fatalf("other counter: %d %v", code, r)
	}
	admin := e.login("quantri")
	if code, r := e.do("POST", "/api/v1/counters/3/next", admin, ""); code != 404 || errCode(r) != "queue_empty" {
		t.Fatalf("admin on counter 3: %d %v", code, r)
	}
	// Tokens expire.
	e.clock.Advance(13 * time.Hour)
	if code, _ := e.do("POST", "/api/v1/counters/1/next", tok, ""); code != 401 {
		t.Fatalf("expired token: %d", code)
	}
}

func TestSessionCookie(t *testing.T) {
	e := newEnv(t, "")
	resp, err := http.Post(e.srv.URL+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"canbo4","password":"demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly {
		t.Fatalf("session cookie %+v", ck)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/counters/4/next", nil)
	req.AddCookie(ck)
	req.Header.Set("Origin", e.srv.URL) // a cookie rides only from the service's own pages (TestCrossOrigin)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 { // authorised; nobody waiting
		t.Fatalf("with cookie: %d", resp.StatusCode)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t, "")
	big := `{"service":"A","kiosk":"` + strings.Repeat("x", 70<<10) + `"}`
	cases := []struct {
		name, body string
		status     int
		code       string
	}{
		{"malformed", `{"service":"A"`, 400, "malformed_json"},
		{"not json", `service=A`, 400, "malformed_json"},
		{"unknown field", `{"service":"A","prio":true}`, 400, "unknown_field"},
		{"wrong type", `{"service":"A","priority":"yes"}`, 400, "invalid_field"},
		{"two objects", `{"service":"A"}{"service":"A"}`, 400, "malformed_json"},
		{"too large", big, 400, "body_too_large"},
		{"no service", `{}`, 400, "missing_service"},
		{"unknown service", `{"service":"Z"}`, 422, "unknown_service"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, r := e.do("POST", "/api/v1/tickets", kioskK1, tc.body)
			if code != tc.status || errCode(r) != tc.code {
				t.Fatalf("got %d %v, want %d %s", code, r, tc.status, tc.code)
			}
		})
	}
	if evs, err := e.store.Events(context.Background(), 0, 0); err != nil || len(evs) != 1 { // the day's start only
		t.Fatalf("bad requests committed %d events (%v)", len(evs)-1, err)
	}
	code, tk := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`)
	if code != 201 || tk["number"] != "A001" {
		t.Fatalf("first good ticket after the bad ones: %d %v", code, tk)
	}
	tok := e.login("canbo1")
	if code, r := e.do("POST", "/api/v1/counters/1/transfer", tok, `{"service":"B","x":1}`); code != 400 || errCode(r) != "unknown_field" {
		t.Fatalf("transfer with an unknown field: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/counters/1/next", tok, `[`); code != 400 || errCode(r) != "malformed_json" {
		t.Fatalf("next with garbage: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/tickets/"+tk["id"].(string)+"/cancel", "", ""); code != 401 || errCode(r) != "unauthorized" {
		t.Fatalf("cancel without a login: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/tickets/"+tk["id"].(string)+"/cancel", tok, ""); code != 200 || r["state"] != "cancelled" {
		t.Fatalf("cancel: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/tickets/"+tk["id"].(string)+"/cancel", tok, ""); code != 409 || errCode(r) != "ticket_not_waiting" {
		t.Fatalf("cancel twice: %d %v", code, r)
	}
	if code, r := e.do("GET", "/api/v1/tickets/nope", "", ""); code != 404 || errCode(r) != "ticket_not_found" {
		t.Fatalf("unknown ticket: %d %v", code, r)
	}
}

func TestClosedAndFullFields(t *testing.T) {
	e := newEnv(t, `center: {name: X}
fields:
  - {code: A, name: Hộ tịch, daily_cap: 1}
  - {code: B, name: Đất đai, hours: ["13:00-17:00"]}
counters: [{id: "1", services: [A, B]}]
kiosks: [{id: k1, token: demo-kiosk-k1}]
`)
	if code, r := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"B"}`); code != 409 || errCode(r) != "service_closed" {
		t.Fatalf("closed: %d %v", code, r)
	}
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`)
	if code, r := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`); code != 409 || errCode(r) != "daily_cap_reached" {
		t.Fatalf("full: %d %v", code, r)
	}
	resp, _ := http.Get(e.srv.URL + "/api/v1/services")
	var list []map[string]any
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if list[0]["open"] != false || list[0]["full"] != true || list[1]["open"] != false {
		t.Fatalf("services %v", list)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t, "")
	if code, r := e.do("GET", "/healthz", "", ""); code != 200 || r["status"] != "ok" {
		t.Fatalf("healthz %d %v", code, r)
	}
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"C"}`)
	resp, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(raw)
	for _, want := range []string{`motcua_queue_waiting{service="C"} 1`, `motcua_queue_events_total{service="C",type="issued"} 1`, `motcua_http_request_seconds_bucket`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestHealthFailsWhenTheStoreDoesNot(t *testing.T) {
	cfg, _ := config.Load("../../../../configs/demo.yaml")
	e, _ := queue.New(context.Background(), queue.Opts{Fields: cfg.QueueFields(), Counters: cfg.QueueCounters(), Store: queuetest.NewStore()})
	s := New(Opts{Config: cfg, Engine: e, Store: pingOK{err: fmt.Errorf("disk gone")}})
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 503 {
		t.Fatalf("healthz with a dead store: %d", rec.Code)
	}
}

func TestMetricsBehindAToken(t *testing.T) {
	cfg, err := config.Load("../../../../configs/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Security.MetricsToken = "so-lieu-bi-mat-0123456789abcdef"
	e, _ := queue.New(context.Background(), queue.Opts{Fields: cfg.QueueFields(), Counters: cfg.QueueCounters(), Store: queuetest.NewStore()})
	s := New(Opts{Config: cfg, Engine: e, Store: pingOK{}})
	for _, tc := range []struct {
		auth   string
		status int
	}{{"", 401}, {"Bearer sai", 401}, {"so-lieu-bi-mat-0123456789abcdef", 401}, {"Bearer so-lieu-bi-mat-0123456789abcdef", 200}} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		body := rec.Body.String()
		if rec.Code != tc.status || (tc.status == 401 && strings.Contains(body, "motcua_")) || (tc.status == 200 && !strings.Contains(body, "motcua_http_request_seconds")) {
			t.Errorf("%q: %d %.80s", tc.auth, rec.Code, body)
		}
	}
}
