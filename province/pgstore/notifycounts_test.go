package pgstore_test

import (
	"context"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/pgtest"
	"motcua/province/pgstore"
)

// The delivery counts are counted at most once per CountsFor for all
// centers and for each: a message stored since shows once that has passed;
// CountNotify always counts.
func TestNotifyCountsCountedOncePerCountsFor(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	put := func(center, key string) {
		t.Helper()
		if _, _, err := db.PutNotify(ctx, pgstore.NotifyMessage{Center: center, Key: key, Kind: "called", Phone: "84912345678",
			Expires: clk.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	pending := func(counts []pgstore.NotifyCount, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range counts {
			n += c.N
		}
		return n
	}
	put("c1", "t:A1:called")
	if n := pending(db.NotifyCounts(ctx, "")); n != 1 {
		t.Fatalf("all: %d, want 1", n)
	}
	if n := pending(db.NotifyCounts(ctx, "c1")); n != 1 {
		t.Fatalf("c1: %d, want 1", n)
	}
	put("c1", "t:A2:called")
	clk.Advance(pgstore.CountsFor - time.Second)
	if n := pending(db.NotifyCounts(ctx, "")); n != 1 {
		t.Fatalf("all within CountsFor: %d, want the 1 counted", n)
	}
	if n := pending(db.CountNotify(ctx, "")); n != 2 {
		t.Fatalf("CountNotify: %d, want 2", n)
	}
	clk.Advance(time.Second)
	if n := pending(db.NotifyCounts(ctx, "")); n != 2 {
		t.Fatalf("all after CountsFor: %d, want 2", n)
	}
	if n := pending(db.NotifyCounts(ctx, "c1")); n != 2 {
		t.Fatalf("c1 after CountsFor: %d, want 2", n)
	}
	if n := pending(db.NotifyCounts(ctx, "c2")); n != 0 {
		t.Fatalf("c2: %d, want 0", n)
	}
}
