package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// cheapEnv is a center whose accounts' password ("demo") is hashed at
// bcrypt's lowest cost, so that tests of many logins do not wait on it.
func cheapEnv(t *testing.T) *env {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte("demo"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(t, `center: {name: X}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}, {id: "2", services: [A]}, {id: "3", services: [A]}, {id: "4", services: [A]}]
staff:
  - {username: canbo1, counters: ["1"], password_hash: "`+string(h)+`"}
  - {username: canbo2, counters: ["2"], password_hash: "`+string(h)+`"}
  - {username: canbo3, counters: ["3"], password_hash: "`+string(h)+`"}
  - {username: canbo4, counters: ["4"], password_hash: "`+string(h)+`"}
`)
}

func TestLoginGuessesAreThrottled(t *testing.T) {
	e := cheapEnv(t)
	guess := func(user, pass string) (int, http.Header, map[string]any) {
		t.Helper()
		body := fmt.Sprintf(`{"username":%q,"password":%q}`, user, pass)
		code, hdr, raw := e.raw("POST", "/api/v1/auth/login", "", body, nil)
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return code, hdr, out
	}
	for i := 1; i <= 5; i++ {
		if code, _, r := guess("canbo1", fmt.Sprintf("sai%d", i)); code != 401 || errCode(r) != "bad_credentials" {
			t.Fatalf("guess %d: %d %v", i, code, r)
		}
	}
	// The sixth try waits, even with the right password, and says how long.
	code, hdr, r := guess("canbo1", "demo")
	msg, _ := r["error"].(map[string]any)["message"].(string)
	if code != 429 || errCode(r) != "login_throttled" || hdr.Get("Retry-After") != "1" || !strings.Contains(msg, "1 giây") {
		t.Fatalf("sixth try: %d %v %v", code, hdr.Get("Retry-After"), r)
	}
	if _, ok := r["token"]; ok {
		t.Fatal("a throttled login got a token")
	}
	e.clock.Advance(time.Second)
	if code, _, r := guess("canbo1", "sai6"); code != 401 {
		t.Fatalf("after the wait: %d %v", code, r)
	}
	// The wait doubles.
	if code, hdr, _ := guess("canbo1", "demo"); code != 429 || hdr.Get("Retry-After") != "2" {
		t.Fatalf("after the sixth failure: %d %v", code, hdr.Get("Retry-After"))
	}
	e.clock.Advance(2 * time.Second)
	if code, _, r := guess("canbo1", "demo"); code != 200 {
		t.Fatalf("the right password after the wait: %d %v", code, r)
	}
	// A success resets the account: five more free guesses. The address
	// (127.0.0.1) keeps its own count and now waits after each failure.
	e.clock.Advance(time.Hour)
	for i := 1; i <= 5; i++ {
		if code, _, r := guess("canbo2", "sai"); code != 401 {
			t.Fatalf("canbo2 guess %d: %d %v", i, code, r)
		}
	}
	// Another account from the same address waits too: the address failed.
	code, _, r = guess("khongco", "x")
	if code != 429 {
		t.Fatalf("a new account from a guessing address: %d %v", code, r)
	}

	resp, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`motcua_logins_total{result="throttled"} 3`, `motcua_logins_total{result="bad_credentials"} 11`, `motcua_logins_total{result="ok"} 1`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestThrottleWaitsAreSaidInVietnamese(t *testing.T) {
	e := cheapEnv(t)
	for i := range 20 {
		if i > 0 {
			e.clock.Advance(15 * time.Minute) // past any wait, within the hour that remembers
		}
		e.raw("POST", "/api/v1/auth/login", "", `{"username":"canbo3","password":"x"}`, nil)
	}
	code, hdr, raw := e.raw("POST", "/api/v1/auth/login", "", `{"username":"canbo3","password":"demo"}`, nil)
	if code != 429 || hdr.Get("Retry-After") != "900" || !strings.Contains(string(raw), "15 phút") {
		t.Fatalf("capped wait: %d %s %s", code, hdr.Get("Retry-After"), raw)
	}
}

// A burst of parallel guesses gets no more comparisons than the free ones:
// each login checks the throttle again once it holds a comparison slot.
func TestParallelGuessesGetNoMoreTries(t *testing.T) {
	e := cheapEnv(t)
	codes := make(chan int, 30)
	for range 30 {
		go func() {
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/auth/login", strings.NewReader(`{"username":"canbo4","password":"x"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	n := map[int]int{}
	for range 30 {
		n[<-codes]++
	}
	if n[401] != 5 || n[429] != 25 {
		t.Fatalf("answers %v, want 5 comparisons (401) and 25 waits (429)", n)
	}
}
