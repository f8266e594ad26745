package fleet_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"motcua/display/browsertest"
	"motcua/internal/pgtest"
	"motcua/province/fleet"
	"motcua/province/pgstore"
	"motcua/province/wire"
	"motcua/queue"
)

var ict = time.FixedZone("ICT", 7*3600)

// hub is a fleet on a new database with three centers: c1 and c2 have
// tickets on 2026-11-20 and 21, c3 none. quantri is the province's
// administrator, ql1 the manager of c1; both have the password "demo".
func hub(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	hash, err := bcrypt.GenerateFromPassword([]byte("demo"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	f, err := fleet.New(fleet.Opts{DB: db, Province: "Tỉnh Thử", Location: ict,
		Centers: []fleet.Center{{ID: "c1", Name: "Phường Bến Thành"}, {ID: "c2", Name: "Xã Tân Nhựt"}, {ID: "c3", Name: "Xã Bình Chánh"}},
		Staff: []fleet.Account{{Username: "quantri", Name: "Quản trị tỉnh", Role: fleet.RoleProvinceAdmin, PasswordHash: string(hash)},
			{Username: "ql1", Name: "Quản lý Bến Thành", Role: fleet.RoleManager, Centers: []string{"c1"}, PasswordHash: string(hash)}},
		SessionSecret: bytes.Repeat([]byte("k"), 32),
		CheckConfig:   func([]byte) error { return nil },
		Notify:        func(string, wire.Notice) error { return nil },
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Enroll(ctx); err != nil {
		t.Fatal(err)
	}
	// c1: on the 20th, A001 served after waits of 5 s, A002 after 6 s (both
	// at counter 1), B001 no-show at counter 2; on the 21st, A003 served
	// after 611 s and A004 after 977 s at counter 1, B002 moved to A and
	// waiting, A005 cancelled. c2: one served on the 21st.
	type tk struct {
		day, num, origin, service, counter string
		state                              queue.State
		issued                             string
		wait                               int
		rating                             int
	}
	seqs := map[string]uint64{}
	for i, x := range []struct {
		center string
		tk
	}{
		{"c1", tk{"2026-11-20", "A001", "A", "A", "1", queue.Done, "08:00", 5, 3}},
		{"c1", tk{"2026-11-20", "A002", "A", "A", "1", queue.Done, "08:10", 6, 2}},
		{"c1", tk{"2026-11-20", "B001", "B", "B", "2", queue.NoShow, "09:00", 60, 0}},
		{"c1", tk{"2026-11-21", "A003", "A", "A", "1", queue.Done, "08:00", 611, 1}},
		{"c1", tk{"2026-11-21", "A004", "A", "A", "1", queue.Done, "08:30", 977, 0}},
		{"c1", tk{"2026-11-21", "B002", "B", "A", "", queue.Transferred, "09:15", 0, 0}},
		{"c1", tk{"2026-11-21", "A005", "A", "A", "", queue.Cancelled, "09:20", 0, 0}},
		{"c2", tk{"2026-11-21", "A001", "A", "A", "3", queue.Done, "14:00", 120, 3}},
	} {
		issued, _ := time.ParseInLocation("2006-01-02 15:04", x.day+" "+x.issued, ict)
		t := queue.Ticket{ID: x.day + "-" + x.num, Day: x.day, Origin: x.origin, Seq: i + 1, Number: x.num,
			Service: x.service, State: x.state, Counter: x.counter, IssuedAt: issued, QueuedAt: issued,
			Rating: x.rating, Print: queue.PrintPrinted}
		if x.wait > 0 {
			t.CalledAt = issued.Add(time.Duration(x.wait) * time.Second)
		}
		if x.state == queue.Done || x.state == queue.NoShow {
			t.DoneAt = t.CalledAt.Add(5 * time.Minute)
		}
		seqs[x.center]++
		if _, err := db.Ingest(ctx, x.center, []queue.Event{{Seq: seqs[x.center], At: issued, Type: queue.EventIssued, Ticket: t}}); err != nil {
			panic(err)
		}
	}
	h := f.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == 404 {
			t.Logf("404 %s", r.URL)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func signIn(t *testing.T, base, user string) string {
	t.Helper()
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"`+user+`","password":"demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v.Token == "" {
		t.Fatalf("sign-in of %s: %d %v", user, resp.StatusCode, err)
	}
	return v.Token
}

func get(t *testing.T, base, tok, path string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

type stats struct {
	Tickets, Served, Cancelled, Open, Waiting int
	NoShows                                   int     `json:"no_shows"`
	TransfersIn                               int     `json:"transfers_in"`
	TransfersOut                              int     `json:"transfers_out"`
	WaitMedianS                               float64 `json:"wait_median_s"`
	WaitP90S                                  int     `json:"wait_p90_s"`
	Ratings                                   [3]int
}

type row struct {
	Center, Key, Name string
	stats
}

type reportBody struct {
	From, To  string
	Total     stats
	Centers   []row
	Fields    []row
	Counters  []row
	NotCalled stats `json:"not_called"`
	Hours     []row
	Days      []row
	Notes     []string
}

func TestReportAPI(t *testing.T) {
	base := hub(t)
	admin, manager := signIn(t, base, "quantri"), signIn(t, base, "ql1")

	code, _, body := get(t, base, admin, "/api/v1/reports?from=2026-11-20&to=2026-11-21")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var r reportBody
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	if r.Total.Tickets != 8 || r.Total.Served != 5 || r.Total.NoShows != 1 || r.Total.Cancelled != 1 || r.Total.Open != 1 ||
		r.Total.Waiting != 1 || r.Total.TransfersIn != 1 || r.Total.TransfersOut != 1 || r.Total.Ratings != [3]int{1, 1, 2} {
		t.Fatalf("total %+v", r.Total)
	}
	if len(r.Centers) != 3 || r.Centers[0].Tickets != 7 || r.Centers[1].Tickets != 1 || r.Centers[2].Tickets != 0 || r.Centers[2].Name != "Xã Bình Chánh" {
		t.Fatalf("centers %+v", r.Centers)
	}
	if len(r.Notes) == 0 {
		t.Fatal("no notes saying what the figures count")
	}
	// Counter 1 of c1: waits 5, 6, 611, 977 s: the median is 308.5 s.
	c1 := r.Counters[0]
	if c1.Center != "c1" || c1.Key != "1" || c1.Tickets != 4 || c1.WaitMedianS != 308.5 || c1.WaitP90S != 977 {
		t.Fatalf("counter c1/1 %+v", c1)
	}
	sum := r.NotCalled.Tickets
	for _, c := range r.Counters {
		sum += c.Tickets
	}
	if sum != r.Total.Tickets || r.NotCalled.Tickets != 2 {
		t.Fatalf("counters add up to %d (not called %d), total %d", sum, r.NotCalled.Tickets, r.Total.Tickets)
	}

	// A manager sees only the centers they manage.
	code, _, body = get(t, base, manager, "/api/v1/reports?from=2026-11-20&to=2026-11-21")
	var m reportBody
	if err := json.Unmarshal(body, &m); code != 200 || err != nil {
		t.Fatalf("%d %s", code, body)
	}
	if len(m.Centers) != 1 || m.Centers[0].Key != "c1" || m.Total.Tickets != 7 {
		t.Fatalf("manager of c1 got centers %+v, total %d", m.Centers, m.Total.Tickets)
	}
	// A range without tickets: every list empty, none null.
	code, _, body = get(t, base, admin, "/api/v1/reports?from=2026-10-01&to=2026-10-31")
	for _, k := range []string{`"centers":[{`, `"fields":[]`, `"counters":[]`, `"hours":[]`, `"days":[]`} {
		if code != 200 || !strings.Contains(string(body), k) {
			t.Fatalf("empty range: %d, %s not in %s", code, k, body)
		}
	}
	code, _, body = get(t, base, admin, "/api/v1/reports?from=2026-11-21&to=2026-11-21&center=c2")
	var one reportBody
	if err := json.Unmarshal(body, &one); code != 200 || err != nil || len(one.Centers) != 1 || one.Total.Tickets != 1 {
		t.Fatalf("c2 alone: %d %s", code, body)
	}

	for _, tc := range []struct {
		name, tok, query string
		status           int
		code, message    string
	}{
		{"manager asks another center", manager, "from=2026-11-20&center=c2", 403, "forbidden", "không quản lý trung tâm c2"},
		{"unknown center", admin, "from=2026-11-20&center=c9", 404, "center_not_found", "Không có trung tâm c9"},
		{"bad from", admin, "from=20-11-2026", 400, "invalid_date", "Ngày bắt đầu (from) phải có dạng YYYY-MM-DD"},
		{"bad to", admin, "from=2026-11-20&to=2026-11-31", 400, "invalid_date", "Ngày kết thúc (to) phải có dạng YYYY-MM-DD"},
		{"to before from", admin, "from=2026-11-21&to=2026-11-20", 400, "invalid_range", "phải từ ngày bắt đầu (2026-11-21) trở đi"},
		{"367 days", admin, "from=2025-11-21&to=2026-11-22", 400, "range_too_long", "tối đa 366 ngày; khoảng đã chọn có 367 ngày"},
		{"366 days", admin, "from=2025-11-21&to=2026-11-21", 200, "", ""},
		{"bad format", admin, "from=2026-11-21&format=xlsx", 400, "invalid_format", "json hoặc csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := get(t, base, tc.tok, "/api/v1/reports?"+tc.query)
			if code != tc.status {
				t.Fatalf("%d %s, want %d", code, body, tc.status)
			}
			if tc.code == "" {
				return
			}
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.message) {
				t.Fatalf("error %s, want %s with %q", body, tc.code, tc.message)
			}
		})
	}
	if code, _, _ := get(t, base, "", "/api/v1/reports"); code != 401 {
		t.Fatalf("without sign-in: %d", code)
	}
}

// The CSV opens in Excel (BOM, CRLF), has the center CSV's Vietnamese
// headers, and each group's rows add up to the total row.
func TestReportCSV(t *testing.T) {
	base := hub(t)
	code, h, body := get(t, base, signIn(t, base, "quantri"), "/api/v1/reports?from=2026-11-20&to=2026-11-21&format=csv")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "bao-cao-tinh_2026-11-20_2026-11-21.csv") {
		t.Fatalf("%d %v", code, h)
	}
	if !bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}) || !bytes.Contains(body, []byte("\r\n")) {
		t.Fatal("no BOM or no CRLF")
	}
	cr := csv.NewReader(bytes.NewReader(body[3:]))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0][:4], ",") != "Nhóm,Mã,Tên,Số phiếu" || rows[1][0] != "Tổng" || rows[1][3] != "8" {
		t.Fatalf("head %q", rows[:2])
	}
	sums := map[string][]int{}
	notes := 0
	for _, r := range rows[2:] {
		if len(r) < 9 {
			if len(r) == 3 && r[0] == "Ghi chú" {
				notes++
			}
			continue
		}
		if sums[r[0]] == nil {
			sums[r[0]] = make([]int, 6)
		}
		for i := range 6 { // Số phiếu .. Đang chờ
			n, err := strconv.Atoi(r[3+i])
			if err != nil {
				t.Fatalf("row %q: %v", r, err)
			}
			sums[r[0]][i] += n
		}
	}
	want := fmt.Sprint(rows[1][3:9])
	for _, g := range []string{"Trung tâm", "Lĩnh vực", "Quầy", "Giờ", "Ngày"} {
		got := strings.Fields(strings.Trim(fmt.Sprint(sums[g]), "[]"))
		if "["+strings.Join(got, " ")+"]" != want {
			t.Errorf("%s rows add up to %v, total row %v", g, got, want)
		}
	}
	if notes == 0 {
		t.Error("no notes below the table")
	}
	for _, r := range rows {
		if r[0] == "Quầy" && r[1] == "c1/1" && (r[2] != "Phường Bến Thành – Quầy 1" || r[9] != "308.5") {
			t.Errorf("counter row %q", r)
		}
	}
}

