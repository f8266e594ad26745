package pgstore_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"motcua/internal/pgtest"
	"motcua/province/pgstore"
	"motcua/queue"
)

var ict = time.FixedZone("ICT", 7*3600)

// want is how a test computes a group's figures straight from its tickets:
// sorted samples, the definitions of a center's report.
func want(ts []queue.Ticket) pgstore.Stats {
	var s pgstore.Stats
	var waits, services []time.Duration
	for _, t := range ts {
		s.Tickets++
		switch t.State {
		case queue.Done:
			s.Served++
		case queue.NoShow:
			s.NoShows++
		case queue.Cancelled:
			s.Cancelled++
		case queue.Waiting, queue.Transferred:
			s.Open++
			s.Waiting++
		default:
			s.Open++
		}
		if t.Origin != "" && t.Origin != t.Service {
			s.TransfersIn++
		}
		if !t.CalledAt.IsZero() && !t.CalledAt.Before(t.IssuedAt) {
			waits = append(waits, t.CalledAt.Sub(t.IssuedAt))
		}
		if t.State == queue.Done && !t.DoneAt.IsZero() {
			from := t.StartedAt
			if from.IsZero() {
				from = t.CalledAt
			}
			if !from.IsZero() && !t.DoneAt.Before(from) {
				services = append(services, t.DoneAt.Sub(from))
			}
		}
		if t.Rating >= 1 && t.Rating <= 3 {
			s.Ratings[t.Rating-1]++
		}
	}
	med := func(ds []time.Duration) float64 {
		if len(ds) == 0 {
			return 0
		}
		slices.Sort(ds)
		n := len(ds)
		m := ds[n/2]
		if n%2 == 0 {
			m = (ds[n/2-1] + ds[n/2]) / 2
		}
		return math.Round(m.Seconds()*10) / 10
	}
	p90 := func(ds []time.Duration) int {
		if len(ds) == 0 {
			return 0
		}
		slices.Sort(ds)
		rank := int(math.Ceil(0.9 * float64(len(ds))))
		return int(ds[rank-1].Round(time.Second) / time.Second)
	}
	s.Waits, s.Services = len(waits), len(services)
	s.WaitMedianS, s.WaitP90S = med(waits), p90(waits)
	s.ServiceMedianS, s.ServiceP90S = med(services), p90(services)
	if rated := s.Ratings[0] + s.Ratings[1] + s.Ratings[2]; rated > 0 {
		s.RatingAverage = math.Round(float64(s.Ratings[0]+2*s.Ratings[1]+3*s.Ratings[2])/float64(rated)*100) / 100
		s.SatisfiedShare = math.Round(float64(s.Ratings[1]+s.Ratings[2])/float64(rated)*1000) / 1000
	}
	return s
}

