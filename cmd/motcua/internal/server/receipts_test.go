package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/kiosk/printing"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// printEnv is the demo center with its file printers, for receipts.
type printEnv struct {
	*env
	db *sql.DB
}

func newPrintEnv(t *testing.T) *printEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg, err := config.Load("../../../../configs/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clk := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	dir := t.TempDir()
	db, err := database.Open(filepath.Join(dir, "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	store := queuetest.NewStore()
	e, err := queue.New(ctx, queue.Opts{Fields: cfg.QueueFields(), Counters: cfg.QueueCounters(), Store: store, Clock: clk, Location: ict})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	po := printing.Opts{DataDir: dir, CenterName: cfg.Center.Name, BaseURL: cfg.BaseURL(), Location: ict}
	for _, p := range cfg.Printers {
		po.Printers = append(po.Printers, printing.Printer{Name: p.Name, Transport: p.Transport, Dir: p.Dir, Width: p.Width})
	}
	prints, err := printing.Open(ctx, db, e, po)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Opts{Config: cfg, Engine: e, Store: pingOK{}, Sessions: testSessions(t, clk), Clock: clk, Printing: prints})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); prints.Close(); cancel(); <-done; db.Close() })
	return &printEnv{env: &env{t: t, srv: hs, engine: e, store: store, clock: clk}, db: db}
}

// jobs is how many print jobs were queued.
func (p *printEnv) jobs() int {
	p.t.Helper()
	var n int
	if err := p.db.QueryRow(`SELECT COUNT(*) FROM print_jobs`).Scan(&n); err != nil {
		p.t.Fatal(err)
	}
	return n
}

func receiptBody(extra map[string]any) string {
	body := map[string]any{"dossier_code": "000.00.14.H56-261121-0001", "procedure": "Đăng ký khai sinh",
		"applicant": map[string]any{"name": "Nguyễn Văn A"}, "documents": []string{"Tờ khai"}}
	for k, v := range extra {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	return string(b)
}

func TestClerkPrintsOnlyOnTheirCounterPrinter(t *testing.T) {
	p := newPrintEnv(t)
	clerk := p.login("canbo1")
	for _, printer := range []string{"kiosk1", "quay2"} {
		code, r := p.do("POST", "/api/v1/receipts", clerk, receiptBody(map[string]any{"printer": printer}))
		if code != 403 || errCode(r) != "forbidden" {
			t.Fatalf("canbo1 on %s: %d %v", printer, code, r)
		}
	}
	if code, r := p.do("POST", "/api/v1/receipts", clerk, receiptBody(map[string]any{"counter": "2"})); code != 403 {
		t.Fatalf("canbo1 naming counter 2: %d %v", code, r)
	}
	if n := p.jobs(); n != 0 {
		t.Fatalf("refused receipts queued %d jobs", n)
	}
	if code, r := p.do("POST", "/api/v1/receipts", clerk, receiptBody(map[string]any{"printer": "quay1"})); code != 202 || r["printer"] != "quay1" {
		t.Fatalf("canbo1 on quay1: %d %v", code, r)
	}
	if code, r := p.do("POST", "/api/v1/receipts", clerk, receiptBody(nil)); code != 202 || r["printer"] != "quay1" {
		t.Fatalf("canbo1, no printer named: %d %v", code, r)
	}
	admin := p.login("quantri")
	if code, r := p.do("POST", "/api/v1/receipts", admin, receiptBody(map[string]any{"printer": "kiosk1"})); code != 202 || r["printer"] != "kiosk1" {
		t.Fatalf("the administrator on kiosk1: %d %v", code, r)
	}
	if n := p.jobs(); n != 3 {
		t.Fatalf("%d jobs, want 3", n)
	}
}

func TestReceiptSizeIsCapped(t *testing.T) {
	p := newPrintEnv(t)
	clerk := p.login("canbo1")
	long := strings.Repeat("Giấy tờ rất dài ", 40) // 640 characters
	many := make([]string, 31)
	for i := range many {
		many[i] = fmt.Sprintf("Giấy tờ %d", i)
	}
	cases := []struct {
		name  string
		extra map[string]any
		field string
	}{
		{"too many documents", map[string]any{"documents": many}, "invalid_field"},
		{"a long document", map[string]any{"documents": []string{long}}, "invalid_field"},
		{"a long procedure", map[string]any{"procedure": long}, "invalid_field"},
		{"a long name", map[string]any{"applicant": map[string]any{"name": long}}, "invalid_field"},
		{"a long address", map[string]any{"applicant": map[string]any{"name": "A", "address": long}}, "invalid_field"},
		{"a long fee", map[string]any{"fee": long}, "invalid_field"},
		{"a long return place", map[string]any{"return_place": long}, "invalid_field"},
		{"a long receiver", map[string]any{"receiver": long}, "invalid_field"},
		{"three copies", map[string]any{"copies": 3}, "invalid_field"},
		{"documents over the total", map[string]any{"documents": func() []string {
			d := make([]string, 30)
			for i := range d {
				d[i] = strings.Repeat("x", 190)
			}
			return d
		}()}, "invalid_field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, r := p.do("POST", "/api/v1/receipts", clerk, receiptBody(tc.extra))
			if code != 400 || errCode(r) != tc.field {
				t.Fatalf("%d %v", code, r)
			}
			if m, _ := r["error"].(map[string]any)["message"].(string); m == "" {
				t.Fatal("no message")
			}
		})
	}
	if n := p.jobs(); n != 0 {
		t.Fatalf("refused receipts queued %d jobs", n)
	}
}

