package pgstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/pgtest"
	"motcua/province/pgstore"
)

// counted is what GROUP BY over the messages says, as NotifyCounts answers.
func counted(t *testing.T, db *pgstore.DB) []pgstore.NotifyCount {
	t.Helper()
	rows, err := db.Pool().Query(context.Background(), `SELECT center, channel, state, COUNT(*) FROM notify_messages
		GROUP BY center, channel, state ORDER BY center, channel, state`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []pgstore.NotifyCount
	for rows.Next() {
		var c pgstore.NotifyCount
		if err := rows.Scan(&c.Center, &c.Channel, &c.State, &c.N); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// The counts the hub keeps are the messages' counts whatever happens to
// them: stored, claimed, settled sent or failed, postponed, recovered after
// a lease, dropped and deleted by the purge; of all centers and of one.
func TestNotifyCountsKeptAsTheMessagesChange(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(1, 2))
	const lease = time.Minute
	check := func(step string) {
		t.Helper()
		got, err := db.NotifyCounts(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if want := counted(t, db); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: counts %+v, the messages say %+v", step, got, want)
		}
		one, err := db.NotifyCounts(ctx, "c2")
		if err != nil {
			t.Fatal(err)
		}
		var want []pgstore.NotifyCount
		for _, c := range got {
			if c.Center == "c2" {
				want = append(want, c)
			}
		}
		if !reflect.DeepEqual(one, want) {
			t.Fatalf("%s: c2's counts %+v, want %+v", step, one, want)
		}
	}
	check("empty")
	for round := range 4 {
		for i := range 60 {
			m := pgstore.NotifyMessage{Center: fmt.Sprintf("c%d", 1+r.IntN(3)), Key: fmt.Sprintf("t:%d-%d:called", round, i),
				Kind: "called", Phone: "84912345678", Expires: clk.Now().Add(time.Duration(1+r.IntN(120)) * time.Minute)}
			if _, _, err := db.PutNotify(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		check(fmt.Sprintf("round %d stored", round))
		due, err := db.NotifyDue(ctx, clk.Now(), 1000, lease)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range due {
			if ok, err := db.NotifyClaim(ctx, m.ID, clk.Now(), lease); err != nil || !ok {
				continue
			}
			channel := []string{"zns", "sms"}[r.IntN(2)]
			switch r.IntN(4) {
			case 0:
				err = db.NotifySettle(ctx, m.ID, pgstore.NotifySettlement{State: "sent", Attempts: 1, Channel: channel, At: clk.Now()})
			case 1:
				err = db.NotifySettle(ctx, m.ID, pgstore.NotifySettlement{State: "failed", Attempts: 6, Channel: channel, Reason: "invalid phone", At: clk.Now()})
			case 2:
				err = db.NotifyPostpone(ctx, m.ID, clk.Now().Add(time.Minute), clk.Now(), lease)
			default: // left "sending": a killed process's
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		check(fmt.Sprintf("round %d sent", round))
		clk.Advance(2 * lease)
		if _, err := db.NotifyRecover(ctx, clk.Now(), lease); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("round %d recovered", round))
		clk.Advance(time.Duration(r.IntN(90)) * time.Minute)
		if err := db.NotifyPurge(ctx, 2*time.Hour); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("round %d purged", round))
	}
	for range 2 { // the first drops what is still pending, the second deletes it
		clk.Advance(72 * time.Hour)
		if err := db.NotifyPurge(ctx, time.Hour); err != nil {
			t.Fatal(err)
		}
		check("all purged")
	}
	if got, _ := db.NotifyCounts(ctx, ""); len(got) != 0 {
		t.Fatalf("after everything was deleted: %+v", got)
	}
}

// A hub upgraded with messages in its outbox counts them: the step that
// keeps the counts takes those already there.
func TestNotifyCountsOfAnUpgradedHub(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db := openURL(t, url)
	if _, err := db.Pool().Exec(ctx, `
		INSERT INTO notify_messages (center, key, kind, state, channel, decided_at, next_at)
		SELECT 'c' || (i % 4), 'k' || i, 'called', (ARRAY['sent', 'failed', 'pending'])[1 + i % 3],
			CASE WHEN i % 3 = 2 THEN '' ELSE 'zns' END, now(), now()
		FROM generate_series(1, 500) AS i;
		DROP TRIGGER notify_counted ON notify_messages;
		DROP TRIGGER notify_recounted ON notify_messages;
		DROP TABLE notify_counts;
		DROP FUNCTION notify_count;
		DELETE FROM schema_migrations WHERE component = 'notify' AND version = 2;`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	again := openURL(t, url)
	got, err := again.NotifyCounts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := counted(t, again); len(got) != 12 || !reflect.DeepEqual(got, want) {
		t.Fatalf("after the upgrade %+v, the messages say %+v", got, want)
	}
}
