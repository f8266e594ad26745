package queue_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/queue"
	"motcua/queue/queuetest"
	"motcua/queue/sqlite"
)

// BenchmarkIssue measures the engine alone (in-memory store) and on SQLite
// with synchronous=FULL, with group commit and with one commit per ticket,
// under parallel callers.
func BenchmarkIssue(b *testing.B) {
	mem := func(b *testing.B) queue.Store { return queuetest.NewStore() }
	onDisk := func(b *testing.B) queue.Store {
		db, err := database.Open(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		s, err := sqlite.NewStore(context.Background(), db)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	for _, bc := range []struct {
		name  string
		store func(*testing.B) queue.Store
		batch int
	}{
		{"memory", mem, 0},
		{"sqlite-group-commit", onDisk, 0},
		{"sqlite-one-commit-each", onDisk, 1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e, err := queue.New(context.Background(), queue.Opts{
				Fields:   []queue.Field{{Code: "A", Name: "Hộ tịch"}},
				Counters: []queue.Counter{{ID: "1", Services: []string{"A"}}},
				Store:    bc.store(b), MaxBatch: bc.batch,
				Clock: clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)),
			})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); e.Run(ctx) }()
			defer func() { cancel(); <-done }()
			b.SetParallelism(25) // 50 callers on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.Issue(ctx, queue.IssueRequest{Service: "A"}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkIssueWithCaps is Issue for a person on a busy day (1,200
// tickets already issued, each by another person): the caps are counted
// over the day's tickets at every issue.
func BenchmarkIssueWithCaps(b *testing.B) {
	e, err := queue.New(context.Background(), queue.Opts{
		Fields:   []queue.Field{{Code: "A", Name: "Hộ tịch"}, {Code: "B", Name: "Đất đai"}},
		Counters: []queue.Counter{{ID: "1", Services: []string{"A", "B"}}},
		Store:    queuetest.NewStore(), Caps: queue.Caps{PerDay: 2, PerField: 1},
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for i := range 1200 {
		if _, err := e.Issue(ctx, queue.IssueRequest{Service: "A", Person: fmt.Sprint("p", i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.Issue(ctx, queue.IssueRequest{Service: "B", Person: fmt.Sprint("q", i)}); err != nil {
			b.Fatal(err)
		}
	}
}
