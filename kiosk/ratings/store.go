package ratings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"motcua/internal/clock"
	"motcua/internal/database"
)

// Component names the package's migrations in the shared database.
const Component = "ratings"

// migrations are append-only.
var migrations = []string{
	`CREATE TABLE visit_dossiers (
		ticket_id TEXT NOT NULL,
		day       TEXT NOT NULL,
		code      TEXT NOT NULL,
		kind      TEXT NOT NULL,
		at        INTEGER NOT NULL,
		PRIMARY KEY (ticket_id, code));
	CREATE INDEX visit_dossiers_day ON visit_dossiers (day);
	CREATE TABLE ratings (
		ticket_id  TEXT PRIMARY KEY,
		day        TEXT NOT NULL,
		number     TEXT NOT NULL,
		counter    TEXT NOT NULL,
		clerk      TEXT NOT NULL DEFAULT '',
		value      INTEGER NOT NULL CHECK (value BETWEEN 1 AND 3),
		at         INTEGER NOT NULL,
		pushed_at  INTEGER,
		attempts   INTEGER NOT NULL DEFAULT 0,
		last_error TEXT NOT NULL DEFAULT '');
	CREATE INDEX ratings_day ON ratings (day);
	CREATE INDEX ratings_unpushed ON ratings (at) WHERE pushed_at IS NULL;`,
}

// Kinds of a visit's dossier.
const (
	HandedIn  = "handed_in" // the visit handed it in (form 01, 02 or 03 printed)
	Collected = "collected" // the visit collected its result
)

// ErrInvalid reports a link or rating the store refuses.
var ErrInvalid = errors.New("ratings: invalid")

// Link says that a visit (a ticket) handed in or collected a dossier.
type Link struct {
	TicketID, Day, Code, Kind string
	At                        time.Time
}

// Rating is a citizen's rating of a visit.
type Rating struct {
	TicketID string
	Day      string // the ticket's local day, "2006-01-02"
	Number   string
	Counter  string
	// Clerk is the username of the officer whose console held the counter
	// ("" when none did).
	Clerk string
	// Value is 1 Không hài lòng, 2 Hài lòng, 3 Rất hài lòng.
	Value int
	At    time.Time
}

// Rated is a stored rating with the visit's dossiers.
type Rated struct {
	Rating
	// Codes are the dossier codes the visit handed in or collected, in the
	// order they were linked; Kinds says which for each.
	Codes []string
	Kinds []string
	// PushedAt is when the main system acknowledged it (zero: not yet).
	PushedAt time.Time
	Attempts int
}

// Label is the rating's Vietnamese label.
func Label(v int) string {
	switch v {
	case 1:
		return "Không hài lòng"
	case 2:
		return "Hài lòng"
	case 3:
		return "Rất hài lòng"
	}
	return ""
}

// Store keeps ratings and the visits' dossiers.
type Store struct {
	db  *sql.DB
	now func() time.Time
}

// Open migrates the package's tables in db (opened with database.Open).
func Open(ctx context.Context, db *sql.DB, clk clock.Clock) (*Store, error) {
	if db == nil {
		return nil, errors.New("ratings: no database")
	}
	if err := database.Migrate(ctx, db, Component, migrations); err != nil {
		return nil, fmt.Errorf("ratings: %w", err)
	}
	return &Store{db: db, now: clock.Or(clk).Now}, nil
}

// Link records that a visit handed in or collected a dossier; linking the
// same dossier to the same visit again keeps the first.
func (s *Store) Link(ctx context.Context, l Link) error {
	if l.TicketID == "" || l.Day == "" || l.Code == "" || (l.Kind != HandedIn && l.Kind != Collected) {
		return fmt.Errorf("ratings: link %+v: %w", l, ErrInvalid)
	}
	if l.At.IsZero() {
		l.At = s.now()
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO visit_dossiers (ticket_id, day, code, kind, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (ticket_id, code) DO NOTHING`, l.TicketID, l.Day, l.Code, l.Kind, l.At.UnixMilli()); err != nil {
		return fmt.Errorf("ratings: link: %w", err)
	}
	return nil
}

// Record stores a rating (once per ticket: the first stays).
func (s *Store) Record(ctx context.Context, r Rating) error {
	if r.TicketID == "" || r.Day == "" || r.Value < 1 || r.Value > 3 {
		return fmt.Errorf("ratings: rating %+v: %w", r, ErrInvalid)
	}
	if r.At.IsZero() {
		r.At = s.now()
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO ratings (ticket_id, day, number, counter, clerk, value, at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id) DO NOTHING`,
		r.TicketID, r.Day, r.Number, r.Counter, r.Clerk, r.Value, r.At.UnixMilli()); err != nil {
		return fmt.Errorf("ratings: record: %w", err)
	}
	return nil
}

// List returns the ratings of the local days from..to ("2006-01-02",
// inclusive), oldest first, with their dossiers.
func (s *Store) List(ctx context.Context, from, to string) ([]Rated, error) {
	return s.query(ctx, `WHERE r.day BETWEEN ? AND ? ORDER BY r.at, r.ticket_id`, from, to)
}

// Pending returns at most limit ratings not yet acknowledged by the main
// system, oldest first.
func (s *Store) Pending(ctx context.Context, limit int) ([]Rated, error) {
	return s.query(ctx, `WHERE r.pushed_at IS NULL ORDER BY r.at, r.ticket_id LIMIT ?`, limit)
}

func (s *Store) query(ctx context.Context, where string, args ...any) ([]Rated, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.ticket_id, r.day, r.number, r.counter, r.clerk, r.value, r.at, r.pushed_at, r.attempts,
		COALESCE((SELECT group_concat(code || char(31) || kind, char(30)) FROM
			(SELECT code, kind FROM visit_dossiers v WHERE v.ticket_id = r.ticket_id ORDER BY v.at, v.code)), '')
		FROM ratings r `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("ratings: list: %w", err)
	}
	defer rows.Close()
	var out []Rated
	for rows.Next() {
		var r Rated
		var at int64
		var pushed sql.NullInt64
		var links string
		if err := rows.Scan(&r.TicketID, &r.Day, &r.Number, &r.Counter, &r.Clerk, &r.Value, &at, &pushed, &r.Attempts, &links); err != nil {
			return nil, fmt.Errorf("ratings: list: %w", err)
		}
		r.At = time.UnixMilli(at)
		if pushed.Valid {
			r.PushedAt = time.UnixMilli(pushed.Int64)
		}
		if links != "" {
			for _, l := range strings.Split(links, "\x1e") {
				code, kind, _ := strings.Cut(l, "\x1f")
				r.Codes, r.Kinds = append(r.Codes, code), append(r.Kinds, kind)
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ratings: list: %w", err)
	}
	return out, nil
}

// Pushed marks a rating acknowledged by the main system.
func (s *Store) Pushed(ctx context.Context, ticketID string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE ratings SET pushed_at = ?, attempts = attempts + 1, last_error = '' WHERE ticket_id = ?`,
		s.now().UnixMilli(), ticketID); err != nil {
		return fmt.Errorf("ratings: pushed: %w", err)
	}
	return nil
}

// Failed counts a failed push of a rating.
func (s *Store) Failed(ctx context.Context, ticketID string, cause error) error {
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE ratings SET attempts = attempts + 1, last_error = ? WHERE ticket_id = ?`, msg, ticketID); err != nil {
		return fmt.Errorf("ratings: failed: %w", err)
	}
	return nil
}
