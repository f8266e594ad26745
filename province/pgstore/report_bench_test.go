package pgstore_test

import (
	"context"
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"motcua/internal/pgtest"
	"motcua/province/pgstore"
)

// loadProvince fills the tickets table of a new database with centers ×
// days × perDay tickets in SQL (generate_series: eight fields, ten counters,
// issued 07:30–17:30, waits up to an hour and services up to half an hour
// to the millisecond, 85% served, 8% no-shows, 2% cancelled, the rest still
// open, 5% transferred, ratings on half), lists every day as stale and
// opens the store, which rebuilds the report rows the way a hub upgraded
// to the report does. It returns the store and how long the rebuild took.
func loadProvince(b *testing.B, centers, days, perDay int) (*pgstore.DB, time.Duration) {
	ctx := context.Background()
	url := pgtest.URL(b)
	db := openURL(b, url)
	for c := 1; c <= centers; c++ {
		_, err := db.Pool().Exec(ctx, `
		INSERT INTO tickets (center, id, day, origin, origin_seq, number, service, priority, state, kiosk,
			counter, calls, issued_at, queued_at, called_at, started_at, done_at, print, rating, last_seq)
		SELECT center, day || '-' || i, day, origin, i, origin || lpad(i::text, 4, '0'),
			CASE WHEN r1 < 0.05 THEN 'H' ELSE origin END, false, state, 'k1',
			CASE WHEN state IN ('cancelled', 'waiting') THEN '' ELSE (1 + i % 10)::text END, 1,
			issued, issued,
			CASE WHEN state IN ('cancelled', 'waiting') THEN NULL ELSE issued + wait END,
			CASE WHEN state IN ('done', 'serving') THEN issued + wait + interval '20 seconds' END,
			CASE WHEN state = 'done' THEN issued + wait + interval '20 seconds' + service
				WHEN state IN ('no_show', 'cancelled') THEN issued + wait + interval '5 minutes' END,
			'printed', CASE WHEN state = 'done' AND r2 < 0.5 THEN 1 + (i % 3) ELSE 0 END, i
		FROM (
			SELECT 'c' || $1::int AS center, to_char(date '2026-11-01' + d, 'YYYY-MM-DD') AS day, i,
				chr(65 + i % 8) AS origin, r1, r2,
				(date '2026-11-01' + d + time '07:30') AT TIME ZONE 'Asia/Ho_Chi_Minh'
					+ (i * 36000 / $3) * interval '1 second' AS issued,
				floor(random() * 3600000) * interval '1 millisecond' AS wait,
				floor(random() * 1800000) * interval '1 millisecond' AS service,
				CASE WHEN r1 < 0.85 THEN 'done' WHEN r1 < 0.93 THEN 'no_show' WHEN r1 < 0.95 THEN 'cancelled'
					WHEN r1 < 0.98 THEN 'waiting' ELSE 'serving' END AS state
			FROM generate_series(0, $2 - 1) AS d, generate_series(1, $3) AS i,
				LATERAL (SELECT random() + d * 0 + i * 0 AS r1, random() + d * 0 + i * 0 AS r2) AS r
		) AS g`, c, days, perDay)
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Pool().Exec(ctx, `INSERT INTO report_stale (center, day) SELECT DISTINCT center, day FROM tickets;
		ANALYZE`); err != nil {
		b.Fatal(err)
	}
	db.Close()
	start := time.Now()
	db = openURL(b, url)
	return db, time.Since(start)
}

// BenchmarkProvinceReport: a month's report of a province of 100 centers at
// 1,000 tickets a day (3 million tickets), for all of them and for one, each
// iteration one Report; p50 and p99 over the iterations (run it with
// -benchtime 50x or more for a p99 worth the name). The load, once, takes a
// few minutes on 2 cores; go test runs benchmarks only with -bench.
func BenchmarkProvinceReport(b *testing.B) {
	const centers, days, perDay = 100, 30, 1000
	start := time.Now()
	db, rebuild := loadProvince(b, centers, days, perDay)
	b.Logf("loaded %d tickets in %v (report rows rebuilt at Open in %v)", centers*days*perDay, time.Since(start).Round(time.Second), rebuild.Round(time.Millisecond))
	all := make([]pgstore.Named, centers)
	for i := range all {
		all[i] = pgstore.Named{ID: fmt.Sprint("c", i+1), Name: fmt.Sprint("Trung tâm ", i+1)}
	}
	ctx := context.Background()
	for _, sub := range []struct {
		name    string
		centers []pgstore.Named
	}{{"centers=100/days=30", all}, {"centers=1/days=30", all[41:42]}} {
		b.Run(sub.name, func(b *testing.B) {
			o := pgstore.ReportOpts{From: "2026-11-01", To: "2026-11-30", Centers: sub.centers}
			var took []time.Duration
			cpu0 := processCPU()
			for b.Loop() {
				t0 := time.Now()
				r, err := db.Report(ctx, o)
				if err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
				if r.Total.Tickets != len(sub.centers)*days*perDay {
					b.Fatalf("%d tickets, want %d", r.Total.Tickets, len(sub.centers)*days*perDay)
				}
			}
			b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(b.N), "go-cpu-ms/op")
			quantiles(b, took)
		})
	}
	// The read alone, and the read of a copy stored compressed (TOAST's
	// default), to tell the database's part from the aggregation's.
	if _, err := db.Pool().Exec(ctx, `CREATE TABLE report_days_compressed AS SELECT * FROM report_days`); err != nil {
		b.Fatal(err)
	}
	for _, table := range []string{"report_days", "report_days_compressed"} {
		b.Run("read/"+table, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				t0 := time.Now()
				rows, err := db.Pool().Query(ctx, `SELECT center, day, fields, counters, tickets FROM `+table+`
					WHERE day >= '2026-11-01' AND day <= '2026-11-30'`)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					var c, d string
					var f, k []string
					var t []byte
					if err := rows.Scan(&c, &d, &f, &k, &t); err != nil {
						b.Fatal(err)
					}
					n += len(t)
				}
				if rows.Err() != nil || n == 0 {
					b.Fatal(rows.Err(), n)
				}
				took = append(took, time.Since(t0))
			}
			quantiles(b, took)
		})
	}
}

// quantiles reports the p50 and p99 of took.
func quantiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	q := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// processCPU is the CPU time this process used so far: the Go side of a
// report, which a loaded machine inflates much less than the wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
