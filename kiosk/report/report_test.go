package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"motcua/queue"
)

var ict = time.FixedZone("ICT", 7*3600)

// at is a time on 2026-11-21 in Vietnam.
func at(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", "2026-11-21 "+hhmm, ict)
	if err != nil {
		panic(err)
	}
	return t
}

// tk builds a ticket: issued, called, started, done ("" for never).
func tk(service, counter string, state queue.State, issued, called, started, done string, rating int) queue.Ticket {
	t := queue.Ticket{Service: service, Origin: service, Counter: counter, State: state, Rating: rating, IssuedAt: at(issued)}
	for _, p := range []struct {
		dst *time.Time
		v   string
	}{{&t.CalledAt, called}, {&t.StartedAt, started}, {&t.DoneAt, done}} {
		if p.v != "" {
			*p.dst = at(p.v)
		}
	}
	return t
}

func TestPercentileNearestRank(t *testing.T) {
	s := func(xs ...int) []time.Duration {
		var out []time.Duration
		for _, x := range xs {
			out = append(out, time.Duration(x)*time.Second)
		}
		return out
	}
	cases := []struct {
		name string
		in   []time.Duration
		p    int
		want time.Duration
	}{
		{"none", nil, 50, 0},
		{"one", s(7), 90, 7 * time.Second},
		{"median of four is the second", s(4, 1, 3, 2), 50, 2 * time.Second},
		{"median of five", s(5, 1, 4, 2, 3), 50, 3 * time.Second},
		{"p90 of ten is the ninth", s(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Second},
		{"p90 of eleven is the tenth", s(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 90, 10 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentile(tc.in, tc.p); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBuild(t *testing.T) {
	tickets := []queue.Ticket{
		// A at counter 1: waits 2, 4, 6 min; services 5 (from start), 10 (from call, no start).
		tk("A", "1", queue.Done, "08:00:00", "08:02:00", "08:03:00", "08:08:00", 3),
		tk("A", "1", queue.Done, "08:10:00", "08:14:00", "", "08:24:00", 2),
		tk("A", "1", queue.NoShow, "09:00:00", "09:06:00", "", "09:08:00", 0),
		// B: one waiting, one cancelled, one served at counter 2 and rated 1.
		tk("B", "", queue.Waiting, "09:30:00", "", "", "", 0),
		tk("B", "", queue.Cancelled, "09:31:00", "", "", "09:40:00", 0),
		tk("B", "2", queue.Done, "14:00:00", "14:01:00", "14:01:00", "14:21:00", 1),
		// A field the config no longer lists, at a counter, still in service.
		tk("E", "2", queue.Serving, "23:59:00", "23:59:30", "23:59:40", "", 0),
	}
	r := Build(tickets, Opts{Location: ict, From: "2026-11-21", To: "2026-11-21",
		Fields:   []Named{{"A", "Hộ tịch"}, {"B", "Đất đai"}, {"C", "Xây dựng"}},
		Counters: []Named{{"1", "Quầy 1"}, {"2", "Quầy 2"}, {"3", "Quầy 3"}}})

	type want struct {
		tickets, served, noShows, cancelled, open int
		waitMed, waitP90, svcMed, svcP90          int
		ratings                                   [3]int
	}
	check := func(name string, s Stats, w want) {
		t.Helper()
		got := want{s.Tickets, s.Served, s.NoShows, s.Cancelled, s.Open,
			s.WaitMedianS, s.WaitP90S, s.ServiceMedianS, s.ServiceP90S, s.Ratings}
		if got != w {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, w)
		}
	}
	check("total", r.Total, want{7, 3, 1, 1, 2, 120, 360, 600, 1200, [3]int{1, 1, 1}})
	if r.Total.RatingAverage != 2 || r.Total.SatisfiedShare != 0.667 {
		t.Errorf("rating average %v, satisfied %v", r.Total.RatingAverage, r.Total.SatisfiedShare)
	}

	var keys []string
	for _, f := range r.Fields {
		keys = append(keys, f.Key+" "+f.Name)
	}
	if strings.Join(keys, ", ") != "A Hộ tịch, B Đất đai, C Xây dựng, E E" {
		t.Fatalf("field rows %v: configured order, empty ones kept, unknown last", keys)
	}
	check("field A", r.Fields[0].Stats, want{3, 2, 1, 0, 0, 240, 360, 300, 600, [3]int{0, 1, 1}})
	check("field B", r.Fields[1].Stats, want{3, 1, 0, 1, 1, 60, 60, 1200, 1200, [3]int{1, 0, 0}})
	check("field C (none)", r.Fields[2].Stats, want{})
	check("counter 2", r.Counters[1].Stats, want{2, 1, 0, 0, 1, 30, 60, 1200, 1200, [3]int{1, 0, 0}})
	check("counter 3 (none)", r.Counters[2].Stats, want{})

	keys = nil
	for _, h := range r.Hours {
		keys = append(keys, h.Key)
	}
	if strings.Join(keys, ",") != "08,09,14,23" {
		t.Fatalf("hours %v", keys)
	}
	check("hour 09", r.Hours[1].Stats, want{3, 0, 1, 1, 1, 360, 360, 0, 0, [3]int{}})
	if len(r.Days) != 1 || r.Days[0].Key != "2026-11-21" || r.Days[0].Tickets != 7 {
		t.Fatalf("days %+v", r.Days)
	}
}

func TestDaysAndHoursAreLocal(t *testing.T) {
	// 17:30 UTC on the 20th is 00:30 on the 21st in Vietnam.
	utc := time.Date(2026, 11, 20, 17, 30, 0, 0, time.UTC)
	r := Build([]queue.Ticket{{Service: "A", State: queue.Waiting, IssuedAt: utc}}, Opts{Location: ict})
	if r.Days[0].Key != "2026-11-21" || r.Hours[0].Key != "00" {
		t.Fatalf("day %s hour %s, want the Vietnamese day and hour", r.Days[0].Key, r.Hours[0].Key)
	}
}

func TestCSVOpensInExcel(t *testing.T) {
	r := Build([]queue.Ticket{tk("A", "1", queue.Done, "08:00:00", "08:02:00", "", "08:05:00", 3)},
		Opts{Location: ict, From: "2026-11-21", To: "2026-11-21", Fields: []Named{{"A", "Hộ tịch"}}, Counters: []Named{{"1", "Quầy 1"}}})
	var b bytes.Buffer
	if err := WriteCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatal("no UTF-8 BOM")
	}
	if !strings.Contains(b.String(), "\r\n") {
		t.Fatal("lines do not end in CRLF")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), bom))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "Nhóm" || len(rows) != 6 { // header, total, field, counter, hour, day
		t.Fatalf("%d rows: %q", len(rows), rows)
	}
	field := rows[2]
	if field[0] != "Lĩnh vực" || field[2] != "Hộ tịch" || field[3] != "1" || field[8] != "120" || field[10] != "180" || field[14] != "1" || field[15] != "3.00" {
		t.Fatalf("field row %q", field)
	}
	if hour := rows[4]; hour[0] != "Giờ" || hour[2] != "08:00–08:59" {
		t.Fatalf("hour row %q", hour)
	}
}
