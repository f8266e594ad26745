package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/clock/clocktest"
	"motcua/queue"
)

// A made-up citizen: the QR code of their card, and what of it must never
// be kept, logged or shown.
const (
	testCard      = "001099012345|123456789|Nguyễn Văn An|15081999|Nam|Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|20042021"
	testOtherCard = "079203001122||Trần Thị Bình|01012003|Nữ|Quận 1, TP.HCM|10102022"
)

var testCardParts = []string{"001099012345", "123456789", "Nguyễn Văn An", "15081999", "Tràng Tiền", "20042021",
	"079203001122", "Trần Thị Bình", "01012003"}

// identityYAML turns the ID card on in the demo: required everywhere, the
// default caps (2 a day, 1 per field).
func identityYAML(yaml string) string {
	return yaml + "\nidentity: {mode: required, secret: demo-province-identity-secret-000000}\n"
}

// syncBuffer is a log written by the service's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// identityCenter serves the demo with the ID card on, from dir, logging at
// debug level to logs and collecting the engine's events.
func identityCenter(t *testing.T, dir string, logs io.Writer, events *[]queue.Event, mu *sync.Mutex) (*service, *httptest.Server) {
	t.Helper()
	data, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(data), "procedures: procedures.sample.yaml", "procedures: "+mustAbs(t, "../../configs/procedures.sample.yaml"), 1)
	path := filepath.Join(dir, "center.yaml")
	yaml = identityYAML(yaml) + "security: {kiosk_tickets: {burst: 100, every: 1ms}, address_tickets: {burst: 100, every: 1ms}}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = filepath.Join(dir, "data")
	svc, err := openService(context.Background(), cfg, serviceOpts{
		log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		onEvents: func(evs []queue.Event) {
			mu.Lock()
			*events = append(*events, evs...)
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc, httptest.NewServer(svc.handler)
}

type issueAnswer struct {
	status  int
	number  string
	id      string
	code    string
	message string
	raw     string
}

// takeWith asks kiosk (k1 prints, k2 does not) for a number in svc, with
// citizenID as the kiosk read it ("" for none).
func takeWith(t *testing.T, base, kiosk, svc, citizenID string) issueAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"service": svc, "citizen_id": citizenID})
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/tickets", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer demo-kiosk-"+kiosk)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		ID, Number string
		Error      struct{ Code, Message string }
	}
	json.Unmarshal(raw, &out)
	return issueAnswer{status: resp.StatusCode, number: out.Number, id: out.ID, code: out.Error.Code, message: out.Error.Message, raw: string(raw)}
}

