package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// raw sends a request with extra headers (a body as application/json
// unless hdr says otherwise) and returns status, headers and body.
func (e *env) raw(method, path, token, body string, hdr map[string]string) (int, http.Header, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func (e *env) json(method, path, token, body, console string) (int, map[string]any) {
	e.t.Helper()
	code, _, b := e.raw(method, path, token, body, map[string]string{consoleHeader: console})
	var out map[string]any
	json.Unmarshal(b, &out)
	return code, out
}

func TestCounterClaims(t *testing.T) {
	e := newEnv(t, "")
	clerk, admin := e.login("canbo3"), e.login("quantri")
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"C"}`)
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"C"}`)

	code, first := e.json("POST", "/api/v1/counters/3/open", clerk, `{"takeover":false}`, "")
	if code != 200 || first["console"] == "" || first["user"] != "canbo3" {
		t.Fatalf("open: %d %v", code, first)
	}
	mine := first["console"].(string)

	steps := []struct {
		name, path, token, body, console string
		code                             int
		errCode                          string
		msgHas                           string
	}{
		{"a second console is refused, naming the holder", "/open", admin, `{"takeover":false}`, "", 409, "counter_in_use", "canbo3"},
		{"an action without the claim is refused", "/next", admin, "", "", 409, "counter_in_use", "canbo3"},
		{"the holder acts", "/next", clerk, "", mine, 200, "", ""},
		{"the holder's heartbeat", "/heartbeat", clerk, "", mine, 200, "", ""},
		{"a clerk cannot open another's counter", "/open", e.login("canbo1"), `{}`, "", 403, "forbidden", ""},
		{"unknown fields in open", "/open", admin, `{"takeover":true,"x":1}`, "", 400, "unknown_field", ""},
	}
	for _, s := range steps {
		code, body := e.json("POST", "/api/v1/counters/3"+s.path, s.token, s.body, s.console)
		if code != s.code || errCode(body) != s.errCode {
			t.Fatalf("%s: %d %v", s.name, code, body)
		}
		if s.msgHas != "" && !strings.Contains(body["error"].(map[string]any)["message"].(string), s.msgHas) {
			t.Fatalf("%s: message %v lacks %q", s.name, body, s.msgHas)
		}
	}

	// The administrator takes the counter over explicitly.
	code, taken := e.json("POST", "/api/v1/counters/3/open", admin, `{"takeover":true}`, "")
	if code != 200 || taken["user"] != "quantri" {
		t.Fatalf("takeover: %d %v", code, taken)
	}
	for _, path := range []string{"/heartbeat", "/recall", "/next"} {
		code, body := e.json("POST", "/api/v1/counters/3"+path, clerk, "", mine)
		if code != 409 || errCode(body) != "counter_taken_over" || !strings.Contains(body["error"].(map[string]any)["message"].(string), "quantri") {
			t.Fatalf("old console %s: %d %v", path, code, body)
		}
	}
	if code, body := e.json("POST", "/api/v1/counters/3/recall", admin, "", taken["console"].(string)); code != 200 {
		t.Fatalf("new holder recall: %d %v", code, body)
	}
	// Release (logout) frees it for the clerk.
	if code, _, _ := e.raw("POST", "/api/v1/counters/3/release", admin, "", map[string]string{consoleHeader: taken["console"].(string)}); code != 204 {
		t.Fatalf("release: %d", code)
	}
	if code, body := e.json("POST", "/api/v1/counters/3/open", clerk, `{}`, ""); code != 200 {
		t.Fatalf("reopen after release: %d %v", code, body)
	}
	// A counter nobody opened still takes scripted actions.
	if code, body := e.json("POST", "/api/v1/counters/1/next", admin, "", ""); code != 200 || body["number"] != "C002" {
		t.Fatalf("unclaimed counter: %d %v", code, body)
	}
}

func TestClaimLapses(t *testing.T) {
	e := newEnv(t, "")
	clerk, admin := e.login("canbo3"), e.login("quantri")
	e.json("POST", "/api/v1/counters/3/open", clerk, `{}`, "")
	e.clock.Advance(2 * time.Minute) // the clerk's laptop slept
	if code, body := e.json("POST", "/api/v1/counters/3/open", admin, `{}`, ""); code != 200 {
		t.Fatalf("open a lapsed counter: %d %v", code, body)
	}
}