// TestReceiptJobState: the console follows a receipt's job to its outcome;
// a clerk sees only the jobs of their counters' printers, and a ticket's
// job is no receipt.
func TestReceiptJobState(t *testing.T) {
	p := newPrintEnv(t)
	clerk := p.login("canbo1")
	code, r := p.do("POST", "/api/v1/receipts", clerk, receiptBody(nil))
	if code != 202 {
		t.Fatalf("receipt: %d %v", code, r)
	}
	job := r["job"].(string)
	var st map[string]any
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		code, st = p.do("GET", "/api/v1/receipts/"+job, clerk, "")
		if code != 200 {
			t.Fatalf("job state: %d %v", code, st)
		}
		if s := st["state"]; s == "printed" || s == "sent" || s == "failed" {
			break
		}
	}
	if st["state"] != "printed" && st["state"] != "sent" || st["printer"] != "quay1" || st["job"] != job {
		t.Fatalf("the job of a file printer: %v", st)
	}
	if code, r := p.do("GET", "/api/v1/receipts/"+job, p.login("canbo2"), ""); code != 404 || errCode(r) != "not_found" {
		t.Fatalf("another counter's clerk: %d %v", code, r)
	}
	admin := p.login("quantri")
	if code, _ := p.do("GET", "/api/v1/receipts/"+job, admin, ""); code != 200 {
		t.Fatalf("the administrator: %d", code)
	}
	p.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`) // its ticket's job follows the receipt's
	next, _ := strconv.Atoi(job)
	if code, r := p.do("GET", "/api/v1/receipts/"+strconv.Itoa(next+1), admin, ""); code != 404 {
		t.Fatalf("a ticket's job as a receipt: %d %v", code, r)
	}
	if code, _ := p.do("GET", "/api/v1/receipts/x", clerk, ""); code != 404 {
		t.Fatalf("a job id that is no number: %d", code)
	}
}

// A receipt carrying a number for messages at a center that sends none is
// refused before it prints: the clerk must not believe the applicant will
// be told. Without a number the same receipt prints.
func TestReceiptContactWithoutNotifications(t *testing.T) {
	p := newPrintEnv(t)
	clerk := p.login("canbo1")
	code, r := p.do("POST", "/api/v1/receipts", clerk, receiptBody(map[string]any{
		"notify": map[string]any{"phone": "0987 654 321", "consent": true}}))
	if code != 409 || errCode(r) != "notify_off" || p.jobs() != 0 {
		t.Fatalf("a number at a center without messages: %d %v, %d jobs", code, r, p.jobs())
	}
	code, r = p.do("POST", "/api/v1/receipts", clerk, receiptBody(map[string]any{"notify": map[string]any{"phone": " ", "consent": false}}))
	if code != 202 || r["notify"] != nil || p.jobs() != 1 {
		t.Fatalf("no number: %d %v, %d jobs", code, r, p.jobs())
	}
}
