package pgstore_test

import (
	"context"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/pgtest"
	"motcua/province/pgstore"
)

// The hub's outbox keeps one message per center and key, hands the due ones
// with their recipient to one claimer, forgets the recipient once finished,
// and counts by center, channel and state.
func TestNotifyOutbox(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := pgstore.NotifyMessage{Center: "c1", Key: "t:A1:called", Kind: "called", Phone: "84912345678",
		Params: map[string]string{"counter": "3"}, Expires: clk.Now().Add(time.Hour)}
	id, dup, err := db.PutNotify(ctx, m)
	if err != nil || dup {
		t.Fatalf("put: %d %v %v", id, dup, err)
	}
	m2 := m
	m2.Phone = "84900000000"
	if id2, dup, err := db.PutNotify(ctx, m2); err != nil || !dup || id2 != id {
		t.Fatalf("the same key again: %d %v %v", id2, dup, err)
	}
	other := m
	other.Center = "c2"
	if id3, dup, err := db.PutNotify(ctx, other); err != nil || dup || id3 == id {
		t.Fatalf("another center's same key: %d %v %v", id3, dup, err)
	}
	if _, _, err := db.PutNotify(ctx, pgstore.NotifyMessage{Center: "c1", Kind: "called"}); err == nil {
		t.Fatal("a message without a key was stored")
	}
	const lease = time.Minute
	due, err := db.NotifyDue(ctx, clk.Now(), 10, lease)
	if err != nil || len(due) != 2 || due[0].Phone != "84912345678" || due[0].Params["counter"] != "3" || !due[0].Expires.Equal(m.Expires) {
		t.Fatalf("due %+v %v", due, err)
	}
	if next, ok, err := db.NotifyNextDue(ctx, lease); err != nil || !ok || !next.Equal(clk.Now()) {
		t.Fatalf("next due %v %v %v", next, ok, err)
	}
	if ok, err := db.NotifyClaim(ctx, id, clk.Now(), lease); !ok || err != nil {
		t.Fatalf("claim %v %v", ok, err)
	}
	// Another process, within the lease: neither claims nor recovers it.
	if ok, _ := db.NotifyClaim(ctx, id, clk.Now().Add(lease/2), lease); ok {
		t.Fatal("claimed twice within the lease")
	}
	if n, err := db.NotifyRecover(ctx, clk.Now().Add(lease/2), lease); n != 0 || err != nil {
		t.Fatalf("recovered a claim within its lease: %d %v", n, err)
	}
	if due, _ := db.NotifyDue(ctx, clk.Now().Add(lease/2), 10, lease); len(due) != 1 || due[0].Center != "c2" {
		t.Fatalf("due within the lease %+v", due)
	}
	// Its lease over (the process died mid-send): due again, then claimed
	// again, or put back by a process starting.
	if next, _, _ := db.NotifyNextDue(ctx, lease); !next.Equal(clk.Now()) {
		t.Fatalf("next due %v (c2's pending message)", next)
	}
	after := clk.Now().Add(lease + time.Second)
	if due, _ := db.NotifyDue(ctx, after, 10, lease); len(due) != 2 || due[0].Phone != "84912345678" {
		t.Fatalf("due after the lease %+v", due)
	}
	if n, err := db.NotifyRecover(ctx, after, lease); n != 1 || err != nil {
		t.Fatalf("recover %d %v", n, err)
	}
	if ok, err := db.NotifyClaim(ctx, id, clk.Now(), lease); !ok || err != nil {
		t.Fatalf("claim again %v %v", ok, err)
	}
	if err := db.NotifySettle(ctx, id, pgstore.NotifySettlement{State: "sent", Attempts: 1, Channel: "zns", Provider: "z-1", At: clk.Now()}); err != nil {
		t.Fatal(err)
	}
	msgs, err := db.NotifyMessages(ctx, "c1")
	if err != nil || len(msgs) != 1 || msgs[0].State != "sent" || msgs[0].ProviderID != "z-1" || msgs[0].Phone != "" {
		t.Fatalf("messages %+v %v", msgs, err)
	}
	due, _ = db.NotifyDue(ctx, clk.Now(), 10, lease)
	if len(due) != 1 || due[0].Center != "c2" {
		t.Fatalf("due after sending %+v", due)
	}
	var phones int
	if err := db.Pool().QueryRow(ctx, `SELECT COUNT(*) FROM notify_messages WHERE phone != ''`).Scan(&phones); err != nil || phones != 1 {
		t.Fatalf("%d numbers kept (%v), want 1 (the pending message's)", phones, err)
	}
	counts, err := db.NotifyCounts(ctx, "")
	want := []pgstore.NotifyCount{{Center: "c1", Channel: "zns", State: "sent", N: 1}, {Center: "c2", State: "pending", N: 1}}
	if err != nil || len(counts) != 2 || counts[0] != want[0] || counts[1] != want[1] {
		t.Fatalf("counts %+v %v", counts, err)
	}

	// Kept too long: dropped, the number gone; then deleted.
	clk.Advance(48 * time.Hour)
	if err := db.NotifyPurge(ctx, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if msgs, _ := db.NotifyMessages(ctx, "c2"); len(msgs) != 1 || msgs[0].State != "dropped" {
		t.Fatalf("after purge: %+v", msgs)
	}
	if msgs, _ := db.NotifyMessages(ctx, "c1"); len(msgs) != 0 {
		t.Fatalf("finished message kept: %+v", msgs)
	}

	if _, _, ok, err := db.Secret(ctx, "zns.refresh_token"); ok || err != nil {
		t.Fatalf("secret before set: %v %v", ok, err)
	}
	exp := clk.Now().Add(time.Hour).Truncate(time.Microsecond)
	if err := db.SetSecret(ctx, "zns.refresh_token", "r2", exp); err != nil {
		t.Fatal(err)
	}
	if v, e, ok, err := db.Secret(ctx, "zns.refresh_token"); v != "r2" || !e.Equal(exp) || !ok || err != nil {
		t.Fatalf("secret %q %v %v %v", v, e, ok, err)
	}
}