// TestPersonCapsAtTheKiosk: a card scanned and its number typed are the
// same person; the caps (1 per field, 2 a day) hold across kiosks and a
// restart, with an answer in Vietnamese that says where to go.
// TestNoRawIDAnywhere (below) runs over what this leaves.
func TestPersonCapsAtTheKiosk(t *testing.T) {
	dir := t.TempDir()
	var logs syncBuffer
	var events []queue.Event
	var mu sync.Mutex
	svc, hs := identityCenter(t, dir, &logs, &events, &mu)

	if a := takeWith(t, hs.URL, "k1", "A", testCard); a.status != 201 || a.number != "A001" {
		t.Fatalf("first number: %+v", a)
	}
	a := takeWith(t, hs.URL, "k2", "A", "001 099 012 345") // the same person, typed, at the other kiosk
	if a.status != 409 || a.code != "person_cap" || !strings.Contains(a.message, "A001") || !strings.Contains(a.message, "Quầy 1") {
		t.Fatalf("a second number in A: %+v", a)
	}
	if a := takeWith(t, hs.URL, "k2", "B", "001099012345"); a.status != 201 || a.number != "B001" {
		t.Fatalf("B: %+v", a)
	}
	if a := takeWith(t, hs.URL, "k2", "C", ""); a.status != 422 || a.code != "id_required" || !strings.Contains(a.message, "CCCD") {
		t.Fatalf("no card: %+v", a)
	}
	if a := takeWith(t, hs.URL, "k2", "C", "000.00.14.H56-200203-0118"); a.status != 400 || a.code != "invalid_id" {
		t.Fatalf("a dossier code for a card: %+v", a)
	}
	if a := takeWith(t, hs.URL, "k1", "C", testOtherCard); a.status != 201 || a.number != "C001" {
		t.Fatalf("another person: %+v", a)
	}
	hs.Close()
	svc.close()

	// After a restart the day's numbers still count.
	svc, hs = identityCenter(t, dir, &logs, &events, &mu)
	defer func() { hs.Close(); svc.close() }()
	a = takeWith(t, hs.URL, "k1", "C", testCard)
	if a.status != 409 || a.code != "person_cap" || !strings.Contains(a.message, "A001, B001") || !strings.Contains(a.message, "tối đa 2 số mỗi ngày") {
		t.Fatalf("a third number after a restart: %+v", a)
	}
	if a := takeWith(t, hs.URL, "k1", "D", testOtherCard); a.status != 201 || a.number != "D001" {
		t.Fatalf("the other person's second: %+v", a)
	}
	hs.Close()
	svc.close()

	// Nothing of the cards anywhere: database files, prints, logs, events.
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(path) == "center.yaml" {
			return err
		}
		files = append(files, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, p := range testCardParts {
			if bytes.Contains(b, []byte(p)) {
				t.Errorf("%s holds %q", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(files, " "), "motcua.db") {
		t.Fatalf("no database among %v", files)
	}
	mu.Lock()
	evs, _ := json.Marshal(events)
	mu.Unlock()
	persons := 0
	for _, ev := range events {
		if ev.Type == queue.EventIssued && ev.Ticket.Person != "" {
			persons++
		}
	}
	if persons != 4 {
		t.Errorf("%d issued events name a person, want 4", persons)
	}
	log := logs.String()
	if !strings.Contains(log, "person_cap") || !strings.Contains(log, "invalid_id") {
		t.Fatalf("the refusals are not in the debug log:\n%s", log)
	}
	for _, p := range testCardParts {
		if strings.Contains(log, p) {
			t.Errorf("the log holds %q", p)
		}
		if bytes.Contains(evs, []byte(p)) {
			t.Errorf("the events hold %q", p)
		}
	}
}

// TestPersonNotOnScreens: the person's key, though kept, is in no answer
// the pages read (the ticket, the queue, the phone page).
func TestPersonNotOnScreens(t *testing.T) {
	c := startCenter(t, false, identityYAML)
	a := takeWith(t, c.url, "k2", "A", testCard)
	if a.status != 201 {
		t.Fatalf("%+v", a)
	}
	tk, err := c.engine.Ticket(t.Context(), a.id)
	if err != nil || len(tk.Person) != 64 {
		t.Fatalf("the ticket keeps no person: %+v %v", tk, err)
	}
	for _, path := range []string{"/api/v1/tickets/" + a.id, "/api/v1/queue", "/api/v1/services", "/t/" + a.id} {
		resp, err := http.Get(c.url + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if bytes.Contains(b, []byte(tk.Person)) || bytes.Contains(b, []byte(tk.Person[:16])) {
			t.Errorf("%s shows the person's key", path)
		}
	}
	if a.raw != "" && strings.Contains(a.raw, tk.Person) {
		t.Error("the kiosk's answer shows the person's key")
	}
}

// post sends body to the kiosk API as kiosk k2 and decodes the answer.
func post(t *testing.T, base string, body map[string]any) issueAnswer {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/tickets", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer demo-kiosk-k2")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		ID, Number, Category string
		CategoryName         string `json:"category_name"`
		Priority             bool
		Error                struct{ Code, Message string }
	}
	json.Unmarshal(raw, &out)
	return issueAnswer{status: resp.StatusCode, number: out.Number, id: out.ID, code: out.Error.Code, message: out.Error.Message, raw: string(raw)}
}

// TestPriorityCheckAndLaneAtTheCenter: a priority number needs the staff's
// PIN (none or a wrong one: 403, nothing issued) and a known category; the
// demo's field D made an agents' lane waits behind every citizen at the
// counter that lists it first.
func TestPriorityCheckAndLaneAtTheCenter(t *testing.T) {
	c := startCenter(t, false, func(y string) string {
		return priorityYAML(strings.Replace(y, `{ code: D, name: "Kinh doanh" }`, `{ code: D, name: "Đại lý, doanh nghiệp", lane: true, daily_cap: 30 }`, 1))
	})
	for _, tc := range []struct {
		body         map[string]any
		status       int
		code, number string
	}{
		{map[string]any{"service": "A", "priority": true}, 403, "priority_check", ""},
		{map[string]any{"service": "A", "category": "elderly", "staff_pin": "111111"}, 403, "priority_check", ""},
		{map[string]any{"service": "A", "category": "vip", "staff_pin": "246810"}, 422, "unknown_category", ""},
		{map[string]any{"service": "D"}, 201, "", "D001"},
		{map[string]any{"service": "A"}, 201, "", "A001"},
		{map[string]any{"service": "A", "category": "elderly", "staff_pin": "246810"}, 201, "", "A002"},
	} {
		a := post(t, c.url, tc.body)
		if a.status != tc.status || a.code != tc.code || a.number != tc.number {
			t.Fatalf("%v: %+v", tc.body, a)
		}
		if tc.number == "A002" && !strings.Contains(a.raw, `"category_name":"Người cao tuổi"`) {
			t.Fatalf("the ticket does not name its category: %s", a.raw)
		}
	}
	ctx := t.Context()
	var called []string
	for range 3 {
		tk, err := c.engine.Next(ctx, "4") // counter 4 lists D first
		if err != nil {
			t.Fatal(err)
		}
		called = append(called, tk.Number)
	}
	if strings.Join(called, " ") != "A002 A001 D001" {
		t.Fatalf("counter 4 called %v", called)
	}
}

// TestStaffPINFailuresWait: a kiosk whose staff PINs fail 5 times waits
// before the next try, the right PIN included, and is told how long.
func TestStaffPINFailuresWait(t *testing.T) {
	clock := clocktest.New(time.Now())
	c := startCenterWith(t, serviceOpts{apiClock: clock}, false, priorityYAML)
	for i := range 5 {
		if a := post(t, c.url, map[string]any{"service": "A", "category": "elderly", "staff_pin": "000000"}); a.status != 403 {
			t.Fatalf("wrong PIN %d: %+v", i+1, a)
		}
	}
	a := post(t, c.url, map[string]any{"service": "A", "category": "elderly", "staff_pin": "246810"})
	if a.status != 429 || a.code != "priority_check" || !strings.Contains(a.message, "Xin chờ") {
		t.Fatalf("after 5 wrong PINs: %+v", a)
	}
	clock.Advance(time.Minute)
	if a := post(t, c.url, map[string]any{"service": "A", "category": "elderly", "staff_pin": "246810"}); a.status != 201 {
		t.Fatalf("after the wait: %+v", a)
	}
	if n := tickets(t, c); n != 1 {
		t.Fatalf("%d tickets, want 1", n)
	}
}
