package server

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

// waitRateable waits for the counter's completed visit to reach the board.
func (p *pushEnv) waitRateable(counter string) {
	p.t.Helper()
	for range 200 { // the board follows the engine's events after the commit
		if _, last := p.do("GET", "/api/v1/counters/"+counter+"/last-completed", "", ""); last["rateable"] == true {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.t.Fatal("the completed visit never became rateable")
}

// A visit that handed in a dossier (its receipt printed at the counter) and
// collected another (scanned by the clerk) is rated from the tablet: the
// rating keeps the clerk whose console held the counter and both codes; the
// per-officer report and the province's export show them.
func TestRatingTiedToOfficerAndDossiers(t *testing.T) {
	p := newPushEnv(t)
	clerk := p.login("canbo2")
	code, open := p.json("POST", "/api/v1/counters/2/open", clerk, `{}`, "")
	if code != 200 {
		t.Fatalf("open: %d %v", code, open)
	}
	console := open["console"].(string)
	p.do("POST", "/api/v1/tickets", kioskK1, `{"service":"B"}`)
	if code, r := p.json("POST", "/api/v1/counters/2/next", clerk, "", console); code != 200 {
		t.Fatalf("next: %d %v", code, r)
	}
	handed := "000.00.14.H56-261201-0021"
	if code, r := p.do("POST", "/api/v1/receipts", clerk, receiptBody(map[string]any{"dossier_code": handed})); code != 202 {
		t.Fatalf("receipt: %d %v", code, r)
	}
	collected := "G09.20-20261120-0000042"
	if code, r := p.json("POST", "/api/v1/counters/2/dossier", clerk, `{"code":"g09.20-20261120-0000042"}`, console); code != 200 || r["code"] != collected || r["kind"] != "collected" {
		t.Fatalf("collected: %d %v", code, r)
	}
	if code, r := p.json("POST", "/api/v1/counters/2/dossier", clerk, `{"code":"ABC"}`, console); code != 400 {
		t.Fatalf("bad code: %d %v", code, r)
	}
	if code, r := p.json("POST", "/api/v1/counters/2/complete", clerk, "", console); code != 200 {
		t.Fatalf("complete: %d %v", code, r)
	}
	p.waitRateable("2")
	if code, r := p.do("POST", "/api/v1/counters/2/rating", "demo-tablet-2", `{"rating":3}`); code != 200 {
		t.Fatalf("rate: %d %v", code, r)
	}

	admin := p.login("quantri")
	code, rep := p.do("GET", "/api/v1/reports/officers?from=2026-12-01", admin, "")
	if code != 200 {
		t.Fatalf("officers: %d %v", code, rep)
	}
	officers := rep["officers"].([]any)
	if len(officers) != 1 {
		t.Fatalf("officers %v", officers)
	}
	o := officers[0].(map[string]any)
	if o["clerk"] != "canbo2" || o["name"] != "Cán bộ Quầy 2" || o["ratings"] != float64(1) || o["dossiers"] != float64(1) || o["average"] != float64(3) {
		t.Fatalf("officer %v", o)
	}
	if code, _ := p.do("GET", "/api/v1/reports/officers", clerk, ""); code != 403 {
		t.Fatalf("a clerk read the officers' report: %d", code)
	}

	status, _, body := p.raw("GET", "/api/v1/reports/ratings?from=2026-12-01&to=2026-12-01", admin, "", nil)
	if status != 200 {
		t.Fatalf("export: %d %s", status, body)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("export rows %q", rows)
	}
	got := []string{strings.Join(rows[1][4:12], "|"), strings.Join(rows[2][4:12], "|")}
	want := []string{"B001|Quầy 2|canbo2|Cán bộ Quầy 2|" + handed + "|Nộp hồ sơ|Rất hài lòng|3",
		"B001|Quầy 2|canbo2|Cán bộ Quầy 2|" + collected + "|Nhận kết quả|Rất hài lòng|3"}
	if got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("export:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	code, _, officersCSV := p.raw("GET", "/api/v1/reports/officers?format=csv", admin, "", nil)
	if code != 200 || !bytes.Contains(officersCSV, []byte("canbo2,Cán bộ Quầy 2,1,1,0,0,3.00,100.0,1")) {
		t.Fatalf("officers csv: %d %s", code, officersCSV)
	}
}

// With nobody served, there is no visit to tie a dossier to.
func TestVisitDossierNeedsAVisit(t *testing.T) {
	p := newPushEnv(t)
	clerk := p.login("canbo1")
	if code, r := p.do("POST", "/api/v1/counters/1/dossier", clerk, `{"code":"000.00.14.H56-261201-0001"}`); code != 404 || errCode(r) != "no_visit" {
		t.Fatalf("no visit: %d %v", code, r)
	}
	if code, r := p.do("POST", "/api/v1/counters/1/dossier", clerk, `{"code":"000.00.14.H56-261201-0001","kind":"lost"}`); code != 400 {
		t.Fatalf("bad kind: %d %v", code, r)
	}
}
