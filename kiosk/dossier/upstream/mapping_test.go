package upstream

import (
	"errors"
	"testing"

	"motcua/kiosk/dossier"
)

func TestMapTraCuuHoSo(t *testing.T) {
	m := TraCuuHoSo("", "", "", "", "").Mapping
	ok := `{"error_code":0,"result":[{"MaHoSo":"000.00.14.H56-200203-0117","TrangThaiHoSo":2},` +
		`{"MaHoSo":"000.00.14.h56-200203-0118","TrangThaiHoSo":"9","NgayHenTra":"20200210170000","ChuHoSo":" Nguyễn Thị Hoa "}]}`
	for _, tc := range []struct {
		name, body string
		want       error // nil, dossier.ErrNotFound, ErrBadAnswer, errAuth
	}{
		{"picks the matching record", ok, nil},
		{"empty result", `{"error_code":0,"result":[]}`, dossier.ErrNotFound},
		{"null result", `{"error_code":0,"result":null}`, dossier.ErrNotFound},
		{"other dossier only", `{"error_code":0,"result":[{"MaHoSo":"X","TrangThaiHoSo":2}]}`, dossier.ErrNotFound},
		{"session expired", `{"error_code":-1}`, errAuth},
		{"error code", `{"error_code":5,"result":[]}`, ErrBadAnswer},
		{"no error code", `{"result":[]}`, ErrBadAnswer},
		{"result missing", `{"error_code":0}`, ErrBadAnswer},
		{"status 11", `{"error_code":0,"result":[{"MaHoSo":"000.00.14.H56-200203-0118","TrangThaiHoSo":11}]}`, ErrBadAnswer},
		{"status missing", `{"error_code":0,"result":[{"MaHoSo":"000.00.14.H56-200203-0118"}]}`, ErrBadAnswer},
		{"bad date", `{"error_code":0,"result":[{"MaHoSo":"000.00.14.H56-200203-0118","TrangThaiHoSo":4,"NgayHenTra":"mai"}]}`, ErrBadAnswer},
		{"record not object", `{"error_code":0,"result":["x"]}`, dossier.ErrNotFound},
		{"html", `<html>`, ErrBadAnswer},
		{"trailing garbage", `{"error_code":0,"result":[]} x`, ErrBadAnswer},
		{"empty", ``, ErrBadAnswer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := m.Map([]byte(tc.body), "000.00.14.H56-200203-0118")
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if d.Status != 9 || d.Applicant != "Nguyễn Thị Hoa" || d.DueAt.IsZero() {
					t.Fatalf("got %+v", d)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestMapTimes(t *testing.T) {
	for _, tc := range []struct{ layout, value string }{
		{"unix", `1581298800`}, {"unix_ms", `1581298800000`}, {"", `"2020-02-10T08:40:00+07:00"`},
		{"02/01/2006 15:04", `"10/02/2020 08:40"`}, {"20060102150405", `"2020-02-10T01:40:00Z"`},
	} {
		m := Mapping{Status: "s", DueAt: "d", TimeLayout: tc.layout}
		d, err := m.Map([]byte(`{"s":4,"d":`+tc.value+`}`), "X")
		if err != nil {
			t.Errorf("%s %s: %v", tc.layout, tc.value, err)
			continue
		}
		if d.DueAt.Unix() != 1581298800 {
			t.Errorf("%s %s: %v", tc.layout, tc.value, d.DueAt)
		}
	}
}

// FuzzMap feeds arbitrary answers to the national-portal mapping, the
// iGate one and a mapping with history and status values: it must never
// panic, and what it accepts must be a well-formed dossier.
func FuzzMap(f *testing.F) {
	f.Add([]byte(`{"error_code":0,"result":[{"MaHoSo":"000.00.14.H56-200203-0118","TrangThaiHoSo":4,"NgayTiepNhan":"20200203083000","NgayHenTra":"20200210170000","TenTTHC":"Khai sinh","ChuHoSo":"Nguyễn Thị Hoa","DonViXuLy":"Tư pháp"}]}`))
	f.Add([]byte(`{"error_code":0,"result":[]}`))
	f.Add([]byte(`{"error_code":-1}`))
	f.Add([]byte(`{"data":{"ma":"000.00.14.H56-200203-0118","tt":"A","ls":[{"at":"2020-02-03T08:30:00+07:00","tt":"B"}]}}`))
	f.Add([]byte(`<html>`))
	f.Add([]byte(`{"content":[{"code":"000.00.14.H56-200203-0118","procedure":{"name":"Khai sinh"},"applicant":{"data":{"fullname":"Nguyễn Thị Hoa"}},"acceptedDate":"2020-02-03T08:30:00.000+0700","appointmentDate":"2020-02-10T17:00:00.000+0700","dossierStatus":{"id":4},"agency":{"name":"Tư pháp"}}]}`))
	f.Add([]byte(`{"content":[{"code":"000.00.14.H56-200203-0118","dossierStatus":{"id":"4"},"acceptedDate":1580693400}]}`))
	const code = "000.00.14.H56-200203-0118"
	mappings := []Mapping{
		TraCuuHoSo("", "", "", "", "").Mapping,
		IGate("", "", "", "").Mapping,
		{Records: "data", Code: "ma", Status: "tt", History: "ls", HistoryAt: "at", HistoryStatus: "tt",
			StatusValues: map[string]int{"A": 4, "B": 2}},
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, m := range mappings {
			d, err := m.Map(body, code)
			if err != nil {
				if !errors.Is(err, dossier.ErrNotFound) && !errors.Is(err, dossier.ErrUnavailable) && !errors.Is(err, errAuth) {
					t.Fatalf("error of no known kind: %v", err)
				}
				continue
			}
			if d.Code != code || !d.Status.Valid() || d.History == nil {
				t.Fatalf("accepted a malformed dossier %+v", d)
			}
			for _, e := range d.History {
				if !e.Status.Valid() {
					t.Fatalf("history status %d", e.Status)
				}
			}
		}
	})
}
