package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"motcua/internal/clock"
	"motcua/internal/database"
	"motcua/kiosk/dossier"
)

// Component is the name of the registry's migrations in the shared database.
const Component = "dossiers"

// migrations are append-only: never edit or reorder a step that has shipped.
var migrations = []string{
	`CREATE TABLE dossiers (
		code        TEXT PRIMARY KEY,
		status      INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
		procedure   TEXT NOT NULL DEFAULT '',
		applicant   TEXT NOT NULL DEFAULT '',
		received_at INTEGER,
		due_at      INTEGER,
		unit        TEXT NOT NULL DEFAULT '',
		status_at   INTEGER NOT NULL,
		updated_at  INTEGER NOT NULL)`,
	`CREATE TABLE dossier_history (
		id     INTEGER PRIMARY KEY AUTOINCREMENT,
		code   TEXT NOT NULL REFERENCES dossiers(code) ON DELETE CASCADE,
		at     INTEGER NOT NULL,
		status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
		unit   TEXT NOT NULL DEFAULT '')`,
	`CREATE INDEX dossier_history_code ON dossier_history (code, at, id)`,
}

// DefaultMaxImportRows bounds one import.
const DefaultMaxImportRows = 200_000

// Opts configures a Registry. The zero value of each field means its default.
type Opts struct {
	// Clock is the clock; default clock.System.
	Clock clock.Clock
	// Logger gets one line per write (codes, never names); default slog.Default().
	Logger *slog.Logger
	// Codes are the code shapes Record, UpdateStatus and Import accept;
	// default dossier.DefaultCodes().
	Codes *dossier.Codes
	// MaxImportRows bounds one import; default DefaultMaxImportRows.
	MaxImportRows int
}

// Registry is the embedded dossier registry: the default dossier source of a
// center with no integration. It implements dossier.Source.
type Registry struct {
	db      *sql.DB
	now     func() time.Time
	log     *slog.Logger
	codes   *dossier.Codes
	maxRows int
}

// Open migrates the registry's tables in db (opened by the caller with
// database.Open) and returns the registry. Closing db is the caller's job.
func Open(ctx context.Context, db *sql.DB, opts Opts) (*Registry, error) {
	if db == nil {
		return nil, errors.New("registry: no database")
	}
	opts.Clock = clock.Or(opts.Clock)
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Codes == nil {
		opts.Codes = dossier.DefaultCodes()
	}
	if opts.MaxImportRows <= 0 {
		opts.MaxImportRows = DefaultMaxImportRows
	}
	if err := database.Migrate(ctx, db, Component, migrations); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	return &Registry{db: db, now: opts.Clock.Now, log: opts.Logger, codes: opts.Codes, maxRows: opts.MaxImportRows}, nil
}

// ErrInvalid reports a record the registry refuses (bad code, status or
// times); the error wrapping it says which in Vietnamese.
var ErrInvalid = errors.New("registry: invalid data")

// Lookup returns the dossier with the code and its history (oldest first), or
// an error wrapping dossier.ErrNotFound.
func (r *Registry) Lookup(ctx context.Context, code string) (dossier.Dossier, error) {
	code = dossier.NormalizeCode(code)
	var d dossier.Dossier
	var received, due sql.NullInt64
	err := r.db.QueryRowContext(ctx,
		`SELECT code, status, procedure, applicant, received_at, due_at, unit FROM dossiers WHERE code = ?`, code).
		Scan(&d.Code, &d.Status, &d.Procedure, &d.Applicant, &received, &due, &d.Unit)
	if errors.Is(err, sql.ErrNoRows) {
		return dossier.Dossier{}, fmt.Errorf("registry: %s: %w", code, dossier.ErrNotFound)
	}
	if err != nil {
		return dossier.Dossier{}, fmt.Errorf("registry: tra cứu %s: %w: %w", code, dossier.ErrUnavailable, err)
	}
	d.ReceivedAt, d.DueAt = fromMillis(received), fromMillis(due)
	rows, err := r.db.QueryContext(ctx,
		`SELECT at, status, unit FROM dossier_history WHERE code = ? ORDER BY at, id`, code)
	if err != nil {
		return dossier.Dossier{}, fmt.Errorf("registry: lịch sử %s: %w: %w", code, dossier.ErrUnavailable, err)
	}
	defer rows.Close()
	d.History = []dossier.Event{}
	for rows.Next() {
		var at int64
		var e dossier.Event
		if err := rows.Scan(&at, &e.Status, &e.Unit); err != nil {
			return dossier.Dossier{}, fmt.Errorf("registry: lịch sử %s: %w: %w", code, dossier.ErrUnavailable, err)
		}
		e.At = time.UnixMilli(at)
		d.History = append(d.History, e)
	}
	if err := rows.Err(); err != nil {
		return dossier.Dossier{}, fmt.Errorf("registry: lịch sử %s: %w: %w", code, dossier.ErrUnavailable, err)
	}
	return d, nil
}

// ReceiptInfo is what the printing code knows of a dossier when it prints
// its receipt (form 01).
type ReceiptInfo struct {
	Code       string
	Procedure  string
	Applicant  string
	Unit       string    // the unit that received it; may be empty
	ReceivedAt time.Time // zero: now
	DueAt      time.Time // zero: unknown
}

