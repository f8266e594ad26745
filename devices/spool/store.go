package spool

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"motcua/internal/database"
)

// State is where a job is.
type State string

// Job states. Written is internal (bytes all sent, not yet confirmed);
// events report queued, printing, printed, sent and failed. Printed means
// the printer confirmed it processed the job; Sent that every byte left for
// a printer that cannot confirm (a write-only link, a printer that never
// answers, or no confirmation in time).
const (
	Queued   State = "queued"
	Printing State = "printing"
	Written  State = "written"
	Printed  State = "printed"
	Sent     State = "sent"
	Failed   State = "failed"
)

// Job is a stored print job.
type Job struct {
	ID        int64
	Printer   string
	Kind      string
	Ref       string
	Owner     string // what the job prints for, e.g. the ticket's id
	Data      []byte
	Preview   []byte
	State     State
	Attempts  int
	LastError string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ErrNoJob is returned by Store.Next when a printer has nothing to do and
// by Store.Get for an unknown id.
var ErrNoJob = errors.New("spool: no job")

// Store keeps jobs durably.
type Store interface {
	// Add stores a new queued job and returns its id; the job is durable
	// when Add returns.
	Add(ctx context.Context, j Job) (int64, error)
	// Next returns the printer's oldest job that is not printed or failed.
	Next(ctx context.Context, printer string) (Job, error)
	// Update records a job's state, attempts and last error.
	Update(ctx context.Context, id int64, st State, attempts int, lastErr string, at time.Time) error
	// Get returns a job.
	Get(ctx context.Context, id int64) (Job, error)
}

// SQLStore is the Store in the shared SQLite database.
type SQLStore struct{ db *sql.DB }

var migrations = []string{
	`CREATE TABLE print_jobs (
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		printer    TEXT NOT NULL,
		kind       TEXT NOT NULL,
		ref        TEXT NOT NULL,
		data       BLOB NOT NULL,
		preview    BLOB,
		state      TEXT NOT NULL,
		attempts   INTEGER NOT NULL DEFAULT 0,
		last_error TEXT NOT NULL DEFAULT '',
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	);
	CREATE INDEX print_jobs_pending ON print_jobs (printer, state, id);`,
	`ALTER TABLE print_jobs ADD COLUMN owner TEXT NOT NULL DEFAULT ''`,
	// The settled jobs that still hold their bytes: what Prune looks at.
	`CREATE INDEX print_jobs_unpruned ON print_jobs (updated_at)
		WHERE state IN ('printed', 'sent', 'failed') AND length(data) > 0`,
}

// NewSQLStore migrates the "spool" tables of db (opened by database.Open).
func NewSQLStore(ctx context.Context, db *sql.DB) (*SQLStore, error) {
	if err := database.Migrate(ctx, db, "spool", migrations); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return &SQLStore{db: db}, nil
}

// Add implements Store.
func (s *SQLStore) Add(ctx context.Context, j Job) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO print_jobs
		(printer, kind, ref, owner, data, preview, state, attempts, last_error, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?)`,
		j.Printer, j.Kind, j.Ref, j.Owner, j.Data, j.Preview, Queued, j.CreatedAt.UnixNano(), j.CreatedAt.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("spool: add job: %w", database.Classify(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("spool: add job: %w", err)
	}
	return id, nil
}

const jobColumns = `id, printer, kind, ref, owner, data, preview, state, attempts, last_error, created_at, updated_at`

func scanJob(row *sql.Row) (Job, error) {
	var j Job
	var created, updated int64
	err := row.Scan(&j.ID, &j.Printer, &j.Kind, &j.Ref, &j.Owner, &j.Data, &j.Preview, &j.State, &j.Attempts, &j.LastError, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, ErrNoJob
	}
	if err != nil {
		return Job{}, fmt.Errorf("spool: read job: %w", err)
	}
	j.CreatedAt, j.UpdatedAt = time.Unix(0, created), time.Unix(0, updated)
	return j, nil
}

// Next implements Store.
func (s *SQLStore) Next(ctx context.Context, printer string) (Job, error) {
	return scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM print_jobs
		WHERE printer = ? AND state IN ('queued', 'printing', 'written') ORDER BY id LIMIT 1`, printer))
}

// Get implements Store.
func (s *SQLStore) Get(ctx context.Context, id int64) (Job, error) {
	return scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM print_jobs WHERE id = ?`, id))
}

// Update implements Store.
func (s *SQLStore) Update(ctx context.Context, id int64, st State, attempts int, lastErr string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE print_jobs SET state = ?, attempts = ?, last_error = ?, updated_at = ? WHERE id = ?`,
		st, attempts, lastErr, at.UnixNano(), id)
	if err != nil {
		return fmt.Errorf("spool: job %d to %s: %w", id, st, database.Classify(err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("spool: job %d: %w", id, ErrNoJob)
	}
	return nil
}

// Settled returns the jobs created since t that are printed, sent or failed, in id
// order, without their bytes: after a crash their states may not have
// reached whoever follows them (a ticket's print state).
func (s *SQLStore) Settled(ctx context.Context, since time.Time) ([]Job, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, printer, kind, ref, owner, state, attempts, last_error
		FROM print_jobs WHERE created_at >= ? AND state IN ('printed', 'sent', 'failed') ORDER BY id`, since.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("spool: settled jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		if err := rows.Scan(&j.ID, &j.Printer, &j.Kind, &j.Ref, &j.Owner, &j.State, &j.Attempts, &j.LastError); err != nil {
			return nil, fmt.Errorf("spool: settled jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// Owners returns the owners of the jobs of a kind created since t.
func (s *SQLStore) Owners(ctx context.Context, kind string, since time.Time) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT owner FROM print_jobs WHERE kind = ? AND created_at >= ? AND owner != ''`,
		kind, since.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("spool: job owners: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return nil, fmt.Errorf("spool: job owners: %w", err)
		}
		out[o] = true
	}
	return out, rows.Err()
}

// Prune implements Pruner: the jobs printed, sent or failed (last updated) before
// t lose their bytes and preview; their rows stay.
func (s *SQLStore) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE print_jobs SET data = x'', preview = NULL
		WHERE state IN ('printed', 'sent', 'failed') AND length(data) > 0 AND updated_at < ?`,
		before.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("spool: prune: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("spool: prune: %w", err)
	}
	return n, nil
}

var _ Pruner = (*SQLStore)(nil)