func TestRatingTablet(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("canbo3")
	if code, r := e.do("GET", "/api/v1/counters/3/last-completed", "", ""); code != 200 || r["rateable"] != false {
		t.Fatalf("nothing yet: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/counters/3/rating", "demo-tablet-3", `{"rating":3}`); code != 404 || errCode(r) != "nothing_to_rate" {
		t.Fatalf("rate nothing: %d %v", code, r)
	}
	_, tk := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"C"}`)
	e.do("POST", "/api/v1/counters/3/next", tok, "")
	e.do("POST", "/api/v1/counters/3/complete", tok, "")
	var last map[string]any
	for range 100 { // the listener runs after the commit
		_, last = e.do("GET", "/api/v1/counters/3/last-completed", "", "")
		if last["rateable"] == true {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if last["number"] != "C001" || last["rateable"] != true || last["id"] != nil {
		t.Fatalf("last completed: %v", last)
	}
	cases := []struct {
		name, body string
		code       int
		err        string
	}{
		{"out of range", `{"rating":4}`, 400, "bad_rating"},
		{"not a number", `{"rating":"3"}`, 400, "invalid_field"},
		{"rated", `{"rating":3}`, 200, ""},
		{"only once", `{"rating":1}`, 404, "nothing_to_rate"},
	}
	for _, tc := range cases {
		if code, r := e.do("POST", "/api/v1/counters/3/rating", "demo-tablet-3", tc.body); code != tc.code || errCode(r) != tc.err {
			t.Fatalf("%s: %d %v", tc.name, code, r)
		}
		if tc.code == 200 {
			for range 100 {
				if _, last = e.do("GET", "/api/v1/counters/3/last-completed", "", ""); last["rated"] == true {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
	if _, got := e.do("GET", "/api/v1/tickets/"+tk["id"].(string), "", ""); got["rating"].(float64) != 3 {
		t.Fatalf("stored rating: %v", got)
	}
	if code, _ := e.do("GET", "/api/v1/counters/9/last-completed", "", ""); code != 404 {
		t.Fatalf("unknown counter: %d", code)
	}

	// Past the window the tablet no longer asks.
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"C"}`)
	e.do("POST", "/api/v1/counters/3/next", tok, "")
	e.do("POST", "/api/v1/counters/3/complete", tok, "")
	time.Sleep(50 * time.Millisecond)
	e.clock.Advance(11 * time.Minute)
	if code, r := e.do("POST", "/api/v1/counters/3/rating", "demo-tablet-3", `{"rating":2}`); code != 404 {
		t.Fatalf("late rating: %d %v", code, r)
	}
}