// wantReport is the whole report computed from tickets per center.
func wantReport(byCenter map[string][]queue.Ticket, o pgstore.ReportOpts) pgstore.Report {
	r := pgstore.Report{From: o.From, To: o.To}
	group := map[string]map[string][]queue.Ticket{}
	add := func(g, key string, t queue.Ticket) {
		if group[g] == nil {
			group[g] = map[string][]queue.Ticket{}
		}
		group[g][key] = append(group[g][key], t)
	}
	out := map[string]int{}
	var all []queue.Ticket
	for _, c := range o.Centers {
		var mine []queue.Ticket
		centerOut := 0
		for _, t := range byCenter[c.ID] {
			if t.Day < o.From || t.Day > o.To {
				continue
			}
			mine = append(mine, t)
			add("field", t.Service, t)
			if t.Counter == "" {
				add("notcalled", "", t)
			} else {
				add("counter", c.ID+"\x00"+t.Counter, t)
			}
			add("hour", t.IssuedAt.In(ict).Format("15"), t)
			add("day", t.Day, t)
			if t.Origin != t.Service {
				out[t.Origin]++
				centerOut++
			}
		}
		s := want(mine)
		s.TransfersOut = centerOut
		r.Centers = append(r.Centers, pgstore.Row{Key: c.ID, Name: c.Name, Stats: s})
		all = append(all, mine...)
	}
	r.Total = want(all)
	for _, s := range r.Centers {
		r.Total.TransfersOut += s.TransfersOut
	}
	rows := func(g string) []pgstore.Row {
		var keys []string
		for k := range group[g] {
			keys = append(keys, k)
		}
		if g == "field" {
			for k := range out {
				if group[g][k] == nil {
					keys = append(keys, k)
				}
			}
		}
		sort.Strings(keys)
		var rs []pgstore.Row
		for _, k := range keys {
			row := pgstore.Row{Key: k, Name: k, Stats: want(group[g][k])}
			if g == "field" {
				row.TransfersOut = out[k]
			}
			rs = append(rs, row)
		}
		return rs
	}
	r.Fields, r.Hours, r.Days = rows("field"), rows("hour"), rows("day")
	for _, row := range rows("counter") {
		center, counter, _ := strings.Cut(row.Key, "\x00")
		row.Center, row.Key, row.Name = center, counter, counter
		r.Counters = append(r.Counters, row)
	}
	r.NotCalled = want(group["notcalled"][""])
	return r
}

// extra are tickets the simulation does not make, as one event each: waits
// of 5, 6, 611 and 977 s at counter 7 (a median of an even count), one
// cancelled, one waiting after a transfer, one at a counter, one issued and
// never called.
func extra(center, day string, first uint64) ([]queue.Event, []queue.Ticket) {
	base, _ := time.ParseInLocation("2006-01-02 15:04", day+" 08:00", ict)
	var ts []queue.Ticket
	mk := func(i int, state queue.State, counter string, wait time.Duration) queue.Ticket {
		t := queue.Ticket{ID: fmt.Sprintf("%s-%s-X%03d", center, day, i), Day: day, Origin: "X", Seq: i,
			Number: fmt.Sprintf("X%03d", i), Service: "X", State: state, Counter: counter, Kiosk: "k1",
			IssuedAt: base.Add(time.Duration(i) * time.Minute), Print: queue.PrintPrinted}
		t.QueuedAt = t.IssuedAt
		if wait > 0 {
			t.CalledAt = t.IssuedAt.Add(wait)
		}
		return t
	}
	for i, w := range []int{977, 5, 611, 6} {
		t := mk(i+1, queue.Done, "7", time.Duration(w)*time.Second)
		t.DoneAt = t.CalledAt.Add(time.Duration(60+i) * time.Second)
		ts = append(ts, t)
	}
	c := mk(5, queue.Cancelled, "", 0)
	c.DoneAt = c.IssuedAt.Add(time.Minute)
	tr := mk(6, queue.Transferred, "7", 90*time.Second)
	tr.Origin, tr.Service = "X", "Y"
	ts = append(ts, c, tr, mk(7, queue.Serving, "7", 30*time.Second), mk(8, queue.Waiting, "", 0))
	var evs []queue.Event
	for i, t := range ts {
		evs = append(evs, queue.Event{Seq: first + uint64(i) + 1, At: t.IssuedAt, Type: queue.EventIssued, Ticket: t})
	}
	return evs, ts
}