// Record registers a dossier whose receipt was just printed here, with
// status 2 "Được tiếp nhận". Printing the receipt again updates the details
// and keeps the status and history as they are.
func (r *Registry) Record(ctx context.Context, info ReceiptInfo) error {
	code, err := r.code(info.Code)
	if err != nil {
		return err
	}
	now := r.now()
	if info.ReceivedAt.IsZero() {
		info.ReceivedAt = now
	}
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("registry: ghi %s: %w", code, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO dossiers
		(code, status, procedure, applicant, received_at, due_at, unit, status_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO NOTHING`,
		code, dossier.StatusAccepted, info.Procedure, info.Applicant, millis(info.ReceivedAt), millis(info.DueAt),
		info.Unit, info.ReceivedAt.UnixMilli(), now.UnixMilli())
	if err != nil {
		return fmt.Errorf("registry: ghi %s: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_history (code, at, status, unit) VALUES (?, ?, ?, ?)`,
			code, info.ReceivedAt.UnixMilli(), dossier.StatusAccepted, info.Unit); err != nil {
			return fmt.Errorf("registry: ghi %s: %w", code, err)
		}
	} else if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET procedure = ?, applicant = ?, received_at = ?,
		due_at = COALESCE(?, due_at), unit = CASE WHEN ? = '' THEN unit ELSE ? END, updated_at = ? WHERE code = ?`,
		info.Procedure, info.Applicant, millis(info.ReceivedAt), millis(info.DueAt), info.Unit, info.Unit,
		now.UnixMilli(), code); err != nil {
		return fmt.Errorf("registry: ghi %s: %w", code, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("registry: ghi %s: %w", code, err)
	}
	r.log.Info("registry: đã ghi hồ sơ từ biên nhận", "code", code)
	return nil
}

// StatusUpdate is a change of a dossier's status pushed by the main one-stop
// system.
type StatusUpdate struct {
	Code   string
	Status dossier.Status
	Unit   string    // the unit now holding the dossier; may be empty
	At     time.Time // when the change happened; zero: now
}

// UpdateStatus appends the change to the dossier's history. The current
// status and unit follow the newest change, so updates arriving out of order
// never move a dossier back. An unknown code gives an error wrapping
// dossier.ErrNotFound; a status outside 1–10 one wrapping ErrInvalid.
func (r *Registry) UpdateStatus(ctx context.Context, u StatusUpdate) error {
	code, err := r.code(u.Code)
	if err != nil {
		return err
	}
	if !u.Status.Valid() {
		return fmt.Errorf("registry: %s: trạng thái %d không thuộc 1–10: %w", code, u.Status, ErrInvalid)
	}
	now := r.now()
	if u.At.IsZero() {
		u.At = now
	}
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("registry: cập nhật %s: %w", code, err)
	}
	defer tx.Rollback()
	if err := applyStatus(ctx, tx, code, u.Status, u.Unit, u.At, now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("registry: cập nhật %s: %w", code, err)
	}
	r.log.Info("registry: đã cập nhật trạng thái", "code", code, "status", int(u.Status))
	return nil
}

// applyStatus appends a history event and moves the current status if the
// event is the newest.
func applyStatus(ctx context.Context, tx *sql.Tx, code string, status dossier.Status, unit string, at, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE dossiers SET
		status = CASE WHEN ? >= status_at THEN ? ELSE status END,
		unit = CASE WHEN ? >= status_at AND ? <> '' THEN ? ELSE unit END,
		status_at = MAX(status_at, ?), updated_at = ?
		WHERE code = ?`,
		at.UnixMilli(), status, at.UnixMilli(), unit, unit, at.UnixMilli(), now.UnixMilli(), code)
	if err != nil {
		return fmt.Errorf("registry: cập nhật %s: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("registry: cập nhật %s: %w", code, dossier.ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_history (code, at, status, unit) VALUES (?, ?, ?, ?)`,
		code, at.UnixMilli(), status, unit); err != nil {
		return fmt.Errorf("registry: cập nhật %s: %w", code, err)
	}
	return nil
}

// Agencies returns the agency parts of the codes the registry holds (what
// comes before a code's first dash: "000.00.14.H56", "G09.20") among the
// dossiers recorded or updated since since, the most frequent first, at
// most n: the starts of the codes this center's citizens carry, which the
// kiosk's keypad offers as one key each.
func (r *Registry) Agencies(ctx context.Context, since time.Time, n int) ([]string, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT substr(code, 1, instr(code, '-') - 1) AS agency, COUNT(*) AS k
		FROM dossiers WHERE updated_at >= ? AND instr(code, '-') > 1
		GROUP BY agency ORDER BY k DESC, agency LIMIT ?`, since.UnixMilli(), n)
	if err != nil {
		return nil, fmt.Errorf("registry: agencies: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var agency string
		var k int
		if err := rows.Scan(&agency, &k); err != nil {
			return nil, fmt.Errorf("registry: agencies: %w", err)
		}
		out = append(out, agency)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registry: agencies: %w", err)
	}
	return out, nil
}

func (r *Registry) code(raw string) (string, error) {
	code, err := r.codes.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("registry: %w: %w", err, ErrInvalid)
	}
	return code, nil
}

func millis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func fromMillis(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64)
}

// trimAll trims every string of a record read from a file.
func trimAll(ss []string) {
	for i := range ss {
		ss[i] = strings.TrimSpace(ss[i])
	}
}

// matches reports whether a normalised code has one of the accepted shapes.
func (r *Registry) matches(code string) bool {
	_, ok := r.codes.Shape(code)
	return ok
}