// The report page shows the figures, each table with the total at its foot,
// the notes, and a CSV link for the range and center chosen.
func TestReportPage(t *testing.T) {
	base := hub(t)
	ctx := browsertest.New(t, browsertest.Opts{Width: 1366, Height: 768, Lang: "vi-VN", Timeout: 3 * time.Minute})
	run := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(c, steps...); err != nil {
			t.Fatalf("browser: %v", err)
		}
	}
	text := func(js string) string {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		v, err := chromedp.Run(c, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	// waitFor polls a condition, through page loads, with a deadline.
	waitFor := func(js string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			c, cancel := context.WithTimeout(ctx, 5*time.Second)
			ok, err := chromedp.Run(c, chromedp.Evaluate[bool]("!!("+js+")"))
			cancel()
			if err == nil && ok {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("not within 30 s: %s", js)
	}
	run(chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#username"), "quantri"),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo"),
		chromedp.Click(chromedp.CSS(`#login button[type=submit]`)))
	waitFor(`location.pathname === "/" && document.readyState === "complete"`)
	run(chromedp.Navigate(base + "/report?from=2026-11-20&to=2026-11-21"))
	waitFor(`document.querySelectorAll("#by-center tbody tr").length === 3`)
	if s := text(`document.getElementById("status").textContent`); !strings.Contains(s, "3 trung tâm, 8 phiếu từ 2026-11-20 đến 2026-11-21") {
		t.Fatalf("status %q", s)
	}
	cells := func(sel string) string {
		return text(`Array.from(document.querySelectorAll(` + strconv.Quote(sel) + `)).map((c) => c.textContent).join("|")`)
	}
	// Name, tickets, served, no-shows, cancelled, open, waiting.
	if got := cells("#by-center tbody tr:first-child > *:nth-child(-n+7)"); got != "Phường Bến Thành|7|4|1|1|1|1" {
		t.Errorf("first center row %q", got)
	}
	if got := cells("#by-center tfoot tr > *:nth-child(-n+2)"); got != "Cộng (bằng dòng Tổng)|8" {
		t.Errorf("centers' foot %q", got)
	}
	if got := cells("#by-counter tbody tr:first-child > *:nth-child(-n+8)"); got != "Phường Bến Thành – Quầy 1|4|4|0|0|0|0|5 phút 8,5 giây" {
		t.Errorf("counter row %q", got)
	}
	if got := cells("#by-counter tbody tr:last-child > *:nth-child(-n+2)"); got != "Chưa quầy nào gọi|2" {
		t.Errorf("not-called row %q", got)
	}
	if n := text(`String(document.querySelectorAll("#notes li").length)`); n == "0" {
		t.Error("no notes on the page")
	}
	// One center: the tables and the CSV link follow.
	run(chromedp.SetValue(chromedp.CSS("#center"), "c2"),
		chromedp.Click(chromedp.CSS(`#range button[type=submit]`)))
	waitFor(`document.querySelectorAll("#by-center tbody tr").length === 1`)
	if href := text(`document.getElementById("csv").getAttribute("href")`); href != "/api/v1/reports?from=2026-11-20&to=2026-11-21&center=c2&format=csv" {
		t.Errorf("CSV link %q", href)
	}
	if got := cells("#total tbody tr > *:nth-child(-n+3)"); got != "Tổng 2026-11-20 – 2026-11-21|1|1" {
		t.Errorf("total of c2 %q", got)
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }
