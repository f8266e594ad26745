package pgstore

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"motcua/queue"
)

// The province report reads report_days, one row per center and day: that
// day's tickets as fixed-size records (recordSize bytes each) with the
// dictionaries of their field and counter codes. Ingest and Store.Apply
// replace the records of the tickets a batch touched with those tickets as
// the table holds them after the write, in the same transaction and under
// the center's lock, so the rows follow the tickets whatever order events
// arrive in, and a batch given twice changes nothing. (Rebuilding the whole
// day from its tickets at each batch halved Ingest's events per second.)
//
// Why records and not counts with a histogram: every figure stays exact
// (medians and 90th percentiles to the millisecond, like a center's own
// report), and a month of 100 centers at 1,000 tickets a day is 3,000 rows
// read in one query, not 3 million. A histogram saves nothing at this size:
// per-second buckets of one center's day are about as many as its tickets,
// and buckets coarse enough to be fewer (a few dozen per center, day and
// group) would cost the figures' precision. Aggregate then reads the
// records once for the counts and sorts each kind of sample once for the
// percentiles of every group. Measured: docs/BENCHMARKS.md, "Province
// report".
//
// The figures have the definitions of a center's report (kiosk/report),
// written again here because the hub does not import a center's packages:
//   - a ticket belongs to its center's day (tickets.day) and to the local
//     hour it was issued (Opts.Location, Vietnam's time by default);
//   - its field is the one it ended in (after a transfer); a ticket whose
//     origin is another field counts as transferred in here and out of its
//     origin; its counter is the last that called it, and those no counter
//     called are a row of their own, so every group adds up to the total;
//   - tickets = served + no-shows + cancelled + open; waiting (of open) are
//     those not at a counter;
//   - the wait runs from the issue to the last call, over the tickets called;
//     the service from the start (else the call) to the end, over the
//     tickets served;
//   - medians are the middle sample, the mean of the two middle ones for an
//     even count (percentile_cont), to a tenth of a second; 90th percentiles
//     are nearest-rank (percentile_disc), to the second.

const recordSize = 16

// Outcomes of a ticket in a record.
const (
	outServed = iota
	outNoShow
	outCancelled
	outAtCounter // called or serving
	outWaiting   // waiting or transferred
)

const noTime = math.MaxUint32

// vietnam is the zone of every Vietnamese center (UTC+7, no daylight saving).
var vietnam = time.FixedZone("ICT", 7*3600)

// packed is one report_days row being written.
type packed struct {
	fields, counters []string
	recs             []byte
	at               map[[2]uint16]int // (origin, seq) of each record → its offset in recs
}

// reportCols are what a record is made of (add).
const reportCols = `day, origin, origin_seq, service, counter, state, rating, issued_at, called_at, started_at, done_at, booking <> ''`

// reportRow is one ticket's reportCols.
type reportRow struct {
	day, origin, service, counter, state string
	seq, rating                          int32
	issued, called, started, done        pgtype.Timestamptz
	online                               bool // checked in from an online booking
}

func (r *reportRow) dest() []any {
	return []any{&r.day, &r.origin, &r.seq, &r.service, &r.counter, &r.state, &r.rating,
		&r.issued, &r.called, &r.started, &r.done, &r.online}
}

// add writes t's record in p: over the one of the same ticket (its origin
// and number within origin and day), else at the end. ok is false when the
// ticket cannot be told apart by its key (a number above 65535, or a key
// the row holds twice): then the row is rebuilt whole.
func (p *packed) add(t *reportRow, loc *time.Location) (ok bool, err error) {
	if len(p.fields) > 250 || len(p.counters) > 250 {
		return false, fmt.Errorf("more than 250 fields or counters in one day")
	}
	rec := record{field: index(&p.fields, t.service), origin: index(&p.fields, t.origin), hour: 255,
		seq: uint16(t.seq), rating: uint8(max(0, min(3, t.rating))), online: t.online}
	if t.origin == "" {
		rec.origin = rec.field
	}
	if t.counter != "" {
		rec.counter = index(&p.counters, t.counter) + 1
	}
	tk := queue.Ticket{State: queue.State(t.state), IssuedAt: fromTS(t.issued), CalledAt: fromTS(t.called),
		StartedAt: fromTS(t.started), DoneAt: fromTS(t.done)}
	rec.outcome, rec.wait, rec.service = figures(tk)
	if !tk.IssuedAt.IsZero() {
		rec.hour = uint8(tk.IssuedAt.In(loc).Hour())
	}
	ok = t.seq >= 0 && t.seq <= math.MaxUint16
	key := [2]uint16{uint16(rec.origin), rec.seq}
	if at, held := p.at[key]; held && ok {
		copy(p.recs[at:], rec.append(nil))
		return true, nil
	}
	if p.at != nil {
		p.at[key] = len(p.recs)
	}
	p.recs = rec.append(p.recs)
	return ok, nil
}

