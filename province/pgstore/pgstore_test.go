package pgstore_test

import (
	"context"
	"testing"

	"motcua/internal/pgtest"
	"motcua/province/pgstore"
	"motcua/queue"
	"motcua/queue/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// open returns a store on a new database.
func open(t testing.TB) *pgstore.DB {
	t.Helper()
	return openURL(t, pgtest.URL(t))
}

func openURL(t testing.TB, url string) *pgstore.DB {
	t.Helper()
	db, err := pgstore.Open(context.Background(), url, pgstore.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// The hub's view of one center keeps the queue.Store contract. Every
// subtest uses its own database; two centers share each, so a store that
// ignored its center would fail too.
func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) queue.Store {
		db := open(t)
		other := db.Store("other")
		if err := other.Apply(context.Background(), []queue.Change{{Day: "2026-11-21",
			Tickets: []queue.Ticket{{ID: "a1", Day: "2026-11-21", Origin: "A", Seq: 1, Number: "A001",
				Service: "A", State: queue.Waiting, Print: queue.PrintNone}},
			Events: []queue.Event{{Seq: 9, Type: queue.EventDayReset, Day: "2026-11-21"}}}}); err != nil {
			t.Fatal(err)
		}
		return db.Store("c1")
	})
}
