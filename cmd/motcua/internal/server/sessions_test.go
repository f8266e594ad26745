package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/kiosk/session"
	"motcua/queue"
	"motcua/queue/queuetest"
)

func TestLogoutEndsTheToken(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("canbo1")
	other := e.login("canbo1") // the same clerk on a second machine
	if code, _ := e.do("POST", "/api/v1/auth/logout", tok, ""); code != 204 {
		t.Fatalf("logout: %d", code)
	}
	if code, r := e.do("GET", "/api/v1/auth/me", tok, ""); code != 401 || errCode(r) != "unauthorized" {
		t.Fatalf("the token after logout: %d %v", code, r)
	}
	if code, _ := e.do("GET", "/api/v1/auth/me", other, ""); code != 200 {
		t.Fatalf("the clerk's other session after logout: %d", code)
	}
	// The cookie's session ends the same way.
	ck := e.cookieLogin("canbo2")
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/auth/logout", nil)
	req.AddCookie(ck)
	req.Header.Set("Origin", e.srv.URL)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ = http.NewRequest("GET", e.srv.URL+"/api/v1/auth/me", nil)
	req.AddCookie(ck)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("the cookie after logout: %d", resp.StatusCode)
	}
}

func TestAdministratorLogsOthersOut(t *testing.T) {
	e := newEnv(t, "")
	clerk1, clerk1b, clerk2 := e.login("canbo1"), e.login("canbo1"), e.login("canbo2")
	admin := e.login("quantri")
	me := func(tok string) int {
		code, _ := e.do("GET", "/api/v1/auth/me", tok, "")
		return code
	}
	// A clerk may not, and nothing ends.
	if code, r := e.do("POST", "/api/v1/auth/sessions/revoke", clerk2, `{"all":true}`); code != 403 || errCode(r) != "admin_only" {
		t.Fatalf("a clerk revoking: %d %v", code, r)
	}
	for _, tok := range []string{clerk1, clerk1b, clerk2, admin} {
		if me(tok) != 200 {
			t.Fatal("a refused revoke ended a session")
		}
	}
	for _, body := range []string{`{}`, `{"username":"canbo1","all":true}`} {
		if code, r := e.do("POST", "/api/v1/auth/sessions/revoke", admin, body); code != 400 || errCode(r) != "invalid_field" {
			t.Fatalf("revoke %s: %d %v", body, code, r)
		}
	}
	code, r := e.do("POST", "/api/v1/auth/sessions/revoke", admin, `{"username":"canbo1"}`)
	if code != 200 || r["revoked"].(float64) != 2 {
		t.Fatalf("revoke canbo1: %d %v", code, r)
	}
	if me(clerk1) != 401 || me(clerk1b) != 401 || me(clerk2) != 200 || me(admin) != 200 {
		t.Fatal("revoking canbo1 did not end exactly canbo1's sessions")
	}
	code, r = e.do("POST", "/api/v1/auth/sessions/revoke", admin, `{"all":true}`)
	if code != 200 || r["revoked"].(float64) != 2 {
		t.Fatalf("revoke all: %d %v", code, r)
	}
	if me(clerk2) != 401 || me(admin) != 401 {
		t.Fatal("log out everywhere left a session")
	}
}

// A restart keeps the sessions of unchanged accounts and ends those whose
// password, role or counters changed in the config, or that were removed.
func TestConfigChangesEndSessionsAtTheNextStart(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clk := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, ict))
	demoHash := "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK" // "demo"
	yaml := func(staff string) string {
		return `center: {name: X}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}, {id: "2", services: [A]}]
staff:
` + staff
	}
	start := func(conf string) *httptest.Server {
		cfg, err := config.Parse([]byte(yaml(conf)))
		if err != nil {
			t.Fatal(err)
		}
		st, err := session.Open(ctx, db, session.Opts{Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		e, _ := queue.New(ctx, queue.Opts{Fields: cfg.QueueFields(), Counters: cfg.QueueCounters(), Store: queuetest.NewStore(), Clock: clk})
		hs := httptest.NewServer(New(Opts{Config: cfg, Engine: e, Store: pingOK{}, Sessions: st, Clock: clk}).Handler())
		t.Cleanup(hs.Close)
		return hs
	}
	login := func(hs *httptest.Server, user string) string {
		_, r := call(t, "POST", hs.URL+"/api/v1/auth/login", "", "", `{"username":"`+user+`","password":"demo"}`)
		tok, _ := r["token"].(string)
		if tok == "" {
			t.Fatalf("login %s: %v", user, r)
		}
		return tok
	}
	first := start(`  - {username: same, counters: ["1"], password_hash: "` + demoHash + `"}
  - {username: newpass, counters: ["1"], password_hash: "` + demoHash + `"}
  - {username: promoted, counters: ["1"], password_hash: "` + demoHash + `"}
  - {username: moved, counters: ["1"], password_hash: "` + demoHash + `"}
  - {username: removed, counters: ["1"], password_hash: "` + demoHash + `"}
`)
	toks := map[string]string{}
	for _, u := range []string{"same", "newpass", "promoted", "moved", "removed"} {
		toks[u] = login(first, u)
	}
	first.Close()
	newHash, err := bcrypt.GenerateFromPassword([]byte("mới"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	second := start(`  - {username: same, counters: ["1"], password_hash: "` + demoHash + `"}
  - {username: newpass, counters: ["1"], password_hash: "` + string(newHash) + `"}
  - {username: promoted, role: admin, password_hash: "` + demoHash + `"}
  - {username: moved, counters: ["2"], password_hash: "` + demoHash + `"}
`)
	for u, want := range map[string]int{"same": 200, "newpass": 401, "promoted": 401, "moved": 401, "removed": 401} {
		if st, r := call(t, "GET", second.URL+"/api/v1/auth/me", "Bearer "+toks[u], "", ""); st != want {
			t.Errorf("%s after the restart: %d %v, want %d", u, st, r, want)
		}
	}
	var left int
	if err := db.QueryRow(`SELECT COUNT(*) FROM staff_sessions`).Scan(&left); err != nil || left != 1 {
		t.Fatalf("sessions left in the database: %d (%v), want 1", left, err)
	}
	if len(toks["same"]) != 43 || strings.Count(toks["same"], ".") != 0 {
		t.Fatalf("token %q is not 32 random bytes", toks["same"])
	}
}