func TestReports(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("canbo1")
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`)
	e.do("POST", "/api/v1/counters/1/next", tok, "")
	e.clock.Advance(5 * time.Minute)
	e.do("POST", "/api/v1/counters/1/complete", tok, "")

	if code, r := e.do("GET", "/api/v1/reports?from=2026-11-21", tok, ""); code != 403 || errCode(r) != "admin_only" {
		t.Fatalf("clerk: %d %v", code, r)
	}
	if code, _ := e.do("GET", "/api/v1/reports", "", ""); code != 401 {
		t.Fatalf("anonymous: %d", code)
	}
	admin := e.login("quantri")
	code, r := e.do("GET", "/api/v1/reports?from=2026-11-21&to=2026-11-21", admin, "")
	if code != 200 || r["total"].(map[string]any)["tickets"].(float64) != 1 {
		t.Fatalf("report: %d %v", code, r)
	}
	fields := r["fields"].([]any)
	a := fields[0].(map[string]any)
	if a["name"] != "Hộ tịch" || a["service_median_s"].(float64) != 300 || len(fields) != 4 {
		t.Fatalf("fields: %v", fields)
	}
	code, hdr, body := e.raw("GET", "/api/v1/reports?from=2026-11-21&format=csv", admin, "", nil)
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.HasPrefix(string(body), "\ufeffNhóm,") {
		t.Fatalf("csv: %d %v %.60q", code, hdr, body)
	}
	if !strings.Contains(hdr.Get("Content-Disposition"), "bao-cao-2026-11-21_2026-11-21.csv") {
		t.Fatalf("file name: %v", hdr)
	}
	for _, q := range []string{"from=21-11-2026", "from=2026-11-21&to=2026-11-01", "from=2020-01-01&to=2026-01-01", "format=xls"} {
		if code, _ := e.do("GET", "/api/v1/reports?"+q, admin, ""); code != 400 {
			t.Fatalf("%s: %d", q, code)
		}
	}
}

func TestKioskEndpoints(t *testing.T) {
	e := newEnv(t, "")
	code, k := e.do("GET", "/api/v1/kiosks/k1", "", "")
	if code != 200 || k["confirm"] != true || k["idle_seconds"].(float64) != 30 || k["center"].(map[string]any)["name"] == "" {
		t.Fatalf("kiosk: %d %v", code, k)
	}
	if code, r := e.do("GET", "/api/v1/kiosks/k9", "", ""); code != 404 || errCode(r) != "unknown_kiosk" {
		t.Fatalf("unknown kiosk: %d %v", code, r)
	}
	_, tk := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`)
	code, hdr, svg := e.raw("GET", "/api/v1/tickets/"+tk["id"].(string)+"/qr.svg", "", "", nil)
	if code != 200 || hdr.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(string(svg), "<svg") {
		t.Fatalf("qr: %d %v %.40q", code, hdr, svg)
	}
	if code, _, _ := e.raw("GET", "/api/v1/tickets/nope/qr.svg", "", "", nil); code != 404 {
		t.Fatalf("qr of no ticket: %d", code)
	}
	if code, r := e.do("GET", "/api/v1/procedures", "", ""); code != 200 || r["procedures"] == nil {
		t.Fatalf("procedures: %d %v", code, r)
	}
}

// TestQueueFromTheBoard: GET /api/v1/queue gives each field's tickets in
// calling order and each counter's ticket with its current field, also
// after a transfer, and the ticket it completed last.
func TestQueueFromTheBoard(t *testing.T) {
	e := newEnv(t, "")
	admin := e.login("quantri")
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`)
	e.clock.Advance(time.Minute)
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"B"}`)
	e.do("POST", "/api/v1/counters/1/next", admin, "")
	if code, r := e.do("POST", "/api/v1/counters/1/transfer", admin, `{"service":"B"}`); code != 200 {
		t.Fatalf("transfer: %d %v", code, r)
	}
	var q struct {
		Fields []struct {
			Code    string
			Waiting int
			Tickets []struct{ Number string }
		}
		Counters []struct {
			ID, Serving, Service, State string
			Last                        *struct{ Number string }
		}
	}
	get := func() {
		t.Helper()
		resp, err := http.Get(e.srv.URL + "/api/v1/queue")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		q.Fields, q.Counters = nil, nil
		if err := json.NewDecoder(resp.Body).Decode(&q); err != nil {
			t.Fatal(err)
		}
	}
	get()
	if b := q.Fields[1]; b.Code != "B" || b.Waiting != 2 || len(b.Tickets) != 2 || b.Tickets[0].Number != "A001" || b.Tickets[1].Number != "B001" {
		t.Fatalf("field B after the transfer: %+v", b)
	}
	if q.Counters[0].Serving != "" {
		t.Fatalf("counter 1 still serves %q", q.Counters[0].Serving)
	}
	e.do("POST", "/api/v1/counters/2/next", admin, "")
	get()
	if c := q.Counters[1]; c.Serving != "A001" || c.Service != "B" || c.State != "called" {
		t.Fatalf("counter 2: %+v, want A001 of field B", c)
	}
	e.do("POST", "/api/v1/counters/2/complete", admin, "")
	get()
	if c := q.Counters[1]; c.Serving != "" || c.Last == nil || c.Last.Number != "A001" {
		t.Fatalf("counter 2 after complete: %+v", c)
	}
}
