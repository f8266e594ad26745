package pgstore

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"motcua/internal/pgtest"
)

// Steps run in order, each in its own transaction with its record: a failing
// step keeps the ones before and nothing of itself, and the next migrate
// resumes there. Components count their steps apart.
func TestMigrateStepsInOrder(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	versions := func(component string) (n, top int) {
		t.Helper()
		if err := pool.QueryRow(ctx, `SELECT count(*), COALESCE(max(version), 0) FROM schema_migrations WHERE component = $1`,
			component).Scan(&n, &top); err != nil {
			t.Fatal(err)
		}
		return n, top
	}
	exists := func(table string) bool {
		t.Helper()
		var ok bool
		if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	bad := []string{
		`CREATE TABLE a (x int)`,
		`CREATE TABLE b (y int); INSERT INTO missing VALUES (1)`,
		`CREATE TABLE c (z int)`,
	}
	if err := migrate(ctx, pool, "t", bad); err == nil {
		t.Fatal("a failing step went through")
	}
	if n, top := versions("t"); n != 1 || top != 1 || !exists("a") || exists("b") || exists("c") {
		t.Fatalf("after a failing step 2: %d versions up to %d, a %v b %v c %v; want step 1 only",
			n, top, exists("a"), exists("b"), exists("c"))
	}
	good := append([]string{bad[0], `CREATE TABLE b (y int)`}, bad[2])
	if err := migrate(ctx, pool, "t", good); err != nil {
		t.Fatal(err)
	}
	if n, top := versions("t"); n != 3 || top != 3 || !exists("b") || !exists("c") {
		t.Fatalf("after the fixed steps: %d versions up to %d", n, top)
	}
	if err := migrate(ctx, pool, "t", good); err != nil { // nothing left to run
		t.Fatal(err)
	}
	if err := migrate(ctx, pool, "u", []string{`CREATE TABLE d (w int)`}); err != nil {
		t.Fatal(err)
	}
	if n, _ := versions("u"); n != 1 {
		t.Fatalf("component u: %d versions, want 1", n)
	}
	if err := migrate(ctx, pool, "t", good[:2]); err == nil {
		t.Fatal("a binary knowing 2 steps took a schema at 3")
	}
}

// Migration 3 fills the person and booking of the tickets held from the
// events they were written from, and marks the days with online tickets
// for the report to rebuild.
func TestMigrationFillsPersonAndBooking(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := migrate(ctx, pool, "hub", migrations[:2]); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO tickets (center, id, day, origin, origin_seq, number, service, priority, state, kiosk, counter, calls, print, rating, last_seq)
			VALUES ('c1', 'w', '2026-12-01', 'A', 1, 'A001', 'A', false, 'waiting', '', '', 0, 'none', 0, 1),
			       ('c1', 'o', '2026-12-01', 'A', 2, 'A002', 'A', false, 'waiting', '', '', 0, 'none', 0, 2),
			       ('c1', 'x', '2026-12-01', 'A', 3, 'A003', 'A', false, 'waiting', '', '', 0, 'none', 0, 3)`,
		`INSERT INTO events (center, seq, type, ticket_id, data) VALUES
			('c1', 1, 'issued', 'w', '{"ticket":{"id":"w","person":"p1"}}'),
			('c1', 2, 'issued', 'o', '{"ticket":{"id":"o","person":"p2","booking":"b2"}}'),
			('c1', 3, 'issued', 'x', '{"ticket":{"id":"x"}}')`,
		`DELETE FROM report_stale`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrate(ctx, pool, "hub", migrations); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	rows, _ := pool.Query(ctx, `SELECT id, person || '/' || booking FROM tickets`)
	for rows.Next() {
		var id, v string
		rows.Scan(&id, &v)
		got[id] = v
	}
	if rows.Err() != nil || got["w"] != "p1/" || got["o"] != "p2/b2" || got["x"] != "/" {
		t.Fatalf("filled: %v %v", got, rows.Err())
	}
	var stale int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM report_stale WHERE center = 'c1' AND day = '2026-12-01'`).Scan(&stale); err != nil || stale != 1 {
		t.Fatalf("stale days %d %v", stale, err)
	}
}