func report(t *testing.T, db *pgstore.DB, o pgstore.ReportOpts) pgstore.Report {
	t.Helper()
	r, err := db.Report(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// province is two centers' logs over two days and their tickets.
func province() (map[string][]queue.Event, map[string][]queue.Ticket) {
	logs, tickets := map[string][]queue.Event{}, map[string][]queue.Ticket{}
	for i, c := range []string{"c1", "c2"} {
		evs, final := twoDays(uint64(10*i+3), 60)
		more, ts := extra(c, "2026-11-21", uint64(len(evs)))
		logs[c] = append(evs, more...)
		for _, t := range final {
			tickets[c] = append(tickets[c], t)
		}
		tickets[c] = append(tickets[c], ts...)
	}
	return logs, tickets
}

var twoCenters = []pgstore.Named{{ID: "c1", Name: "Phường Bến Thành"}, {ID: "c2", Name: "Xã Tân Nhựt"}, {ID: "c3", Name: "Xã Bình Chánh"}}

// The report's figures are those computed straight from the tickets, for
// the province, per center, field, counter, hour and day, over two days and
// over one; and ingest in shuffled batches, each given twice, leaves the
// same report as the logs shipped in order once.
func TestReportEqualsTheTicketsWhateverTheIngestOrder(t *testing.T) {
	logs, tickets := province()
	inOrder, shuffled := open(t), open(t)
	for c, evs := range logs {
		ingest(t, inOrder, c, evs)
		r := rand.New(rand.NewPCG(7, 7))
		perm := slices.Clone(evs)
		r.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for i := 0; i < len(perm); i += 17 {
			batch := perm[i:min(i+17, len(perm))]
			ingest(t, shuffled, c, batch)
		}
		for i := len(perm); i > 0; i -= 23 {
			ingest(t, shuffled, c, perm[max(0, i-23):i])
		}
	}
	for _, o := range []pgstore.ReportOpts{
		{From: "2026-11-20", To: "2026-11-21", Centers: twoCenters},
		{From: "2026-11-21", To: "2026-11-21", Centers: twoCenters[1:2]},
		{From: "2026-11-22", To: "2026-12-21", Centers: twoCenters},
	} {
		t.Run(o.From+"/"+o.To+"/"+fmt.Sprint(len(o.Centers)), func(t *testing.T) {
			got := report(t, inOrder, o)
			w := wantReport(tickets, o)
			if !reflect.DeepEqual(got.Total, w.Total) {
				t.Errorf("total\n got %+v\nwant %+v", got.Total, w.Total)
			}
			for _, g := range []struct {
				name      string
				got, want []pgstore.Row
			}{{"centers", got.Centers, w.Centers}, {"fields", got.Fields, w.Fields},
				{"counters", got.Counters, w.Counters}, {"hours", got.Hours, w.Hours}, {"days", got.Days, w.Days}} {
				if len(g.got) != len(g.want) {
					t.Errorf("%s: %d rows, want %d:\n got %+v\nwant %+v", g.name, len(g.got), len(g.want), g.got, g.want)
					continue
				}
				for i := range g.got {
					if !reflect.DeepEqual(g.got[i], g.want[i]) {
						t.Errorf("%s row %d\n got %+v\nwant %+v", g.name, i, g.got[i], g.want[i])
					}
				}
			}
			if !reflect.DeepEqual(got.NotCalled, w.NotCalled) {
				t.Errorf("not called\n got %+v\nwant %+v", got.NotCalled, w.NotCalled)
			}
			if again := report(t, shuffled, o); !reflect.DeepEqual(again, got) {
				t.Errorf("shuffled and twice:\n got %+v\nwant %+v", again, got)
			}
		})
	}
}

// Every group adds up to the total, and the total's parts to its tickets.
func TestReportTotalsAddUp(t *testing.T) {
	logs, _ := province()
	db := open(t)
	for c, evs := range logs {
		ingest(t, db, c, evs)
	}
	r := report(t, db, pgstore.ReportOpts{From: "2026-11-20", To: "2026-11-21", Centers: twoCenters})
	tot := r.Total
	if tot.Tickets == 0 || tot.Tickets != tot.Served+tot.NoShows+tot.Cancelled+tot.Open {
		t.Fatalf("total %+v: tickets are not served + no-shows + cancelled + open", tot)
	}
	sum := func(rows []pgstore.Row, extra ...pgstore.Stats) (s pgstore.Stats) {
		for _, r := range rows {
			extra = append(extra, r.Stats)
		}
		for _, x := range extra {
			s.Tickets += x.Tickets
			s.Served += x.Served
			s.Open += x.Open
			s.Waits += x.Waits
			s.Services += x.Services
			s.TransfersIn += x.TransfersIn
			s.TransfersOut += x.TransfersOut
		}
		return s
	}
	for _, g := range []struct {
		name string
		s    pgstore.Stats
	}{{"centers", sum(r.Centers)}, {"fields", sum(r.Fields)}, {"counters", sum(r.Counters, r.NotCalled)},
		{"hours", sum(r.Hours)}, {"days", sum(r.Days)}} {
		if g.s.Tickets != tot.Tickets || g.s.Served != tot.Served || g.s.Open != tot.Open ||
			g.s.Waits != tot.Waits || g.s.Services != tot.Services || g.s.TransfersIn != tot.TransfersIn {
			t.Errorf("%s add up to %+v, total %+v", g.name, g.s, tot)
		}
	}
	if f := sum(r.Fields); f.TransfersOut != tot.TransfersIn || tot.TransfersOut != tot.TransfersIn || tot.TransfersIn == 0 {
		t.Errorf("transfers out %d (fields %d), in %d", tot.TransfersOut, f.TransfersOut, tot.TransfersIn)
	}
}

// The median of an even count is the mean of the two middle waits: 5, 6,
// 611 and 977 s give 308.5 s, not 6.
func TestReportMedianOfAnEvenCount(t *testing.T) {
	db := open(t)
	evs, _ := extra("c3", "2026-11-21", 0)
	ingest(t, db, "c3", evs)
	r := report(t, db, pgstore.ReportOpts{From: "2026-11-21", To: "2026-11-21", Centers: twoCenters[2:]})
	var at7 pgstore.Row
	for _, c := range r.Counters {
		if c.Key == "7" {
			at7 = c
		}
	}
	// Counter 7 called the four, the transferred one (90 s) and the one at
	// the counter (30 s): 5, 6, 30, 90, 611, 977.
	if at7.Waits != 6 || at7.WaitMedianS != 60 || at7.WaitP90S != 977 {
		t.Fatalf("counter 7: %+v", at7)
	}
	var x pgstore.Row
	for _, f := range r.Fields {
		if f.Key == "X" {
			x = f
		}
	}
	// Field X kept the four served (5, 6, 611, 977 s) and the one at the
	// counter (30 s); the transferred one is in Y.
	if x.Served != 4 || x.Services != 4 || x.ServiceMedianS != 61.5 || x.TransfersOut != 1 || x.Waits != 5 || x.WaitMedianS != 30 {
		t.Fatalf("field X: %+v", x)
	}
	served := r.Days[0]
	if r.Total.Tickets != 8 || r.NotCalled.Tickets != 2 || served.Tickets != 8 || r.Total.Waiting != 2 {
		t.Fatalf("total %+v, not called %+v", r.Total, r.NotCalled)
	}
	// Only the four served: their waits alone.
	db2 := open(t)
	ingest(t, db2, "c3", evs[:4])
	r = report(t, db2, pgstore.ReportOpts{From: "2026-11-21", To: "2026-11-21", Centers: twoCenters[2:]})
	if r.Total.WaitMedianS != 308.5 || r.Total.WaitP90S != 977 {
		t.Fatalf("waits 5, 6, 611, 977 s: median %v, p90 %v; want 308.5 and 977", r.Total.WaitMedianS, r.Total.WaitP90S)
	}
}

// Days held before the report existed are rebuilt when the hub opens.
func TestReportRebuildsStaleDaysOnOpen(t *testing.T) {
	logs, _ := province()
	url := pgtest.URL(t)
	db := openURL(t, url)
	for c, evs := range logs {
		ingest(t, db, c, evs)
	}
	o := pgstore.ReportOpts{From: "2026-11-20", To: "2026-11-21", Centers: twoCenters}
	before := report(t, db, o)
	ctx := context.Background()
	if _, err := db.Pool().Exec(ctx, `DELETE FROM report_days;
		INSERT INTO report_stale (center, day) SELECT DISTINCT center, day FROM tickets`); err != nil {
		t.Fatal(err)
	}
	if emptied := report(t, db, o); emptied.Total.Tickets != 0 {
		t.Fatalf("report without its rows: %d tickets", emptied.Total.Tickets)
	}
	db.Close()
	after := report(t, openURL(t, url), o)
	if !reflect.DeepEqual(after, before) {
		t.Fatalf("after Open:\n got %+v\nwant %+v", after, before)
	}
}

// Tickets whose numbers the records cannot tell apart (above 65535, equal
// modulo 65536) are still each counted once, updated in place.
func TestReportTicketsBeyondTheRecordKey(t *testing.T) {
	db := open(t)
	evs, _ := extra("c3", "2026-11-21", 0)
	a, b := evs[0], evs[1]
	a.Ticket.Seq, a.Ticket.ID = 70000, "big-1"
	b.Ticket.Seq, b.Ticket.ID = 70000+65536, "big-2"
	ingest(t, db, "c3", []queue.Event{a})
	ingest(t, db, "c3", []queue.Event{b})
	later := a
	later.Seq, later.Ticket.State, later.Ticket.DoneAt = 3, queue.NoShow, a.Ticket.CalledAt.Add(time.Minute)
	ingest(t, db, "c3", []queue.Event{later})
	r := report(t, db, pgstore.ReportOpts{From: "2026-11-21", To: "2026-11-21", Centers: twoCenters[2:]})
	if r.Total.Tickets != 2 || r.Total.NoShows != 1 || r.Total.Served != 1 {
		t.Fatalf("total %+v, want 2 tickets: one no-show, one served", r.Total)
	}
}

// Tickets checked in from online bookings count as online, in each group
// they are in, through updates of the day's row and its rebuild.
func TestReportCountsOnlineTickets(t *testing.T) {
	db := open(t)
	at := time.Date(2026, 11, 21, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	walk := queue.Ticket{ID: "w1", Day: "2026-11-21", Origin: "A", Seq: 1, Number: "A001", Service: "A", State: queue.Waiting,
		IssuedAt: at, QueuedAt: at, Print: queue.PrintNone, Person: "p1"}
	online := walk
	online.ID, online.Seq, online.Number, online.Person, online.Booking = "o1", 2, "A002", "p2", "0123456789abcdef"
	ingest(t, db, "c1", []queue.Event{{Seq: 1, At: at, Type: queue.EventIssued, Ticket: walk}, {Seq: 2, At: at, Type: queue.EventIssued, Ticket: online}})
	online.State, online.Counter, online.CalledAt, online.Calls = queue.Called, "1", at.Add(time.Minute), 1
	ingest(t, db, "c1", []queue.Event{{Seq: 3, At: online.CalledAt, Type: queue.EventCalled, Ticket: online, Counter: "1"}})
	r := report(t, db, pgstore.ReportOpts{From: "2026-11-21", To: "2026-11-21", Centers: []pgstore.Named{{ID: "c1", Name: "Xã Một"}}})
	if r.Total.Tickets != 2 || r.Total.Online != 1 || r.Centers[0].Online != 1 || r.Fields[0].Online != 1 {
		t.Fatalf("online: total %+v, centers %+v", r.Total, r.Centers)
	}
	got, err := db.CenterTickets(context.Background(), "c1", "2026-11-21")
	// Same issue time: by id, o1 then w1.
	if err != nil || len(got) != 2 || got[0].Booking != online.Booking || got[0].Person != "p2" || got[1].Person != "p1" || got[1].Booking != "" {
		t.Fatalf("tickets at the hub keep person and booking: %+v %v", got, err)
	}
}
