package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"motcua/cmd/motcua/internal/config"
	"motcua/queue"
)

// cookieLogin logs user in and returns the session cookie.
func (e *env) cookieLogin(user string) *http.Cookie {
	e.t.Helper()
	resp, err := http.Post(e.srv.URL+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"`+user+`","password":"demo"}`))
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			return c
		}
	}
	e.t.Fatalf("login %s: %d, no session cookie", user, resp.StatusCode)
	return nil
}

// waitingA is how many tickets wait in field A.
func (e *env) waitingA() int { return e.engine.Snapshot().Waiting["A"] }

func TestCrossOriginCookieRequestsAreRefused(t *testing.T) {
	e := newEnv(t, "")
	if _, err := e.engine.Issue(context.Background(), queue.IssueRequest{Service: "A"}); err != nil {
		t.Fatal(err)
	}
	ck := e.cookieLogin("canbo1")
	send := func(hdr map[string]string) int {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/counters/1/next", nil)
		req.AddCookie(ck)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	port := e.srv.URL[strings.LastIndexByte(e.srv.URL, ':')+1:]
	for _, tc := range []struct {
		name string
		hdr  map[string]string
	}{
		{"another port of the same host", map[string]string{"Origin": "http://127.0.0.1:1"}},
		{"another host", map[string]string{"Origin": "http://evil.example:" + port}},
		{"another scheme", map[string]string{"Origin": "ftp://127.0.0.1:" + port}},
		{"null origin", map[string]string{"Origin": "null"}},
		{"no origin, cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"no origin, same-site fetch", map[string]string{"Sec-Fetch-Site": "same-site"}},
		{"no origin at all", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if st := send(tc.hdr); st != http.StatusForbidden {
				t.Fatalf("status %d, want 403", st)
			}
			if n := e.waitingA(); n != 1 {
				t.Fatalf("a refused call took the ticket: %d waiting", n)
			}
		})
	}
	code, _, r := e.raw("POST", "/api/v1/counters/1/next", "", "", map[string]string{"Origin": "http://127.0.0.1:1", "Cookie": cookieName + "=" + ck.Value})
	if code != 403 || !strings.Contains(string(r), `"cross_origin"`) {
		t.Fatalf("cross-origin answer: %d %s", code, r)
	}
	if st := send(map[string]string{"Sec-Fetch-Site": "same-origin"}); st != 200 {
		t.Fatalf("same-origin fetch without Origin: %d", st)
	}
	if e.waitingA() != 0 {
		t.Fatal("the same-origin call did not take the ticket")
	}
	if st := send(map[string]string{"Origin": e.srv.URL}); st != 404 { // allowed; nobody waits
		t.Fatalf("the service's own origin: %d", st)
	}
	// A bearer token without a cookie is no ambient credential.
	tok := e.login("canbo1")
	code, _, _ = e.raw("POST", "/api/v1/counters/1/next", tok, "", map[string]string{"Origin": "http://evil.example"})
	if code != 404 {
		t.Fatalf("bearer from a script: %d", code)
	}
}

func TestCrossOriginBehindTheConfiguredAddress(t *testing.T) {
	cfg, err := config.Load("../../../../configs/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Center.PublicBaseURL = "https://motcua.xa.gov.vn"
	s := &Server{cfg: cfg}
	for _, tc := range []struct {
		origin, host string
		want         bool
	}{
		{"https://motcua.xa.gov.vn", "127.0.0.1:8080", true},
		{"http://motcua.xa.gov.vn", "127.0.0.1:8080", false},
		{"https://motcua.xa.gov.vn:8443", "127.0.0.1:8080", false},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", true},
		{"http://127.0.0.1:8081", "127.0.0.1:8080", false},
	} {
		r, _ := http.NewRequest("POST", "http://"+tc.host+"/x", nil)
		r.Header.Set("Origin", tc.origin)
		if got := s.ownOrigin(r); got != tc.want {
			t.Errorf("origin %s to %s: %v, want %v", tc.origin, tc.host, got, tc.want)
		}
	}
}

func TestNonJSONBodiesAreRefused(t *testing.T) {
	e := newEnv(t, "")
	if _, err := e.engine.Issue(context.Background(), queue.IssueRequest{Service: "B"}); err != nil {
		t.Fatal(err)
	}
	tok := e.login("canbo2")
	for _, ctype := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		t.Run(ctype, func(t *testing.T) {
			hdr := map[string]string{"Content-Type": ctype}
			code, _, b := e.raw("POST", "/api/v1/counters/2/transfer", tok, `{"service":"A"}`, hdr)
			if code != http.StatusUnsupportedMediaType || !strings.Contains(string(b), `"unsupported_media_type"`) {
				t.Fatalf("transfer as %q: %d %s", ctype, code, b)
			}
			code, _, b = e.raw("POST", "/api/v1/auth/login", "", `{"username":"canbo2","password":"demo"}`, hdr)
			if code != http.StatusUnsupportedMediaType {
				t.Fatalf("login as %q: %d %s", ctype, code, b)
			}
		})
	}
	if e.engine.Snapshot().Waiting["B"] != 1 {
		t.Fatal("a refused body changed the queue")
	}
	// An empty body needs no type; JSON with a charset is JSON.
	if code, _, b := e.raw("POST", "/api/v1/counters/2/next", tok, "", nil); code != 200 {
		t.Fatalf("next without a body: %d %s", code, b)
	}
	if code, _, b := e.raw("POST", "/api/v1/counters/2/transfer", tok, `{"service":"A"}`, map[string]string{"Content-Type": "application/json; charset=utf-8"}); code != 200 {
		t.Fatalf("transfer as JSON with a charset: %d %s", code, b)
	}
}
