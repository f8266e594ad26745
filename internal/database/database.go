package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Open opens (creating if needed) the SQLite database at path with the
// settings every part of motcua relies on: WAL journal, synchronous=FULL (a
// committed transaction survives a power cut), foreign keys on and a busy
// timeout so the spooler, the registry and the queue store can share the file.
// It refuses (ErrLost) a database missing or empty where one was before and
// (ErrDamaged) one failing SQLite's quick_check; Open is OpenWith without
// options.
func Open(path string) (*sql.DB, error) { return OpenWith(path, Opts{}) }

// OpenWith is Open with options.
func OpenWith(path string, o Opts) (*sql.DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("database: data directory: %w", err)
		}
	}
	if err := guard(path, o); err != nil {
		if !o.Reset {
			return nil, err
		}
		if err := moveAside(path, time.Now()); err != nil {
			return nil, err
		}
	}
	// Before SQLite opens it: it would drop the frames after the damage.
	if err := checkWAL(path); err != nil {
		if !o.Reset {
			return nil, err
		}
		if err := moveAside(path, time.Now()); err != nil {
			return nil, err
		}
	}
	db, err := open(path)
	if err == nil {
		if err = Check(context.Background(), db); err != nil {
			db.Close()
			err = damaged(path, err)
		}
	} else if isDamage(err) {
		err = damaged(path, fmt.Errorf("%w: %v", ErrDamaged, err))
	}
	if err != nil && o.Reset && errors.Is(err, ErrDamaged) {
		if err := moveAside(path, time.Now()); err != nil {
			return nil, err
		}
		db, err = open(path)
	}
	if err != nil {
		return nil, err
	}
	if err := mark(path, time.Now()); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func open(path string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"synchronous(FULL)",
		"foreign_keys(ON)",
		"busy_timeout(5000)",
	} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("database: open %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("database: open %s: %w", path, err)
	}
	return db, nil
}

// Migrate brings component's tables up to date by running, in order, each step
// of steps that has not run yet; each step runs in its own transaction together
// with the record that it ran. Steps are append-only: never edit or reorder one
// that has shipped. Several components share one database, each with its own
// name ("queue", "spool", "dossiers").
func Migrate(ctx context.Context, db *sql.DB, component string, steps []string) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		component TEXT NOT NULL,
		version   INTEGER NOT NULL,
		PRIMARY KEY (component, version))`); err != nil {
		return fmt.Errorf("database: migrations table: %w", err)
	}
	var done int
	if err := db.QueryRowContext(ctx,
		`SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?`,
		component).Scan(&done); err != nil {
		return fmt.Errorf("database: %s migrations: %w", component, err)
	}
	if done > len(steps) {
		return fmt.Errorf("database: %s schema is version %d, newer than this binary knows (%d)", component, done, len(steps))
	}
	for i := done; i < len(steps); i++ {
		if err := runStep(ctx, db, component, i+1, steps[i]); err != nil {
			return err
		}
	}
	return nil
}

func runStep(ctx context.Context, db *sql.DB, component string, version int, stmt string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("database: %s migration %d: %w", component, version, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("database: %s migration %d: %w", component, version, err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO schema_migrations (component, version) VALUES (?, ?)`, component, version); err != nil {
		return fmt.Errorf("database: %s migration %d: %w", component, version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("database: %s migration %d: %w", component, version, err)
	}
	return nil
}
