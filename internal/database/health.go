package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"syscall"
	"time"

	"modernc.org/sqlite"

	"motcua/internal/clock"
)

// ErrUnavailable is the kind of every storage failure (StorageError): the
// disk is full, read-only or failing, or the file is damaged. A request that
// meets one was not done; the caller may try again once the disk is fixed.
var ErrUnavailable = errors.New("database: storage unavailable")

// The kinds of StorageError.
const (
	KindFull     = "full"     // no space left (SQLITE_FULL, ENOSPC)
	KindIO       = "io"       // the disk failed a read or write (SQLITE_IOERR, EIO)
	KindReadOnly = "readonly" // the file or its filesystem is read-only
	KindCorrupt  = "corrupt"  // the file is damaged or is not a database
	KindCantOpen = "cantopen" // the file cannot be opened
)

// StorageError is a failure of the storage underneath the database, as
// opposed to a refused statement. It is ErrUnavailable (errors.Is).
type StorageError struct {
	Kind string
	Err  error
}

func (e *StorageError) Error() string {
	return fmt.Sprintf("database: storage %s: %v", e.Kind, e.Err)
}
func (e *StorageError) Unwrap() error        { return e.Err }
func (e *StorageError) Is(target error) bool { return target == ErrUnavailable }

// Kind is the storage kind of err ("" when err is not a storage failure).
func Kind(err error) string {
	var se *StorageError
	if errors.As(err, &se) {
		return se.Kind
	}
	var le *sqlite.Error
	if errors.As(err, &le) {
		switch le.Code() & 0xff {
		case 13: // SQLITE_FULL
			return KindFull
		case 10: // SQLITE_IOERR
			return KindIO
		case 8: // SQLITE_READONLY
			return KindReadOnly
		case 11, 26: // SQLITE_CORRUPT, SQLITE_NOTADB
			return KindCorrupt
		case 14: // SQLITE_CANTOPEN
			return KindCantOpen
		}
	}
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return KindFull
	case errors.Is(err, syscall.EROFS):
		return KindReadOnly
	case errors.Is(err, syscall.EIO):
		return KindIO
	}
	return ""
}

// Classify returns err as a *StorageError when it is a storage failure and
// unchanged otherwise (nil stays nil).
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var se *StorageError
	if errors.As(err, &se) {
		return err
	}
	if k := Kind(err); k != "" {
		return &StorageError{Kind: k, Err: err}
	}
	return err
}

func isDamage(err error) bool { return Kind(err) == KindCorrupt }

// MonitorOpts configure a Monitor.
type MonitorOpts struct {
	Clock  clock.Clock  // default clock.System
	Logger *slog.Logger // default slog.Default()
	// ProbeEvery is how often at most Ping writes to prove the disk takes
	// writes; in between it answers what the last write said. Default 10 s.
	ProbeEvery time.Duration
}

// Monitor follows whether the database takes writes: the stores report the
// outcome of theirs (Observe), Ping probes with a small write of its own.
// /healthz and the metrics read it. It is safe for concurrent use.
type Monitor struct {
	db    *sql.DB
	clock clock.Clock
	log   *slog.Logger
	every time.Duration

	mu      sync.Mutex
	failure error // the last write's storage failure; nil once a write succeeds
	since   time.Time
	probed  time.Time
	counts  map[string]uint64
}

// NewMonitor returns the monitor of db (opened with Open); it creates the
// probe's table.
func NewMonitor(ctx context.Context, db *sql.DB, o MonitorOpts) (*Monitor, error) {
	if err := Migrate(ctx, db, "health", []string{
		`CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL)`,
	}); err != nil {
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ProbeEvery <= 0 {
		o.ProbeEvery = 10 * time.Second
	}
	return &Monitor{db: db, clock: clock.Or(o.Clock), log: o.Logger, every: o.ProbeEvery, counts: map[string]uint64{}}, nil
}

// Observe records the outcome of a write: nil says the disk takes writes, a
// storage failure that it does not (counted by kind). It returns err
// classified (Classify). Other errors (a refused statement) change nothing.
func (m *Monitor) Observe(err error) error {
	err = Classify(err)
	kind := Kind(err)
	if err != nil && kind == "" {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err == nil {
		if m.failure != nil {
			m.log.Info("database: storage takes writes again", "failed_since", m.since)
		}
		m.failure = nil
		return nil
	}
	if m.failure == nil {
		m.since = m.clock.Now()
		m.log.Error("database: storage failure: writes are refused until it is fixed", "kind", kind, "err", err)
	}
	m.failure = err
	m.counts[kind]++
	return err
}

// Ping tells whether the database answers and takes writes: the last
// write's failure, or that of a probe written at most every ProbeEvery.
func (m *Monitor) Ping(ctx context.Context) error {
	m.mu.Lock()
	now := m.clock.Now()
	due := now.Sub(m.probed) >= m.every || now.Before(m.probed)
	if due {
		m.probed = now
	}
	failure := m.failure
	m.mu.Unlock()
	if !due {
		return failure
	}
	_, err := m.db.ExecContext(ctx, `INSERT INTO health_probe (id, at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET at = excluded.at`, now.UnixMilli())
	if err != nil && Kind(err) == "" {
		return fmt.Errorf("database: probe: %w", err) // e.g. ctx ended: not the disk
	}
	return m.Observe(err)
}

// MonitorStats is what a Monitor knows, for metrics.
type MonitorStats struct {
	OK     bool              // the last write succeeded
	Errors map[string]uint64 // storage failures by kind since start
}

// Stats returns the monitor's figures.
func (m *Monitor) Stats() MonitorStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := MonitorStats{OK: m.failure == nil, Errors: map[string]uint64{}}
	for k, n := range m.counts {
		out.Errors[k] = n
	}
	return out
}
