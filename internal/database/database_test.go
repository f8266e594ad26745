package database

import (
	"context"
	"path/filepath"
	"testing"
)

func TestMigrateRunsEachStepOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	steps := []string{`CREATE TABLE a (x INTEGER)`, `INSERT INTO a VALUES (1)`}
	if err := Migrate(ctx, db, "test", steps); err != nil {
		t.Fatal(err)
	}
	// A second run, and a run with one more step, must not repeat the insert.
	steps = append(steps, `INSERT INTO a VALUES (2)`)
	if err := Migrate(ctx, db, "test", steps); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, db, "test", steps); err != nil {
		t.Fatal(err)
	}
	var n, sum int
	if err := db.QueryRow(`SELECT COUNT(*), SUM(x) FROM a`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 2 || sum != 3 {
		t.Fatalf("rows=%d sum=%d, want 2 rows summing to 3", n, sum)
	}
	if err := Migrate(ctx, db, "test", steps[:1]); err == nil {
		t.Fatal("an older binary on a newer schema must refuse")
	}
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode=%q err=%v, want wal", mode, err)
	}
	var sync int
	if err := db.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != 2 {
		t.Fatalf("synchronous=%d err=%v, want 2 (FULL)", sync, err)
	}
	db.Close()
}

func TestMigrateFailedStepLeavesNoRecord(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := Migrate(ctx, db, "bad", []string{`CREATE TABLE b (x)`, `NOT SQL`}); err == nil {
		t.Fatal("a bad step must fail")
	}
	if err := Migrate(ctx, db, "bad", []string{`CREATE TABLE b (x)`, `CREATE TABLE c (y)`}); err != nil {
		t.Fatalf("after fixing the step: %v", err)
	}
}
