package server

import (
	"strings"
	"testing"
	"time"
)

func errMessage(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

// TestCallSaysWhereTheNumberWent: a number never issued today and one
// marked absent get different words, the absent one with its time; a
// number at a counter or served says so too.
func TestCallSaysWhereTheNumberWent(t *testing.T) {
	e := newEnv(t, "")
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`)
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`)
	tok := e.login("canbo1")
	e.clock.Advance(7 * time.Minute) // 09:07
	e.do("POST", "/api/v1/counters/1/next", tok, "")
	if code, r := e.do("POST", "/api/v1/counters/1/no-show", tok, ""); code != 200 {
		t.Fatalf("no-show: %d %v", code, r)
	}
	code, r := e.do("POST", "/api/v1/counters/1/call", tok, `{"ticket":"a057"}`)
	if code != 404 || errCode(r) != "ticket_not_found" || errMessage(r) != "Không có số A057 hôm nay." {
		t.Fatalf("a number never issued: %d %v", code, r)
	}
	code, r = e.do("POST", "/api/v1/counters/1/call", tok, `{"ticket":"A001"}`)
	if code != 409 || errCode(r) != "ticket_not_waiting" || !strings.HasPrefix(errMessage(r), "Số A001 đã bỏ lượt lúc 09:07") {
		t.Fatalf("a no-show: %d %v", code, r)
	}
	if body := r["error"].(map[string]any); body["state"] != "no_show" || body["number"] != "A001" {
		t.Fatalf("the no-show's error does not say its state: %v", body)
	}
	e.do("POST", "/api/v1/counters/1/next", tok, "") // A002 at counter 1
	tok2 := e.login("canbo2")
	code, r = e.do("POST", "/api/v1/counters/2/call", tok2, `{"ticket":"A002"}`)
	if code != 409 || errMessage(r) != "Số A002 đang ở Quầy 1." {
		t.Fatalf("a number at a counter: %d %v", code, r)
	}
}

// TestReturnPutsANoShowBackAtItsPlace: POST return puts a ticket marked
// absent back at the head of its order, the next call takes it again; a
// ticket not absent, or never issued, is refused with its own code.
func TestReturnPutsANoShowBackAtItsPlace(t *testing.T) {
	e := newEnv(t, "")
	for range 3 {
		e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`)
		e.clock.Advance(time.Minute)
	}
	tok := e.login("canbo1")
	e.do("POST", "/api/v1/counters/1/next", tok, "")
	if code, r := e.do("POST", "/api/v1/counters/1/return", tok, `{"ticket":"A001"}`); code != 409 || errCode(r) != "ticket_not_no_show" {
		t.Fatalf("return of a called ticket: %d %v", code, r)
	}
	e.do("POST", "/api/v1/counters/1/no-show", tok, "")
	code, r := e.do("POST", "/api/v1/counters/1/return", tok, `{"ticket":"A001"}`)
	if code != 200 || r["state"] != "waiting" || r["ahead"].(float64) != 0 || r["number"] != "A001" {
		t.Fatalf("return: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/counters/1/return", tok, `{"ticket":"A009"}`); code != 404 || errMessage(r) != "Không có số A009 hôm nay." {
		t.Fatalf("return of a number never issued: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/counters/1/next", tok, ""); code != 200 || r["number"] != "A001" {
		t.Fatalf("next after the return: %d %v", code, r)
	}
}

// TestCounterQueueListsTheWaitingAndWhoIsNext: the console's list has every
// waiting number in calling order with its wait and priority, and "next"
// is what the counter's policy calls (a priority ticket of any of its
// fields first), which Next then calls.
func TestCounterQueueListsTheWaitingAndWhoIsNext(t *testing.T) {
	e := newEnv(t, "")
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`) // 09:00
	e.clock.Advance(2 * time.Minute)
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`) // 09:02
	e.clock.Advance(time.Minute)
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"B","priority":true}`) // 09:03
	e.clock.Advance(time.Minute)                                                // 09:04
	tok := e.login("canbo1")
	code, q := e.do("GET", "/api/v1/counters/1/queue", tok, "")
	if code != 200 {
		t.Fatalf("queue: %d %v", code, q)
	}
	next, _ := q["next"].(map[string]any)
	if next == nil || next["number"] != "B001" || next["priority"] != true {
		t.Fatalf("next %v, want the priority B001 (counter 1 serves B after A)", q["next"])
	}
	fields := q["fields"].([]any)
	a := fields[0].(map[string]any)
	tickets := a["tickets"].([]any)
	if a["code"] != "A" || a["mine"] != true || len(tickets) != 2 {
		t.Fatalf("field A: %v", a)
	}
	first := tickets[0].(map[string]any)
	if first["number"] != "A001" || first["wait_s"].(float64) != 240 || first["priority"] != false {
		t.Fatalf("A's first ticket: %v", first)
	}
	b := fields[1].(map[string]any)["tickets"].([]any)[0].(map[string]any)
	if b["number"] != "B001" || b["priority"] != true || b["wait_s"].(float64) != 60 {
		t.Fatalf("B's first ticket: %v", b)
	}
	if code, r := e.do("POST", "/api/v1/counters/1/next", tok, ""); code != 200 || r["number"] != next["number"] {
		t.Fatalf("next called %v, the list said %v", r["number"], next["number"])
	}
	if code, _ := e.do("GET", "/api/v1/counters/3/queue", tok, ""); code != 403 {
		t.Fatalf("another counter's list: %d", code)
	}
}

// TestLastCompletedIsRecentForTwoMinutes: a completion is rateable for 10
// minutes, but "recent" (what a reloaded tablet asks about) for 2, by the
// service's clock.
func TestLastCompletedIsRecentForTwoMinutes(t *testing.T) {
	e := newEnv(t, "")
	e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`)
	tok := e.login("canbo1")
	e.do("POST", "/api/v1/counters/1/next", tok, "")
	e.do("POST", "/api/v1/counters/1/complete", tok, "")
	var elapsed time.Duration
	for _, c := range []struct {
		after            time.Duration
		rateable, recent bool
	}{{0, true, true}, {119 * time.Second, true, true}, {2 * time.Minute, true, false}, {9 * time.Minute, true, false}, {10 * time.Minute, false, false}} {
		e.clock.Advance(c.after - elapsed)
		elapsed = c.after
		code, r := e.do("GET", "/api/v1/counters/1/last-completed", "", "")
		if code != 200 || r["number"] != "A001" || r["rateable"] != c.rateable || r["recent"] != c.recent {
			t.Fatalf("%v after the completion: %d %v, want rateable %v recent %v", c.after, code, r, c.rateable, c.recent)
		}
	}
}
