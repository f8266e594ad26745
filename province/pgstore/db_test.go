package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/pgtest"
	"motcua/province/pgstore"
	"motcua/queue"
)

// Hub processes starting together against a new database each migrate it,
// and every step runs once.
func TestMigrationsConcurrentOpens(t *testing.T) {
	url := pgtest.URL(t)
	const n = 4
	dbs := make([]*pgstore.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			dbs[i], errs[i] = pgstore.Open(context.Background(), url, pgstore.Opts{})
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		t.Cleanup(dbs[i].Close)
	}
	var steps, distinct int
	if err := dbs[0].Pool().QueryRow(context.Background(),
		`SELECT count(*), count(DISTINCT version) FROM schema_migrations WHERE component = 'hub'`).Scan(&steps, &distinct); err != nil {
		t.Fatal(err)
	}
	if steps == 0 || steps != distinct {
		t.Fatalf("schema_migrations holds %d rows for %d versions, want each step once", steps, distinct)
	}
	// Each one works.
	for i, db := range dbs {
		if _, err := db.Ingest(context.Background(), fmt.Sprint("c", i), []queue.Event{{Seq: 1, Type: queue.EventDayReset, Day: "2026-11-21"}}); err != nil {
			t.Fatalf("Ingest through Open %d: %v", i, err)
		}
	}
}

// A database migrated by a newer binary is refused, and Open of a database
// that does not answer fails.
func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db := openURL(t, url)
	if _, err := db.Pool().Exec(ctx, `INSERT INTO schema_migrations (component, version) VALUES ('hub', 1000)`); err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.Open(ctx, url, pgstore.Opts{}); err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("Open of a newer schema: %v", err)
	}
	if _, err := pgstore.Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", pgstore.Opts{}); err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	db.Close()
	db.Close() // idempotent
}

