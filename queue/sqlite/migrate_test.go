package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"motcua/internal/database"
	"motcua/queue"
)

// Events written before the events kept their ticket come back with the
// ticket's id only.
func TestEventsFromBeforeTicketData(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := database.Migrate(ctx, db, "queue", migrations[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO events (seq, at, type, ticket, counter, detail)
		VALUES (1, 1763683200000, 'called', 'x1', '3', 'recall')`); err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := queue.Event{Seq: 1, At: fromMS(1763683200000), Type: queue.EventCalled,
		Ticket: queue.Ticket{ID: "x1"}, Counter: "3", Recall: true}
	if len(evs) != 1 || evs[0] != want {
		t.Fatalf("events %+v, want [%+v]", evs, want)
	}
}
