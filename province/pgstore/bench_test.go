package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"motcua/queue"
)

// stream is n events of a center's log from seq 1: simulated days of 500
// tickets, one after another.
func stream(n int) []queue.Event {
	var out []queue.Event
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for len(out) < n {
		evs, _ := simulate(uint64(len(out)), day.Format("2006-01-02"), 500, uint64(len(out)))
		out = append(out, evs...)
		day = day.AddDate(0, 0, 1)
	}
	return out[:n]
}

// BenchmarkIngest: events per second into the hub's store, one center
// shipping its log in order in batches of 1, 64 and 512 (each a transaction),
// and 4 centers shipping batches of 64 at once.
func BenchmarkIngest(b *testing.B) {
	for _, batch := range []int{1, 64, 512} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			db := open(b)
			evs := stream(b.N * batch)
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				if _, err := db.Ingest(ctx, "c1", evs[i*batch:(i+1)*batch]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
		})
	}
	b.Run("centers=4/batch=64", func(b *testing.B) {
		const centers, batch = 4, 64
		db := open(b)
		per := (b.N + centers - 1) / centers
		evs := stream(per * batch)
		ctx := context.Background()
		b.ResetTimer()
		var wg sync.WaitGroup
		errs := make(chan error, centers)
		for c := range centers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range per {
					if _, err := db.Ingest(ctx, fmt.Sprint("c", c), evs[i*batch:(i+1)*batch]); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		b.ReportMetric(float64(per*centers*batch)/b.Elapsed().Seconds(), "events/s")
	})
}