// updateReport brings center's report_days rows up to date after a write
// of the tickets ids (of days): it reads those tickets as the table now
// holds them (a batch's older version of a ticket did not overwrite a
// newer one) and replaces their records, so the rows stay what rebuildDays
// would make whatever order the events came in. The caller holds the
// center's lock (queueLock).
func (db *DB) updateReport(ctx context.Context, tx pgx.Tx, center string, ids, days []string) error {
	if len(ids) == 0 {
		return nil
	}
	byDay := map[string]*packed{}
	rows, err := tx.Query(ctx, `SELECT day, fields, counters, tickets FROM report_days
		WHERE center = $1 AND day = ANY($2)`, center, days)
	if err != nil {
		return fmt.Errorf("pgstore: report of %s: %w", center, err)
	}
	var day string
	var fields, counters []string
	var recs []byte
	var whole []string // days to rebuild whole
	_, err = pgx.ForEachRow(rows, []any{&day, &fields, &counters, &recs}, func() error {
		p := &packed{fields: fields, counters: counters, recs: recs, at: map[[2]uint16]int{}}
		for at := 0; at+recordSize <= len(recs); at += recordSize {
			r := readRecord(recs[at:])
			key := [2]uint16{uint16(r.origin), r.seq}
			if _, dup := p.at[key]; dup {
				whole = append(whole, day)
				fields, counters, recs = nil, nil, nil
				return nil
			}
			p.at[key] = at
		}
		byDay[day] = p
		fields, counters, recs = nil, nil, nil
		return nil
	})
	if err != nil {
		return fmt.Errorf("pgstore: report of %s: %w", center, err)
	}
	rows, err = tx.Query(ctx, `SELECT `+reportCols+` FROM tickets WHERE center = $1 AND id = ANY($2)`, center, ids)
	if err != nil {
		return fmt.Errorf("pgstore: report of %s: %w", center, err)
	}
	var t reportRow
	_, err = pgx.ForEachRow(rows, t.dest(), func() error {
		if slices.Contains(whole, t.day) {
			return nil
		}
		p := byDay[t.day]
		if p == nil {
			p = &packed{fields: []string{}, counters: []string{}, at: map[[2]uint16]int{}}
			byDay[t.day] = p
		}
		ok, err := p.add(&t, db.loc)
		if !ok && err == nil {
			whole = append(whole, t.day)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: report of %s: %w", center, err)
	}
	b := &pgx.Batch{}
	for d, p := range byDay {
		if !slices.Contains(whole, d) {
			queueReportRow(b, center, d, p)
		}
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("pgstore: report of %s: %w", center, err)
	}
	return db.rebuildDays(ctx, tx, center, whole)
}

func queueReportRow(b *pgx.Batch, center, day string, p *packed) {
	b.Queue(`INSERT INTO report_days (center, day, fields, counters, tickets) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (day, center) DO UPDATE SET fields = excluded.fields, counters = excluded.counters,
			tickets = excluded.tickets`, center, day, p.fields, p.counters, p.recs)
}

// rebuildDays writes center's report_days rows of days from all their
// tickets. The caller holds the center's lock (queueLock).
func (db *DB) rebuildDays(ctx context.Context, tx pgx.Tx, center string, days []string) error {
	if len(days) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT `+reportCols+` FROM tickets WHERE center = $1 AND day = ANY($2)`, center, days)
	if err != nil {
		return fmt.Errorf("pgstore: report of %s: %w", center, err)
	}
	byDay := map[string]*packed{}
	var t reportRow
	_, err = pgx.ForEachRow(rows, t.dest(), func() error {
		p := byDay[t.day]
		if p == nil {
			p = &packed{fields: []string{}, counters: []string{}}
			byDay[t.day] = p
		}
		_, err := p.add(&t, db.loc)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: report of %s: %w", center, err)
	}
	b := &pgx.Batch{}
	for _, d := range days {
		if p := byDay[d]; p != nil {
			queueReportRow(b, center, d, p)
		} else {
			b.Queue(`DELETE FROM report_days WHERE center = $1 AND day = $2`, center, d)
		}
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("pgstore: report of %s: %w", center, err)
	}
	return nil
}

// figures are a ticket's outcome, wait and service in milliseconds (noTime
// for none), by the report's definitions.
func figures(t queue.Ticket) (outcome uint8, wait, service uint32) {
	switch t.State {
	case queue.Done:
		outcome = outServed
	case queue.NoShow:
		outcome = outNoShow
	case queue.Cancelled:
		outcome = outCancelled
	case queue.Waiting, queue.Transferred:
		outcome = outWaiting
	default:
		outcome = outAtCounter
	}
	wait, service = noTime, noTime
	if !t.CalledAt.IsZero() && !t.IssuedAt.IsZero() && !t.CalledAt.Before(t.IssuedAt) {
		wait = millis(t.CalledAt.Sub(t.IssuedAt))
	}
	if t.State == queue.Done && !t.DoneAt.IsZero() {
		from := t.StartedAt
		if from.IsZero() {
			from = t.CalledAt
		}
		if !from.IsZero() && !t.DoneAt.Before(from) {
			service = millis(t.DoneAt.Sub(from))
		}
	}
	return outcome, wait, service
}

func millis(d time.Duration) uint32 { return uint32(min(d.Milliseconds(), math.MaxUint32-1)) }

// index is the position of s in *dict, appended when missing.
func index(dict *[]string, s string) uint8 {
	if i := slices.Index(*dict, s); i >= 0 {
		return uint8(i)
	}
	*dict = append(*dict, s)
	return uint8(len(*dict) - 1)
}

// record is one ticket in report_days.tickets: hour (255: unknown), field
// and origin (indexes of fields), counter (index of counters + 1; 0: no
// counter called it), outcome, rating (0: none), its number within origin
// and day (with origin, the ticket's key in the row), then wait and service
// in milliseconds (noTime: none), little-endian. The rating's byte holds
// online in its high bit: the ticket came from an online booking.
type record struct {
	hour, field, origin, counter, outcome, rating uint8
	seq                                           uint16
	wait, service                                 uint32
	online                                        bool
}

// onlineBit marks an online ticket in a record's rating byte.
const onlineBit = 0x80

func (r record) append(b []byte) []byte {
	rating := r.rating
	if r.online {
		rating |= onlineBit
	}
	b = append(b, r.hour, r.field, r.origin, r.counter, r.outcome, rating)
	b = binary.LittleEndian.AppendUint16(b, r.seq)
	b = binary.LittleEndian.AppendUint32(b, r.wait)
	return binary.LittleEndian.AppendUint32(b, r.service)
}

func readRecord(b []byte) record {
	return record{hour: b[0], field: b[1], origin: b[2], counter: b[3], outcome: b[4], rating: b[5] &^ onlineBit, online: b[5]&onlineBit != 0,
		seq: binary.LittleEndian.Uint16(b[6:]), wait: binary.LittleEndian.Uint32(b[8:]), service: binary.LittleEndian.Uint32(b[12:])}
}

// rebuildStale rebuilds the report rows listed in report_stale: the days
// held before the report existed. Each center in its own transaction, under
// its lock; processes opening at once share the work.
func (db *DB) rebuildStale(ctx context.Context) error {
	rows, err := db.pool.Query(ctx, `SELECT DISTINCT center FROM report_stale`)
	if err != nil {
		return fmt.Errorf("pgstore: report: %w", err)
	}
	centers, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("pgstore: report: %w", err)
	}
	for _, c := range centers {
		err := db.inTx(ctx, func(tx pgx.Tx) error {
			b := &pgx.Batch{}
			db.queueLock(b, c)
			if err := tx.SendBatch(ctx, b).Close(); err != nil {
				return fmt.Errorf("pgstore: report of %s: %w", c, err)
			}
			rows, err := tx.Query(ctx, `DELETE FROM report_stale WHERE center = $1 RETURNING day`, c)
			if err != nil {
				return fmt.Errorf("pgstore: report of %s: %w", c, err)
			}
			days, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return fmt.Errorf("pgstore: report of %s: %w", c, err)
			}
			return db.rebuildDays(ctx, tx, c, days)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Stats are the figures of one group of tickets. Tickets is always Served
// + NoShows + Cancelled + Open; Waiting is the part of Open not at a
// counter. TransfersIn counts the group's tickets that came from another
// field (counted in Tickets here); TransfersOut, in a field's, a center's
// and the total's rows, those that left a field for another (counted in
// that other field's Tickets). Waits and Services count the samples behind
// the times.
type Stats struct {
	Tickets        int     `json:"tickets"`
	Served         int     `json:"served"`
	NoShows        int     `json:"no_shows"`
	Cancelled      int     `json:"cancelled"`
	Open           int     `json:"open"`
	Waiting        int     `json:"waiting"`
	Online         int     `json:"online"` // checked in from online bookings, of Tickets
	TransfersIn    int     `json:"transfers_in"`
	TransfersOut   int     `json:"transfers_out"`
	Waits          int     `json:"waits"`
	WaitMedianS    float64 `json:"wait_median_s"`
	WaitP90S       int     `json:"wait_p90_s"`
	Services       int     `json:"services"`
	ServiceMedianS float64 `json:"service_median_s"`
	ServiceP90S    int     `json:"service_p90_s"`
	Ratings        [3]int  `json:"ratings"` // Không hài lòng, Hài lòng, Rất hài lòng
	RatingAverage  float64 `json:"rating_average"`
	SatisfiedShare float64 `json:"satisfied_share"` // rated 2 or 3, of all rated; 0 without ratings
}

// Row is one group: a center, a field, a center's counter, an hour ("08")
// or a day.
type Row struct {
	Center string `json:"center,omitempty"` // a counter's center
	Key    string `json:"key"`
	Name   string `json:"name"`
	Stats
}

// Report is the province's figures over a range of days. Each ticket is in
// one row of each group, so every group adds up to Total: Centers, Fields
// (the field it ended in), Counters (the counter that called it last) with
// NotCalled, Hours (local hour of issue) and Days (its center's day).
type Report struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Total     Stats  `json:"total"`
	Centers   []Row  `json:"centers"`
	Fields    []Row  `json:"fields"`
	Counters  []Row  `json:"counters"`
	NotCalled Stats  `json:"not_called"`
	Hours     []Row  `json:"hours"`
	Days      []Row  `json:"days"`
}

// Named is a center with its name.
type Named struct {
	ID, Name string
}

// ReportOpts choose a report.
type ReportOpts struct {
	From, To string  // local days, "2006-01-02", inclusive
	Centers  []Named // the centers included, in the order of their rows
}

// Report aggregates the tickets of the centers and days of o. Every center
// of o has a row, even without tickets; fields, counters, hours and days
// appear when they have tickets.
//
// The rows are read by two queries at once, each on its own connection
// and over half of the centers, each feeding its own accumulator as its
// rows arrive (so both cores decode and count, and the database reads for
// both); the two are then merged before the percentiles.
func (db *DB) Report(ctx context.Context, o ReportOpts) (Report, error) {
	r := Report{From: o.From, To: o.To}
	centerIdx := map[string]int{}
	for i, c := range o.Centers {
		centerIdx[c.ID] = i
	}
	g := &groups{dayIdx: map[string]int{}, fieldIdx: map[string]int{}, counterIdx: map[[2]string]int{}, centers: len(o.Centers)}
	var halves [2][]string
	for i, c := range o.Centers {
		halves[i%2] = append(halves[i%2], c.ID)
	}
	var accs [2]*accumulator
	var errs [2]error
	var wg sync.WaitGroup
	for h, ids := range halves {
		accs[h] = &accumulator{}
		if len(ids) == 0 {
			continue
		}
		wg.Go(func() { errs[h] = db.readReportRows(ctx, o.From, o.To, ids, centerIdx, g, accs[h]) })
	}
	wg.Wait()
	if err := cmp.Or(errs[0], errs[1]); err != nil {
		return r, err
	}
	acc := accs[0]
	acc.merge(accs[1])
	dayNames, fieldNames, counterKeys := g.dayNames, g.fieldNames, g.counterKeys
	results := acc.finish([groupings]int{1, len(o.Centers), len(fieldNames), len(counterKeys) + 1, 25, len(dayNames)})
	r.Total = results[byTotal][0]
	for i, c := range o.Centers {
		r.Centers = append(r.Centers, Row{Key: c.ID, Name: c.Name, Stats: results[byCenter][i]})
	}
	r.Fields = sortedRows(fieldNames, results[byField], func(a, b string) int { return cmp.Compare(a, b) })
	for i, k := range counterKeys {
		r.Counters = append(r.Counters, Row{Center: k[0], Key: k[1], Name: k[1], Stats: results[byCounter][i+1]})
	}
	slices.SortFunc(r.Counters, func(a, b Row) int {
		return cmp.Or(cmp.Compare(centerIdx[a.Center], centerIdx[b.Center]), natural(a.Key, b.Key))
	})
	r.NotCalled = results[byCounter][0]
	for h := range 25 {
		if s := results[byHour][h]; s.Tickets > 0 {
			key := fmt.Sprintf("%02d", h)
			if h == 24 {
				key = "--"
			}
			r.Hours = append(r.Hours, Row{Key: key, Name: key, Stats: s})
		}
	}
	r.Days = sortedRows(dayNames, results[byDay], func(a, b string) int { return cmp.Compare(a, b) })
	for _, rows := range []*[]Row{&r.Centers, &r.Counters, &r.Hours} {
		if *rows == nil {
			*rows = []Row{} // [] in JSON, not null
		}
	}
	return r, nil
}

// groups names the days, fields and counters of a report as its rows
// arrive, shared by the queries reading them (mu).
type groups struct {
	mu          sync.Mutex
	centers     int
	dayNames    []string
	fieldNames  []string
	counterKeys [][2]string
	dayIdx      map[string]int
	fieldIdx    map[string]int
	counterIdx  map[[2]string]int
}

// blob maps one report_days row's codes to the report's groups.
func (g *groups) blob(center int, centerID, day string, fields, counters []string, recs []byte) (dayBlob, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	intern := func(m map[string]int, names *[]string, s string) int {
		i, ok := m[s]
		if !ok {
			i = len(*names)
			m[s] = i
			*names = append(*names, s)
		}
		return i
	}
	d := dayBlob{center: center, day: intern(g.dayIdx, &g.dayNames, day), recs: recs}
	for _, f := range fields {
		d.fields = append(d.fields, intern(g.fieldIdx, &g.fieldNames, f))
	}
	for _, k := range counters {
		key := [2]string{centerID, k}
		i, ok := g.counterIdx[key]
		if !ok {
			i = len(g.counterKeys)
			g.counterIdx[key] = i
			g.counterKeys = append(g.counterKeys, key)
		}
		d.counters = append(d.counters, i)
	}
	if max(g.centers, len(g.fieldNames), len(g.counterKeys)+1) > maxGroups || len(g.dayNames) >= maxDays {
		return d, fmt.Errorf("more than %d centers, fields or counters, or %d days", maxGroups, maxDays-1)
	}
	return d, nil
}

// readReportRows adds to acc the report_days rows of the centers ids from
// day from to day to. The records are read in the driver's buffer, not
// copied: add takes what it needs before the next row.
func (db *DB) readReportRows(ctx context.Context, from, to string, ids []string, centerIdx map[string]int, g *groups, acc *accumulator) error {
	rows, err := db.pool.Query(ctx, `SELECT center, day, fields, counters, tickets FROM report_days
		WHERE day >= $1 AND day <= $2 AND center = ANY($3)`, from, to, ids)
	if err != nil {
		return fmt.Errorf("pgstore: report: %w", err)
	}
	var center, day string
	var fields, counters []string
	var recs pgtype.DriverBytes
	_, err = pgx.ForEachRow(rows, []any{&center, &day, &fields, &counters, &recs}, func() error {
		d, err := g.blob(centerIdx[center], center, day, fields, counters, recs)
		if err != nil {
			return err
		}
		acc.add(&d)
		return nil
	})
	if err != nil {
		return fmt.Errorf("pgstore: report: %w", err)
	}
	return nil
}

// natural orders counter names as numbers when they are: 2 before 10.
func natural(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b)) }

func sortedRows(names []string, stats []Stats, by func(a, b string) int) []Row {
	out := make([]Row, 0, len(names))
	for i, n := range names {
		if stats[i].Tickets > 0 || stats[i].TransfersOut > 0 {
			out = append(out, Row{Key: n, Name: n, Stats: stats[i]})
		}
	}
	slices.SortFunc(out, func(a, b Row) int { return by(a.Key, b.Key) })
	return out
}

// dayBlob is one report_days row with its codes mapped to the report's
// groups.
type dayBlob struct {
	center, day      int
	fields, counters []int
	recs             []byte
}

// Groupings of the report: each ticket is in one group of each.
const (
	byTotal = iota
	byCenter
	byField
	byCounter // 0 for none, else the counter's index + 1
	byHour    // 0..23, and 24 for no time of issue
	byDay
	groupings
)

// sample is a wait or a service with the groups of its ticket: center,
// field, counter, and hour and day together (hour<<11 | day), the total's
// being always 0. Twelve bytes: the samples of a province's month are tens
// of megabytes, and their size is most of the time it takes to read them.
type sample struct {
	ms uint32
	g  [4]uint16
}

// maxDays bounds the days of a report (11 bits of sample.g[3]).
const maxDays = 1 << 11

// maxGroups bounds the groups of one grouping (sample.g).
const maxGroups = math.MaxUint16

// accumulator computes every grouping's stats from the report's rows. add
// counts each record's kind in each of its groups and takes its samples
// with their groups, as the rows arrive; merge adds another accumulator's
// (of the same groups); finish turns the kinds into counts, radix-sorts each kind of sample (waits, services) once and
// reads it in order, so each group's k-th sample is where its count of
// samples seen reaches k: exact percentiles of every group of every grouping
// in linear time, waits and services side by side on this machine's two
// cores.
type accumulator struct {
	st              [groupings][]Stats // TransfersOut until finish, then everything
	kinds           [groupings][][kinds]uint32
	waits, services samples
}

// samples are kept in chunks of sampleChunk as they come, so that taking
// millions never copies them to grow one slice; sorted puts them in one.
type samples struct {
	chunks [][]sample
	n      int
}

const sampleChunk = 1 << 15

func (ss *samples) add(s sample) {
	if k := len(ss.chunks); k == 0 || len(ss.chunks[k-1]) == sampleChunk {
		ss.chunks = append(ss.chunks, make([]sample, 0, sampleChunk))
	}
	last := &ss.chunks[len(ss.chunks)-1]
	*last = append(*last, s)
	ss.n++
}

// merge moves o's samples to ss (its chunks, not copied; a chunk that is
// not full ends up before ss's next ones, which add then starts anew).
func (ss *samples) merge(o *samples) {
	ss.chunks = append(ss.chunks, o.chunks...)
	ss.n += o.n
	*o = samples{}
}

// sorted returns every sample in one slice, sorted by ms.
func (ss *samples) sorted() []sample {
	all := make([]sample, 0, ss.n)
	for _, c := range ss.chunks {
		all = append(all, c...)
	}
	radixSort(all)
	return all
}

// merge adds o's counts and samples to a (o's groups being a's: both read
// with one groups).
func (a *accumulator) merge(o *accumulator) {
	for g := range o.st {
		if n := len(o.st[g]); n > 0 {
			a.fit(g, n-1)
		}
		for i := range o.st[g] {
			a.st[g][i].TransfersOut += o.st[g][i].TransfersOut
			for k, n := range o.kinds[g][i] {
				a.kinds[g][i][k] += n
			}
		}
	}
	a.waits.merge(&o.waits)
	a.services.merge(&o.services)
}

// fit makes st[g] and kinds[g] hold index x.
func (a *accumulator) fit(g, x int) {
	if n := x + 1 - len(a.st[g]); n > 0 {
		a.st[g] = append(a.st[g], make([]Stats, n)...)
		a.kinds[g] = append(a.kinds[g], make([][kinds]uint32, n)...)
	}
}

// A record's kind is what its counts depend on: its outcome, its rating,
// whether it moved from another field, whether it has a wait and a
// service, whether it was booked online. add counts kinds (one increment a record and grouping, not
// one a figure); count turns them into a group's counts.
const kinds = (outWaiting + 1) * 4 * 2 * 2 * 2 * 2

func kindOf(outcome, rating uint8, moved, wait, service, online bool) int {
	if outcome > outWaiting {
		outcome = outAtCounter
	}
	k := int(outcome)*4 + int(min(rating, 3))
	for _, b := range []bool{moved, wait, service, online} {
		k *= 2
		if b {
			k++
		}
	}
	return k
}

// count adds to c the counts of n records of kind k.
func count(c *Stats, k int, n int) {
	if k&1 != 0 {
		c.Online += n
	}
	k >>= 1
	outcome, rating := k/32, k/8%4
	moved, wait, service := k&4 != 0, k&2 != 0, k&1 != 0
	c.Tickets += n
	switch outcome {
	case outServed:
		c.Served += n
	case outNoShow:
		c.NoShows += n
	case outCancelled:
		c.Cancelled += n
	case outWaiting:
		c.Open += n
		c.Waiting += n
	default:
		c.Open += n
	}
	if moved {
		c.TransfersIn += n
	}
	if wait {
		c.Waits += n
	}
	if service {
		c.Services += n
	}
	if rating >= 1 {
		c.Ratings[rating-1] += n
	}
}

func (a *accumulator) add(d *dayBlob) {
	a.fit(byTotal, 0)
	a.fit(byCenter, d.center)
	a.fit(byHour, 24)
	a.fit(byDay, d.day)
	for _, f := range d.fields {
		a.fit(byField, f)
	}
	a.fit(byCounter, 0)
	for _, c := range d.counters {
		a.fit(byCounter, c+1)
	}
	st := &a.st
	for p := 0; p+recordSize <= len(d.recs); p += recordSize {
		rec := readRecord(d.recs[p:])
		counter := 0
		if rec.counter != 0 {
			counter = d.counters[rec.counter-1] + 1
		}
		ids := [groupings]int{0, d.center, d.fields[rec.field], counter, min(int(rec.hour), 24), d.day}
		moved := rec.origin != rec.field
		k := kindOf(rec.outcome, rec.rating, moved, rec.wait != noTime, rec.service != noTime, rec.online)
		for g, x := range ids {
			a.kinds[g][x][k]++
		}
		if moved { // out of the field it left: in that field's, its center's and the total's rows
			st[byTotal][0].TransfersOut++
			st[byCenter][d.center].TransfersOut++
			st[byField][d.fields[rec.origin]].TransfersOut++
		}
		sg := [4]uint16{uint16(ids[byCenter]), uint16(ids[byField]), uint16(ids[byCounter]),
			uint16(ids[byHour]<<11 | ids[byDay])}
		if rec.wait != noTime {
			a.waits.add(sample{ms: rec.wait, g: sg})
		}
		if rec.service != noTime {
			a.services.add(sample{ms: rec.service, g: sg})
		}
	}
}

// finish returns the stats, each grouping g with sizes[g] groups.
func (a *accumulator) finish(sizes [groupings]int) [groupings][]Stats {
	for g, n := range sizes {
		if n > 0 {
			a.fit(g, n-1)
		}
	}
	st := a.st
	for g := range st {
		for i := range st[g] {
			for k, n := range a.kinds[g][i] {
				if n > 0 {
					count(&st[g][i], k, int(n))
				}
			}
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		percentiles(a.waits.sorted(), &st, func(c *Stats) *int { return &c.Waits },
			func(c *Stats, med float64, p90 int) { c.WaitMedianS, c.WaitP90S = med, p90 })
	}()
	go func() {
		defer wg.Done()
		percentiles(a.services.sorted(), &st, func(c *Stats) *int { return &c.Services },
			func(c *Stats, med float64, p90 int) { c.ServiceMedianS, c.ServiceP90S = med, p90 })
	}()
	wg.Wait()
	for g := range st {
		for i := range st[g] {
			c := &st[g][i]
			if rated := c.Ratings[0] + c.Ratings[1] + c.Ratings[2]; rated > 0 {
				sum := c.Ratings[0] + 2*c.Ratings[1] + 3*c.Ratings[2]
				c.RatingAverage = math.Round(float64(sum)/float64(rated)*100) / 100
				c.SatisfiedShare = math.Round(float64(c.Ratings[1]+c.Ratings[2])/float64(rated)*1000) / 1000
			}
		}
	}
	return st
}

// percentiles sets, in every group of st, the median and 90th percentile
// (set) of its samples in ss, as many as count says: the median the middle sample or
// the mean of the two middle ones, in seconds to a tenth; the 90th
// percentile nearest-rank, in whole seconds.
func percentiles(ss []sample, st *[groupings][]Stats, count func(*Stats) *int, set func(*Stats, float64, int)) {
	type ranks struct {
		seen, lo, hi, p90 int
		vlo, vhi, v90     uint32
	}
	var rk [groupings][]ranks
	for g := range st {
		rk[g] = make([]ranks, len(st[g]))
	}
	for g := range st {
		for i := range st[g] {
			n := *count(&st[g][i])
			r := &rk[g][i]
			r.hi, r.lo, r.p90 = n/2, n/2, int(math.Ceil(0.9*float64(n)))-1
			if n%2 == 0 {
				r.lo = n/2 - 1
			}
		}
	}
	radixSort(ss)
	take := func(r *ranks, v uint32) {
		if r.seen == r.lo {
			r.vlo = v
		}
		if r.seen == r.hi {
			r.vhi = v
		}
		if r.seen == r.p90 {
			r.v90 = v
		}
		r.seen++
	}
	for _, s := range ss {
		take(&rk[byTotal][0], s.ms)
		take(&rk[byCenter][s.g[0]], s.ms)
		take(&rk[byField][s.g[1]], s.ms)
		take(&rk[byCounter][s.g[2]], s.ms)
		take(&rk[byHour][s.g[3]>>11], s.ms)
		take(&rk[byDay][s.g[3]&(maxDays-1)], s.ms)
	}
	for g := range st {
		for i := range st[g] {
			r := &rk[g][i]
			if r.seen == 0 {
				continue
			}
			med := (float64(r.vlo) + float64(r.vhi)) / 2
			set(&st[g][i], math.Round(med/100)/10, int((r.v90+500)/1000))
		}
	}
}

// radixSort sorts ss by ms: least significant digit first, 11 bits a pass,
// the three digits' counts taken in one read, a pass skipped when every
// sample has the same digit.
func radixSort(ss []sample) {
	if len(ss) == 0 {
		return
	}
	const bits, digits = 11, 3
	const mask = 1<<bits - 1
	var count [digits][1 << bits]int
	for _, s := range ss {
		count[0][s.ms&mask]++
		count[1][(s.ms>>bits)&mask]++
		count[2][s.ms>>(2*bits)]++
	}
	buf := make([]sample, len(ss))
	src, dst := ss, buf
	for d := range digits {
		shift := d * bits
		c := &count[d]
		if c[(src[0].ms>>shift)&mask] == len(src) {
			continue
		}
		at := 0
		for i, n := range c {
			c[i] = at
			at += n
		}
		for _, s := range src {
			x := (s.ms >> shift) & mask
			dst[c[x]] = s
			c[x]++
		}
		src, dst = dst, src
	}
	if &src[0] != &ss[0] {
		copy(ss, src)
	}
}
