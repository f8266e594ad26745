package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/queue"
)

// issued counts the tickets the engine holds today, by field.
func (e *env) issued() map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, sv := range e.engine.Services() {
		out[sv.Code] = sv.Waiting
	}
	return out
}

// events is how many events the store holds, once the day's start (which
// the engine commits as it runs) is among them.
func (e *env) events() int {
	e.t.Helper()
	for range 500 {
		evs, err := e.store.Events(context.Background(), 0, 0)
		if err != nil {
			e.t.Fatal(err)
		}
		if len(evs) > 0 {
			return len(evs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.t.Fatal("the engine committed no day start")
	return 0
}

const cappedCenter = `center: {name: X}
fields: [{code: A, name: Hộ tịch, daily_cap: 200}, {code: B, name: Đất đai}]
counters: [{id: "1", services: [A, B], tablet_token: tablet-one-secret}, {id: "2", services: [A, B], tablet_token: tablet-two-secret}]
staff:
  - {username: canbo1, counters: ["1"], password_hash: "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK"}
kiosks: [{id: k1, token: demo-kiosk-k1}, {id: k2, token: demo-kiosk-k2}]
`

// The attack of the issue: 205 anonymous requests closed field A (daily
// cap 200) in 0.3 s. Without a kiosk's credential nothing is issued; a
// staff session is no kiosk either.
func TestTicketsNeedAKioskCredential(t *testing.T) {
	e := newEnv(t, cappedCenter)
	staff := e.login("canbo1")
	before := e.events()
	for i := range 205 {
		tok := ""
		if i%2 == 1 {
			tok = staff
		}
		code, r := e.do("POST", "/api/v1/tickets", tok, `{"service":"A","kiosk":"k1"}`)
		if code != 401 || errCode(r) != "device_unpaired" {
			t.Fatalf("request %d without a kiosk credential: %d %v", i, code, r)
		}
	}
	if n := e.events(); n != before {
		t.Fatalf("refused requests committed %d events", n-before)
	}
	if got := e.issued(); got["A"] != 0 {
		t.Fatalf("waiting %v after refused requests", got)
	}
	for _, sv := range e.engine.Services() {
		if sv.Code == "A" && (sv.Full || !sv.Open) {
			t.Fatalf("field A closed by refused requests: %+v", sv)
		}
	}
	// A wrong token is no credential either.
	if code, r := e.do("POST", "/api/v1/tickets", "demo-kiosk-k9", `{"service":"A"}`); code != 401 || errCode(r) != "device_unpaired" {
		t.Fatalf("unknown token: %d %v", code, r)
	}
}

// The ticket is issued at the credential's kiosk: a body naming another is
// refused and changes nothing.
func TestTicketAtTheCredentialsKiosk(t *testing.T) {
	e := newEnv(t, cappedCenter)
	before := e.events()
	code, r := e.do("POST", "/api/v1/tickets", kioskK2, `{"service":"A","kiosk":"k1"}`)
	if code != 403 || errCode(r) != "forbidden" || !strings.Contains(r["error"].(map[string]any)["message"].(string), "k2") {
		t.Fatalf("k2 naming k1: %d %v", code, r)
	}
	if n := e.events(); n != before {
		t.Fatalf("a refused ticket committed %d events", n-before)
	}
	for _, body := range []string{`{"service":"A"}`, `{"service":"A","kiosk":"k2"}`} {
		code, tk := e.do("POST", "/api/v1/tickets", kioskK2, body)
		if code != 201 {
			t.Fatalf("%s: %d %v", body, code, tk)
		}
		in, err := e.engine.Ticket(context.Background(), tk["id"].(string))
		if err != nil || in.Kiosk != "k2" {
			t.Fatalf("%s: issued at %q (%v), want k2", body, in.Kiosk, err)
		}
	}
}

// The second attack: 173 priority tickets printed on kiosk1 in 3.1 s.
// Anonymous: none. With the kiosk's own credential: its burst, then 429
// with Retry-After and the catalogue's words, until the bucket refills.
func TestPriorityFloodIsRateLimited(t *testing.T) {
	e := newLimitedEnv(t, "")
	for i := range 173 {
		if code, r := e.do("POST", "/api/v1/tickets", "", `{"service":"A","priority":true,"kiosk":"k1"}`); code != 401 {
			t.Fatalf("anonymous priority ticket %d: %d %v", i, code, r)
		}
	}
	if got := e.issued(); got["A"] != 0 {
		t.Fatalf("anonymous priority tickets issued: %v", got)
	}
	created := 0
	for i := range 173 {
		code, hdr, body := e.raw("POST", "/api/v1/tickets", kioskK1, `{"service":"A","priority":true}`, nil)
		switch code {
		case 201:
			created++
		case 429:
			if ra := hdr.Get("Retry-After"); ra != "2" {
				t.Fatalf("request %d: Retry-After %q, want 2", i, ra)
			}
			if !strings.Contains(string(body), `"rate_limited"`) || !strings.Contains(string(body), "Xin chờ vài giây") {
				t.Fatalf("request %d: 429 body %s", i, body)
			}
		default:
			t.Fatalf("request %d: %d %s", i, code, body)
		}
	}
	if created != 5 {
		t.Fatalf("%d of 173 priority tickets issued, want the burst of 5", created)
	}
	if got := e.issued(); got["A"] != 5 {
		t.Fatalf("waiting %v, want 5 in A", got)
	}
	e.clock.Advance(2 * time.Second) // a citizen later: one more
	if code, r := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`); code != 201 {
		t.Fatalf("after 2 s: %d %v", code, r)
	}
	if code, _ := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`); code != 429 {
		t.Fatalf("right after: %d, want 429", code)
	}
}

// Each address is limited too, whatever X-Forwarded-For it sends: gin
// believes the header only from configured proxies.
func TestTicketsPerAddress(t *testing.T) {
	e := newLimitedEnv(t, "")
	for i := range 5 {
		if code, _ := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"B"}`); code != 201 {
			t.Fatalf("k1 ticket %d: %d", i, code)
		}
	}
	for i := range 20 { // another kiosk's token, the same address
		hdr := map[string]string{"X-Forwarded-For": fmt.Sprintf("10.9.%d.%d", i, i+1), "X-Real-IP": fmt.Sprintf("10.8.0.%d", i+1)}
		code, _, body := e.raw("POST", "/api/v1/tickets", kioskK2, `{"service":"B"}`, hdr)
		if code != 429 {
			t.Fatalf("k2 from the same address, forwarded for %s: %d %s", hdr["X-Forwarded-For"], code, body)
		}
	}
	if got := e.issued(); got["B"] != 5 {
		t.Fatalf("waiting %v, want 5 in B", got)
	}
}

// A proxy named in security.trusted_proxies is believed.
func TestTrustedProxy(t *testing.T) {
	e := newLimitedEnv(t, cappedCenter+"security: {trusted_proxies: [127.0.0.1/32], kiosk_tickets: {burst: 100}}\n")
	for i := range 10 {
		hdr := map[string]string{"X-Forwarded-For": fmt.Sprintf("10.9.0.%d", i+1)}
		if code, _, body := e.raw("POST", "/api/v1/tickets", kioskK1, `{"service":"B"}`, hdr); code != 201 {
			t.Fatalf("citizen %d behind the proxy: %d %s", i, code, body)
		}
	}
	if code, _, _ := e.raw("POST", "/api/v1/tickets", kioskK1, `{"service":"B"}`, nil); code != 201 {
		t.Fatalf("the proxy's own address: %d", code)
	}
}

// A browser is paired once: the token goes in an HttpOnly cookie, which is
// the kiosk's credential from then on.
func TestPairing(t *testing.T) {
	e := newEnv(t, "")
	pair := func(token string) (*http.Response, map[string]any) {
		t.Helper()
		resp, err := http.Post(e.srv.URL+"/api/v1/devices/pair", "application/json", strings.NewReader(`{"token":"`+token+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		jsonDecode(resp, &out)
		return resp, out
	}
	resp, out := pair("nope")
	if resp.StatusCode != 401 || errCode(out) != "device_unpaired" || len(resp.Cookies()) != 0 {
		t.Fatalf("bad token: %d %v %v", resp.StatusCode, out, resp.Cookies())
	}
	resp, out = pair(kioskK1)
	if resp.StatusCode != 200 || out["kiosk"].(map[string]any)["id"] != "k1" {
		t.Fatalf("pair k1: %d %v", resp.StatusCode, out)
	}
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == KioskCookie {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Value != kioskK1 || ck.MaxAge < 300*24*3600 {
		t.Fatalf("kiosk cookie %+v", ck)
	}
	withCookie := func(method, path, body string, ck *http.Cookie) (int, map[string]any) {
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
		req.AddCookie(ck)
		// The kiosk's own page, as a browser sends it (a cookie from
		// elsewhere is refused: TestCrossOriginCookieRequestsAreRefused).
		req.Header.Set("Origin", e.srv.URL)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		jsonDecode(resp, &out)
		return resp.StatusCode, out
	}
	if code, tk := withCookie("POST", "/api/v1/tickets", `{"service":"A","priority":true}`, ck); code != 201 || tk["priority"] != true {
		t.Fatalf("ticket with the pairing cookie: %d %v", code, tk)
	}
	if code, me := withCookie("GET", "/api/v1/devices/me", "", ck); code != 200 || me["kiosk"].(map[string]any)["id"] != "k1" {
		t.Fatalf("devices/me: %d %v", code, me)
	}
	if code, r := e.do("GET", "/api/v1/devices/me", "", ""); code != 401 || errCode(r) != "device_unpaired" {
		t.Fatalf("devices/me unpaired: %d %v", code, r)
	}
	forged := &http.Cookie{Name: KioskCookie, Value: "demo-kiosk-k3"}
	if code, _ := withCookie("POST", "/api/v1/tickets", `{"service":"A"}`, forged); code != 401 {
		t.Fatalf("forged cookie: %d", code)
	}
	resp, out = pair("demo-tablet-2")
	if resp.StatusCode != 200 || out["counter"] != "2" || resp.Cookies()[0].Name != TabletCookie {
		t.Fatalf("pair tablet 2: %d %v %v", resp.StatusCode, out, resp.Cookies())
	}
	// A tablet is not a kiosk.
	if code, _ := withCookie("POST", "/api/v1/tickets", `{"service":"A"}`, &http.Cookie{Name: KioskCookie, Value: "demo-tablet-2"}); code != 401 {
		t.Fatalf("a tablet's token as a kiosk: %d", code)
	}
}

// Only the counter's paired tablet rates, once, the visit just completed:
// anyone else is refused and the real tablet can still rate.
func TestRatingOnlyFromTheCountersTablet(t *testing.T) {
	e := newEnv(t, cappedCenter)
	clerk := e.login("canbo1")
	_, tk := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`)
	e.do("POST", "/api/v1/counters/1/next", clerk, "")
	e.do("POST", "/api/v1/counters/1/complete", clerk, "")
	for range 100 { // the board follows the commit
		if _, last := e.do("GET", "/api/v1/counters/1/last-completed", "", ""); last["rateable"] == true {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, tc := range []struct {
		name, token string
		code        int
		err         string
	}{
		{"anonymous", "", 401, "device_unpaired"},
		{"a kiosk", kioskK1, 401, "device_unpaired"},
		{"the clerk", clerk, 401, "device_unpaired"},
		{"counter 2's tablet", "tablet-two-secret", 403, "forbidden"},
	} {
		if code, r := e.do("POST", "/api/v1/counters/1/rating", tc.token, `{"rating":1}`); code != tc.code || errCode(r) != tc.err {
			t.Fatalf("%s: %d %v, want %d %s", tc.name, code, r, tc.code, tc.err)
		}
	}
	if in, _ := e.engine.Ticket(context.Background(), tk["id"].(string)); in.Rating != 0 {
		t.Fatalf("a refused rating was stored: %d", in.Rating)
	}
	if code, r := e.do("POST", "/api/v1/counters/1/rating", "tablet-one-secret", `{"rating":3}`); code != 200 || r["rating"].(float64) != 3 {
		t.Fatalf("the counter's tablet: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/counters/1/rating", "tablet-one-secret", `{"rating":1}`); code != 404 || errCode(r) != "nothing_to_rate" {
		t.Fatalf("rated twice: %d %v", code, r)
	}
	if in, _ := e.engine.Ticket(context.Background(), tk["id"].(string)); in.Rating != 3 || in.State != queue.Done {
		t.Fatalf("stored rating %d state %s", in.Rating, in.State)
	}
}

func jsonDecode(resp *http.Response, v any) { json.NewDecoder(resp.Body).Decode(v) }

// Pairing is limited per address: guessing tokens is slow, and says so.
func TestPairingRateLimited(t *testing.T) {
	e := newEnv(t, "")
	var code int
	var hdr http.Header
	var body []byte
	for range 11 {
		code, hdr, body = e.raw("POST", "/api/v1/devices/pair", "", `{"token":"guess"}`, nil)
	}
	if code != 429 || hdr.Get("Retry-After") == "" || !strings.Contains(string(body), "ghép nối quá nhiều lần") || len(hdr.Values("Set-Cookie")) != 0 {
		t.Fatalf("the 11th guess: %d %v %s", code, hdr, body)
	}
}