// Config versions number 1, 2, 3... per center even when two hub processes
// put at once; publishing an earlier one rolls back.
func TestConfigVersions(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC))
	url := pgtest.URL(t)
	a, err := pgstore.Open(ctx, url, pgstore.Opts{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	b := openURL(t, url)

	if v, err := a.Published(ctx, "c1"); err != nil || v != 0 {
		t.Fatalf("Published of a center without config: %d, %v", v, err)
	}
	if vs, err := a.Versions(ctx, "c1"); err != nil || len(vs) != 0 {
		t.Fatalf("Versions of a center without config: %v, %v", vs, err)
	}
	const each = 10
	var mu sync.Mutex
	got := map[int]string{}
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for w, db := range []*pgstore.DB{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				yaml := fmt.Sprintf("center: {name: \"Xã %d-%d\"}\n", w, i)
				v, err := db.PutConfig(ctx, "c1", yaml, fmt.Sprint("admin", w))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if prev, dup := got[v]; dup {
					errs <- fmt.Errorf("version %d given to %q and %q", v, prev, yaml)
				}
				got[v] = yaml
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var nums []int
	for v := range got {
		nums = append(nums, v)
	}
	sort.Ints(nums)
	for i, v := range nums {
		if v != i+1 {
			t.Fatalf("versions %v, want 1..%d", nums, 2*each)
		}
	}
	if v, err := a.PutConfig(ctx, "c2", "center: {}\n", "admin"); err != nil || v != 1 {
		t.Fatalf("first version of another center: %d, %v; want 1", v, err)
	}

	for _, v := range []int{5, 12, 2} { // publish, then roll back to 2
		if err := b.Publish(ctx, "c1", v); err != nil {
			t.Fatalf("Publish %d: %v", v, err)
		}
		if p, err := a.Published(ctx, "c1"); err != nil || p != v {
			t.Fatalf("after Publish %d: Published %d, %v", v, p, err)
		}
	}
	c2, err := a.Config(ctx, "c1", 2)
	if err != nil {
		t.Fatal(err)
	}
	if c2.YAML != got[2] || !c2.Published || c2.Version != 2 || c2.Center != "c1" {
		t.Fatalf("Config 2: %+v, want %q published", c2, got[2])
	}
	vs, err := a.Versions(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2*each {
		t.Fatalf("%d versions, want %d", len(vs), 2*each)
	}
	for i, v := range vs {
		if v.Version != i+1 || v.YAML != got[v.Version] || v.Published != (v.Version == 2) {
			t.Fatalf("Versions[%d] = %+v", i, v)
		}
	}
	// Made through a, at its clock.
	for _, v := range vs {
		if v.Author == "admin0" && !v.CreatedAt.Equal(clk.Now()) {
			t.Fatalf("version %d created at %v, want the clock's %v", v.Version, v.CreatedAt, clk.Now())
		}
	}

	if _, err := a.Config(ctx, "c1", 99); !errors.Is(err, pgstore.ErrNotFound) {
		t.Fatalf("Config of a missing version: %v, want ErrNotFound", err)
	}
	if err := a.Publish(ctx, "c1", 99); !errors.Is(err, pgstore.ErrNotFound) {
		t.Fatalf("Publish of a missing version: %v, want ErrNotFound", err)
	}
	if err := a.Publish(ctx, "c9", 1); !errors.Is(err, pgstore.ErrNotFound) {
		t.Fatalf("Publish to a center without config: %v, want ErrNotFound", err)
	}
	if p, _ := a.Published(ctx, "c1"); p != 2 {
		t.Fatalf("a refused Publish changed the published version to %d", p)
	}
}

// Centers lists every center with its name, what it last reported (a late
// older report dropped), and today's and waiting tickets counted at the hub.
func TestCenters(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC))
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	for _, c := range [][2]string{{"c2", "Trung tâm Phục vụ hành chính công xã Hòa Vang"}, {"c1", "Xã Bà Điểm"}, {"c3", ""}} {
		if err := db.PutCenter(ctx, c[0], c[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutCenter(ctx, "c3", "Phường Bến Thành"); err != nil { // renamed
		t.Fatal(err)
	}
	// c1: yesterday's log, then today's with some tickets still waiting.
	evs, _ := simulate(1, "2026-11-20", 30, 0)
	more, final := simulate(2, "2026-11-21", 25, uint64(len(evs)))
	cut, issues := 0, 0 // just before the 16th ticket is issued
	for ; issues < 16; cut++ {
		if more[cut].Type == queue.EventIssued {
			issues++
		}
	}
	cut--
	ingest(t, db, "c1", append(evs, more[:cut]...))
	held := map[string]queue.Ticket{}
	for _, ev := range more[:cut] {
		if ev.Ticket.ID != "" {
			held[ev.Ticket.ID] = ev.Ticket
		}
	}
	waiting := 0
	for _, tk := range held {
		if tk.State.Queued() {
			waiting++
		}
	}
	if waiting == 0 || len(held) == len(final) {
		t.Fatalf("the cut holds %d tickets, %d waiting: the test needs some waiting and some not yet shipped", len(held), waiting)
	}

	seen := clk.Now().Add(-time.Minute)
	st := pgstore.CenterStatus{Online: true, LastSeen: seen, Version: "1.4.0", ConfigVersion: 3,
		RefusedVersion: 4, RefusedReason: "counters[2]: quầy 3 đang phục vụ, không thể bỏ",
		Printers: map[string]pgstore.PrinterStatus{"kiosk1": {State: "paper_out", Paper: "out", Cover: "closed"}},
		Scanners: map[string]pgstore.ScannerStatus{"kiosk1": {State: "online"}}, Waiting: 7,
		Boards:  map[string]pgstore.BoardStatus{"bang1": {State: "silent", Errors: 4}},
		Buttons: map[string]pgstore.ScannerStatus{"thu1": {State: "connected"}}}
	if err := db.SetStatus(ctx, "c1", st); err != nil {
		t.Fatal(err)
	}
	stale := st
	stale.LastSeen, stale.Online, stale.Waiting = seen.Add(-time.Hour), false, 1
	if err := db.SetStatus(ctx, "c1", stale); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutConfig(ctx, "c1", "x: 1\n", "admin"); err != nil {
		t.Fatal(err)
	}
	if err := db.Publish(ctx, "c1", 1); err != nil {
		t.Fatal(err)
	}
	// c4 is known only from its status.
	offline := pgstore.CenterStatus{LastSeen: seen.Add(-3 * time.Hour)}
	if err := db.SetStatus(ctx, "c4", offline); err != nil {
		t.Fatal(err)
	}

	rows, err := db.Centers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	if fmt.Sprint(ids) != "[c1 c2 c3 c4]" {
		t.Fatalf("centers %v, want [c1 c2 c3 c4]", ids)
	}
	c1 := rows[0]
	st.LastSeen = st.LastSeen.UTC()
	if !reflect.DeepEqual(c1.Status, st) {
		t.Errorf("c1 status:\n got  %+v\n want %+v (the late older report must be dropped)", c1.Status, st)
	}
	if c1.Name != "Xã Bà Điểm" || c1.Day != "2026-11-21" || c1.TicketsToday != len(held) || c1.Waiting != waiting ||
		c1.Published != 1 || c1.LastSeq != uint64(len(evs)+cut) || c1.Contiguous != c1.LastSeq ||
		!c1.CreatedAt.Equal(clk.Now()) {
		t.Errorf("c1: %+v; want day 2026-11-21, %d tickets today, %d waiting, published 1, last seq %d",
			c1, len(held), waiting, len(evs)+cut)
	}
	if rows[2].Name != "Phường Bến Thành" || rows[1].TicketsToday != 0 || rows[1].Status.Online {
		t.Errorf("c2 %+v, c3 %+v", rows[1], rows[2])
	}
	if c4 := rows[3]; c4.Name != "" || !c4.Status.LastSeen.Equal(offline.LastSeen) || c4.Status.Online || c4.Day != "" {
		t.Errorf("c4 %+v", c4)
	}
	if one, err := db.Center(ctx, "c1"); err != nil || !reflect.DeepEqual(one, c1) {
		t.Errorf("Center(c1) = %+v, %v; want what Centers says", one, err)
	}
	if _, err := db.Center(ctx, "nope"); !errors.Is(err, pgstore.ErrNotFound) {
		t.Errorf("Center of an unknown id: %v, want ErrNotFound", err)
	}

	// The rest of the day arrives: counts follow.
	ingest(t, db, "c1", more[cut:])
	one, err := db.Center(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if one.TicketsToday != len(final) || one.Waiting != 0 {
		t.Errorf("after the whole day: %d today, %d waiting; want %d, 0", one.TicketsToday, one.Waiting, len(final))
	}
}
