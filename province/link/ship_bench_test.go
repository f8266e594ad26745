package link_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"motcua/internal/database"
	"motcua/province/wire"
	"motcua/queue"
	"motcua/queue/sqlite"
)

// BenchmarkShipRead is the center's side of sending a backlog, without the
// network: read 256 committed events after the acknowledged one from the
// center's SQLite store and encode them as a frame, over a day of 10,000
// tickets each issued, called and done. ns/op and µs-per-event are the
// center's CPU for each event it sends.
func BenchmarkShipRead(b *testing.B) {
	ctx := context.Background()
	db, err := database.Open(filepath.Join(b.TempDir(), "motcua.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	st, err := sqlite.NewStore(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	day := "2026-12-01"
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var seq uint64
	for i := range 10000 {
		t := queue.Ticket{ID: fmt.Sprintf("%s-A-%d", day, i+1), Day: day, Origin: "A", Seq: i + 1,
			Number: fmt.Sprintf("A%04d", i+1), Service: "A", State: queue.Waiting, Kiosk: "k1",
			IssuedAt: at, QueuedAt: at, Print: "printed"}
		var ch queue.Change
		for _, step := range []queue.EventType{queue.EventIssued, queue.EventCalled, queue.EventCompleted} {
			seq++
			switch step {
			case queue.EventCalled:
				t.State, t.Counter, t.Calls, t.CalledAt = queue.Called, "1", 1, at.Add(time.Minute)
			case queue.EventCompleted:
				t.State, t.DoneAt = queue.Done, at.Add(5*time.Minute)
			}
			ch.Events = append(ch.Events, queue.Event{Seq: seq, At: at, Type: step, Ticket: t, Counter: t.Counter})
		}
		ch.Tickets = []queue.Ticket{t}
		if err := st.Apply(ctx, []queue.Change{ch}); err != nil {
			b.Fatal(err)
		}
	}
	var after uint64
	sent := 0
	b.ResetTimer()
	for b.Loop() {
		events, err := st.Events(ctx, after, 256)
		if err != nil {
			b.Fatal(err)
		}
		if len(events) == 0 {
			after = 0
			continue
		}
		if _, err := wire.EncodeFrame(events); err != nil {
			b.Fatal(err)
		}
		after = events[len(events)-1].Seq
		sent += len(events)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(sent), "µs/event")
}
