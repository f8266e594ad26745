package pgstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"motcua/internal/pgtest"
)

// BenchmarkNotifyCounts is the query behind the hub's delivery counts (the
// fleet page, a center's page, /metrics) on an outbox holding 30 days of
// 100 centers sending 1,000 messages a day each through the hub: 3 million
// messages, nearly all sent, some failed, a few pending. It counts them
// every time (the store answers from its cache for CountsFor after).
func BenchmarkNotifyCounts(b *testing.B) {
	ctx := context.Background()
	db := openURL(b, pgtest.URL(b))
	if _, err := db.Pool().Exec(ctx, `
		INSERT INTO notify_messages (center, key, kind, state, channel, decided_at, next_at, done_at)
		SELECT 'c' || c, 't:' || d || '-' || i, 'called',
			CASE WHEN i % 50 = 0 THEN 'failed' WHEN d = 29 AND i > 990 THEN 'pending' ELSE 'sent' END,
			CASE WHEN d = 29 AND i > 990 THEN '' WHEN i % 3 = 0 THEN 'sms' ELSE 'zns' END,
			now() - (30 - d) * interval '1 day', now(), now()
		FROM generate_series(1, 100) AS c, generate_series(0, 29) AS d, generate_series(1, 1000) AS i;
		ANALYZE notify_messages`); err != nil {
		b.Fatal(err)
	}
	for _, center := range []string{"", "c42"} {
		name := "all"
		if center != "" {
			name = "one"
		}
		b.Run(name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				counts, err := db.CountNotify(ctx, center)
				if err != nil {
					b.Fatal(err)
				}
				if len(counts) == 0 {
					b.Fatal("no counts")
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
