package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// MarkerSuffix names the file Open writes beside a database it has opened
// (motcua.db.marker): proof that the data directory held a database, so a
// database file found missing or empty later is a loss, not a first start.
const MarkerSuffix = ".marker"

// ErrLost is a database file missing or empty in a data directory that held
// one; ErrDamaged is a database that fails its integrity check. Open refuses
// both rather than start an empty day that would issue A001 again.
var (
	ErrLost    = errors.New("database: database lost")
	ErrDamaged = errors.New("database: database damaged")
)

// Opts adjust Open.
type Opts struct {
	// Used tells that the data directory was used before even without a
	// marker (e.g. its session.key was there before this start): a missing
	// or empty database is then a loss too.
	Used bool
	// Reset, instead of refusing a lost or damaged database, moves its files
	// aside (NAME.broken-YYYYMMDD-HHMMSS) and starts an empty one. Numbers
	// start again at 1: only for when no backup can be restored.
	Reset bool
}

// guard refuses to open path when it is missing or empty but evidence says
// a database was there (its marker, its -wal or -shm, o.Used).
func guard(path string, o Opts) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && st.Size() > 0:
		return nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("database: %s: %w", path, err)
	}
	var found []string
	for _, suffix := range []string{MarkerSuffix, "-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			found = append(found, filepath.Base(path+suffix))
		}
	}
	if o.Used {
		found = append(found, "the data directory's keys")
	}
	if len(found) == 0 {
		return nil // a first start
	}
	state := "is missing"
	if err == nil {
		state = "is empty (0 bytes)"
	}
	return fmt.Errorf("%w: %s %s but this data directory held a database (found %s): "+
		"restore %s from the backup, or start once with --reset-database to begin an empty database (numbers start again at 1)",
		ErrLost, path, state, strings.Join(found, ", "), filepath.Base(path))
}

// Check runs SQLite's quick integrity check of db; it fails with ErrDamaged
// naming what SQLite found.
func Check(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return fmt.Errorf("%w: quick_check: %v", ErrDamaged, err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("%w: quick_check: %v", ErrDamaged, err)
		}
		if line != "ok" && len(found) < 3 {
			found = append(found, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%w: quick_check: %v", ErrDamaged, err)
	}
	if len(found) > 0 {
		return fmt.Errorf("%w: quick_check: %s", ErrDamaged, strings.Join(found, "; "))
	}
	return nil
}

// damaged is the one line that refuses a database failing its check.
func damaged(path string, err error) error {
	return fmt.Errorf("database: %s fails its integrity check (%w): "+
		"stop, copy the data directory aside, restore %s from the backup, or start once with --reset-database to begin an empty database (numbers start again at 1)",
		path, err, filepath.Base(path))
}

// moveAside renames path and its -wal and -shm to NAME.broken-STAMP and
// removes its marker, for Opts.Reset.
func moveAside(path string, now time.Time) error {
	stamp := ".broken-" + now.UTC().Format("20060102-150405")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(path+suffix, path+suffix+stamp); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("database: reset: %w", err)
		}
	}
	if err := os.Remove(path + MarkerSuffix); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("database: reset: %w", err)
	}
	return nil
}

// mark writes the marker of path once.
func mark(path string, now time.Time) error {
	m := path + MarkerSuffix
	if _, err := os.Stat(m); err == nil {
		return nil
	}
	text := fmt.Sprintf("motcua opened %s on %s.\nIf that file is ever missing or empty, restore it from the backup: do not delete this file to start over.\n",
		filepath.Base(path), now.UTC().Format(time.RFC3339))
	if err := os.WriteFile(m, []byte(text), 0o600); err != nil {
		return fmt.Errorf("database: marker: %w", err)
	}
	return nil
}
