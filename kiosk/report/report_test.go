package report

import (
	"bytes"
	"encoding/csv"
	"strconv"
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
		waitMed                                   float64
		waitP90                                   int
		svcMed                                    float64
		svcP90                                    int
		ratings                                   [3]int
	}
	check := func(name string, s Stats, w want) {
		t.Helper()
		got := want{s.Tickets, s.Served, s.NoShows, s.Cancelled, s.Open,
			s.WaitMedianS, s.WaitP90S, s.ServiceMedianS, s.ServiceP90S, s.Ratings}
		if s.Served+s.NoShows+s.Cancelled+s.Open != s.Tickets {
			t.Errorf("%s: %d tickets are not %d+%d+%d+%d", name, s.Tickets, s.Served, s.NoShows, s.Cancelled, s.Open)
		}
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
	check("field A", r.Fields[0].Stats, want{3, 2, 1, 0, 0, 240, 360, 450, 600, [3]int{0, 1, 1}})
	check("field B", r.Fields[1].Stats, want{3, 1, 0, 1, 1, 60, 60, 1200, 1200, [3]int{1, 0, 0}})
	check("field C (none)", r.Fields[2].Stats, want{})
	check("counter 2", r.Counters[1].Stats, want{2, 1, 0, 0, 1, 45, 60, 1200, 1200, [3]int{1, 0, 0}})
	check("not called", r.NotCalled, want{2, 0, 0, 1, 1, 0, 0, 0, 0, [3]int{}})
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

// TestMedianOfAnEvenCount: the median of 5, 6, 611 and 977 s is 308.5 s,
// the mean of the middle two, not the lower one (6 s, "0.1 min").
func TestMedianOfAnEvenCount(t *testing.T) {
	var tickets []queue.Ticket
	for _, w := range []int{611, 5, 977, 6} {
		issued := at("08:00:00")
		tickets = append(tickets, queue.Ticket{Service: "A", Origin: "A", Counter: "1", State: queue.Done,
			IssuedAt: issued, CalledAt: issued.Add(time.Duration(w) * time.Second), DoneAt: issued.Add(time.Hour)})
	}
	r := Build(tickets, Opts{Location: ict, Fields: []Named{{"A", "Hộ tịch"}}})
	if r.Total.WaitMedianS != 308.5 || r.Fields[0].WaitMedianS != 308.5 {
		t.Fatalf("median wait %v s (field %v), want 308.5", r.Total.WaitMedianS, r.Fields[0].WaitMedianS)
	}
	if r.Total.WaitP90S != 977 {
		t.Fatalf("p90 %d, want 977", r.Total.WaitP90S)
	}
}

// TestEveryGroupAddsUpToTheTotal: a transfer is counted once, in the field
// it went to, and shown in both as out and in; the counters with the
// tickets no counter called add up to the total, and so do the fields.
func TestEveryGroupAddsUpToTheTotal(t *testing.T) {
	moved := tk("B", "2", queue.Done, "08:00:00", "08:05:00", "", "08:10:00", 0)
	moved.Origin = "A"
	waiting := tk("C", "", queue.Transferred, "08:01:00", "", "", "", 0)
	waiting.Origin = "A"
	tickets := []queue.Ticket{moved, waiting,
		tk("A", "1", queue.Done, "08:02:00", "08:03:00", "", "08:04:00", 0),
		tk("A", "", queue.Waiting, "08:03:00", "", "", "", 0),
		tk("B", "", queue.Waiting, "09:03:00", "", "", "", 0),
		tk("B", "1", queue.NoShow, "09:04:00", "09:05:00", "", "09:06:00", 0),
	}
	r := Build(tickets, Opts{Location: ict, Fields: []Named{{"A", "Hộ tịch"}, {"B", "Đất đai"}, {"C", "Xây dựng"}},
		Counters: []Named{{"1", "Quầy 1"}, {"2", "Quầy 2"}}})
	sum := func(rows []Row) (n int) {
		for _, x := range rows {
			n += x.Tickets
		}
		return n
	}
	if sum(r.Fields) != r.Total.Tickets || sum(r.Counters)+r.NotCalled.Tickets != r.Total.Tickets ||
		sum(r.Hours) != r.Total.Tickets || sum(r.Days) != r.Total.Tickets {
		t.Fatalf("total %d: fields %d, counters %d + not called %d, hours %d, days %d", r.Total.Tickets,
			sum(r.Fields), sum(r.Counters), r.NotCalled.Tickets, sum(r.Hours), sum(r.Days))
	}
	a, b, c := r.Fields[0], r.Fields[1], r.Fields[2]
	if a.TransfersOut != 2 || a.TransfersIn != 0 || b.TransfersIn != 1 || b.TransfersOut != 0 || c.TransfersIn != 1 {
		t.Fatalf("transfers out/in: A %d/%d, B %d/%d, C %d/%d", a.TransfersOut, a.TransfersIn, b.TransfersOut, b.TransfersIn, c.TransfersOut, c.TransfersIn)
	}
	if a.Tickets != 2 || b.Tickets != 3 || c.Tickets != 1 || r.Total.TransfersIn != 2 || r.Total.TransfersOut != 2 {
		t.Fatalf("tickets A %d B %d C %d, total transfers %d/%d", a.Tickets, b.Tickets, c.Tickets, r.Total.TransfersOut, r.Total.TransfersIn)
	}

	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), bom)))
	rd.FieldsPerRecord = -1
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{}
	total := -1
	notes := 0
	for _, row := range rows[1:] {
		switch row[0] {
		case "Tổng":
			total, _ = strconv.Atoi(row[3])
			var parts int
			for _, i := range []int{4, 5, 6, 7} {
				n, _ := strconv.Atoi(row[i])
				parts += n
			}
			if parts != total {
				t.Fatalf("CSV total %d is not the sum of its parts %d: %q", total, parts, row)
			}
		case "Ghi chú":
			notes++
		default:
			n, _ := strconv.Atoi(row[3])
			groups[row[0]] += n
		}
		if row[0] == "Lĩnh vực" && row[1] == "B" && (row[17] != "0" || row[18] != "1") {
			t.Fatalf("CSV transfers of B %q", row)
		}
		if row[0] == "Quầy" && row[2] == NotCalledName && row[3] != "3" {
			t.Fatalf("CSV tickets no counter called %q", row)
		}
	}
	for _, g := range []string{"Lĩnh vực", "Quầy", "Giờ", "Ngày"} {
		if groups[g] != total {
			t.Errorf("CSV: the rows of %s add up to %d, the total is %d", g, groups[g], total)
		}
	}
	if notes == 0 {
		t.Error("the CSV does not say what its figures count")
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
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), bom)))
	rd.FieldsPerRecord = -1
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "Nhóm" || len(rows) != 7+len(csvNotes) { // header, total, field, counter, not called, hour, day, notes (the blank line is skipped)
		t.Fatalf("%d rows: %q", len(rows), rows)
	}
	field := rows[2]
	if field[0] != "Lĩnh vực" || field[2] != "Hộ tịch" || field[3] != "1" || field[9] != "120" || field[11] != "180" || field[15] != "1" || field[16] != "3.00" {
		t.Fatalf("field row %q", field)
	}
	if hour := rows[5]; hour[0] != "Giờ" || hour[2] != "08:00–08:59" {
		t.Fatalf("hour row %q", hour)
	}
}

// Online numbers checked in count as online in every group they are in.
func TestOnlineCounted(t *testing.T) {
	online := tk("A", "1", queue.Done, "08:00:00", "08:10:00", "08:11:00", "08:20:00", 0)
	online.Booking = "0123456789abcdef"
	r := Build([]queue.Ticket{online, tk("A", "1", queue.Done, "08:01:00", "08:12:00", "08:13:00", "08:20:00", 0)}, Opts{
		Location: time.UTC, Fields: []Named{{"A", "Hộ tịch"}}, Counters: []Named{{"1", "Quầy 1"}}})
	if r.Total.Online != 1 || r.Fields[0].Online != 1 || r.Counters[0].Online != 1 || r.Total.Tickets != 2 {
		t.Fatalf("online: total %d, field %d, counter %d", r.Total.Online, r.Fields[0].Online, r.Counters[0].Online)
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, r); err != nil || !strings.Contains(b.String(), "Số hẹn trực tuyến") {
		t.Fatalf("CSV: %v\n%s", err, b.String())
	}
}
