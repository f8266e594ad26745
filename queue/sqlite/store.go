package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"motcua/internal/database"
	"motcua/queue"
)

var migrations = []string{
	`CREATE TABLE tickets (
		id         TEXT PRIMARY KEY,
		day        TEXT NOT NULL,
		origin     TEXT NOT NULL,
		seq        INTEGER NOT NULL,
		number     TEXT NOT NULL,
		service    TEXT NOT NULL,
		priority   INTEGER NOT NULL,
		state      TEXT NOT NULL,
		kiosk      TEXT NOT NULL DEFAULT '',
		counter    TEXT NOT NULL DEFAULT '',
		calls      INTEGER NOT NULL DEFAULT 0,
		issued_at  INTEGER NOT NULL,
		queued_at  INTEGER NOT NULL,
		called_at  INTEGER NOT NULL DEFAULT 0,
		started_at INTEGER NOT NULL DEFAULT 0,
		done_at    INTEGER NOT NULL DEFAULT 0,
		print      TEXT NOT NULL DEFAULT 'none',
		rating     INTEGER NOT NULL DEFAULT 0,
		UNIQUE (day, origin, seq)
	);
	CREATE INDEX tickets_open ON tickets (state) WHERE state IN ('waiting','called','serving','transferred');
	CREATE INDEX tickets_done ON tickets (service, done_at) WHERE state = 'done';
	CREATE TABLE events (
		seq     INTEGER PRIMARY KEY,
		at      INTEGER NOT NULL,
		type    TEXT NOT NULL,
		ticket  TEXT NOT NULL DEFAULT '',
		counter TEXT NOT NULL DEFAULT '',
		detail  TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
	// The ticket as the event left it (queue.TicketRecord as JSON), so Events
	// returns what was applied; '' for events written before.
	`ALTER TABLE events ADD COLUMN ticket_data TEXT NOT NULL DEFAULT ''`,
	// Who took the number: the keyed hash of their ID number (queue.Ticket.
	// Person), '' for nobody in particular.
	`ALTER TABLE tickets ADD COLUMN person TEXT NOT NULL DEFAULT ''`,
	// The priority category of a priority ticket (queue.Ticket.Category).
	`ALTER TABLE tickets ADD COLUMN category TEXT NOT NULL DEFAULT ''`,
	// The online booking a ticket was checked in from (queue.Ticket.
	// Booking), '' for a walk-in: a booking becomes one ticket ever, so a
	// replayed booking code is refused after any restart.
	`ALTER TABLE tickets ADD COLUMN booking TEXT NOT NULL DEFAULT '';
	CREATE UNIQUE INDEX tickets_booking ON tickets (booking) WHERE booking <> ''`,
}

// Store is the queue's SQLite store. A failure of the storage underneath
// (disk full, read-only, I/O error, damaged file) comes back as a
// *database.StorageError, database.ErrUnavailable by errors.Is.
type Store struct {
	db  *sql.DB
	mon *database.Monitor
}

// Opts adjust NewStoreWith.
type Opts struct {
	// Monitor, when set, is told the outcome of every Apply, so /healthz
	// and the metrics know whether the disk takes writes.
	Monitor *database.Monitor
}

// NewStore migrates the "queue" tables of db (opened with database.Open) and
// returns the queue store on it.
func NewStore(ctx context.Context, db *sql.DB) (*Store, error) {
	return NewStoreWith(ctx, db, Opts{})
}

// NewStoreWith is NewStore with options.
func NewStoreWith(ctx context.Context, db *sql.DB, o Opts) (*Store, error) {
	if err := database.Migrate(ctx, db, "queue", migrations); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return &Store{db: db, mon: o.Monitor}, nil
}

const ticketCols = `id, day, origin, seq, number, service, priority, state, kiosk, counter, calls,
	issued_at, queued_at, called_at, started_at, done_at, print, rating, person, category, booking`

// Load implements queue.Store.
func (s *Store) Load(ctx context.Context) (queue.Saved, error) {
	out, err := s.load(ctx)
	return out, database.Classify(err)
}

func (s *Store) load(ctx context.Context) (queue.Saved, error) {
	var out queue.Saved
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'day'`).Scan(&out.Day)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return out, fmt.Errorf("sqlite: load day: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&out.Seq); err != nil {
		return out, fmt.Errorf("sqlite: load seq: %w", err)
	}
	out.Tickets, err = s.query(ctx, `SELECT `+ticketCols+` FROM tickets
		WHERE day = ? OR state IN ('waiting','called','serving','transferred')`, out.Day)
	if err != nil {
		return out, err
	}
	out.Service = map[string][]time.Duration{}
	rows, err := s.db.QueryContext(ctx, `SELECT service, done_at - called_at FROM (
		SELECT service, done_at, called_at, ROW_NUMBER() OVER (PARTITION BY service ORDER BY done_at DESC) AS r
		FROM tickets WHERE state = 'done' AND called_at > 0 AND done_at > called_at)
		WHERE r <= ? ORDER BY done_at`, queue.ServiceSamples)
	if err != nil {
		return out, fmt.Errorf("sqlite: load service times: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var svc string
		var ms int64
		if err := rows.Scan(&svc, &ms); err != nil {
			return out, fmt.Errorf("sqlite: load service times: %w", err)
		}
		out.Service[svc] = append(out.Service[svc], time.Duration(ms)*time.Millisecond)
	}
	return out, rows.Err()
}

// Apply implements queue.Store: one transaction for all the changes.
func (s *Store) Apply(ctx context.Context, changes []queue.Change) error {
	err := s.apply(ctx, changes)
	if s.mon != nil {
		return s.mon.Observe(err)
	}
	return database.Classify(err)
}

func (s *Store) apply(ctx context.Context, changes []queue.Change) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	upsert, err := tx.PrepareContext(ctx, `INSERT INTO tickets (`+ticketCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET service = excluded.service, priority = excluded.priority,
			state = excluded.state, counter = excluded.counter, calls = excluded.calls, category = excluded.category,
			queued_at = excluded.queued_at, called_at = excluded.called_at,
			started_at = excluded.started_at, done_at = excluded.done_at,
			print = excluded.print, rating = excluded.rating`)
	if err != nil {
		return fmt.Errorf("sqlite: prepare: %w", err)
	}
	defer upsert.Close()
	event, err := tx.PrepareContext(ctx, `INSERT INTO events (seq, at, type, ticket, counter, detail, ticket_data)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("sqlite: prepare: %w", err)
	}
	defer event.Close()
	var last uint64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&last); err != nil {
		return fmt.Errorf("sqlite: last event: %w", err)
	}
	for _, ch := range changes {
		for _, t := range ch.Tickets {
			if _, err := upsert.ExecContext(ctx, t.ID, t.Day, t.Origin, t.Seq, t.Number, t.Service,
				t.Priority, string(t.State), t.Kiosk, t.Counter, t.Calls,
				ms(t.IssuedAt), ms(t.QueuedAt), ms(t.CalledAt), ms(t.StartedAt), ms(t.DoneAt),
				string(t.Print), t.Rating, t.Person, t.Category, t.Booking); err != nil {
				return fmt.Errorf("sqlite: ticket %s: %w", t.Number, err)
			}
		}
		for _, ev := range ch.Events {
			detail := ev.Day
			if ev.Type == queue.EventTransferred {
				detail = ev.From
			} else if ev.Recall {
				detail = "recall"
			}
			if ev.Seq <= last {
				return fmt.Errorf("sqlite: event %d: %w", ev.Seq, errSeqBack(last))
			}
			last = ev.Seq
			var data []byte
			if ev.Ticket != (queue.Ticket{}) { // a day_reset has none
				if data, err = json.Marshal(queue.RecordOf(ev.Ticket)); err != nil {
					return fmt.Errorf("sqlite: event %d: %w", ev.Seq, err)
				}
			}
			if _, err := event.ExecContext(ctx, ev.Seq, ms(ev.At), string(ev.Type), ev.Ticket.ID, ev.Counter, detail, string(data)); err != nil {
				return fmt.Errorf("sqlite: event %d: %w", ev.Seq, err)
			}
		}
		if ch.Day != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('day', ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, ch.Day); err != nil {
				return fmt.Errorf("sqlite: day: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// Ticket implements queue.Store.
func (s *Store) Ticket(ctx context.Context, id string) (queue.Ticket, error) {
	ts, err := s.query(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id = ?`, id)
	if err != nil {
		return queue.Ticket{}, err
	}
	if len(ts) == 0 {
		return queue.Ticket{}, queue.ErrNotFound
	}
	return ts[0], nil
}

// Tickets implements queue.Store.
func (s *Store) Tickets(ctx context.Context, from, to string) ([]queue.Ticket, error) {
	return s.query(ctx, `SELECT `+ticketCols+` FROM tickets WHERE day BETWEEN ? AND ? ORDER BY issued_at`, from, to)
}

// Events implements queue.Store.
func (s *Store) Events(ctx context.Context, after uint64, limit int) ([]queue.Event, error) {
	if limit <= 0 {
		limit = -1 // no LIMIT in SQLite
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, type, ticket, counter, detail, ticket_data
		FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: events: %w", err)
	}
	defer rows.Close()
	var out []queue.Event
	for rows.Next() {
		var ev queue.Event
		var at int64
		var typ, id, detail, data string
		if err := rows.Scan(&ev.Seq, &at, &typ, &id, &ev.Counter, &detail, &data); err != nil {
			return nil, fmt.Errorf("sqlite: events: %w", err)
		}
		ev.At, ev.Type = fromMS(at), queue.EventType(typ)
		switch {
		case ev.Type == queue.EventTransferred:
			ev.From = detail
		case ev.Type == queue.EventCalled && detail == "recall":
			ev.Recall = true
		default:
			ev.Day = detail
		}
		ev.Ticket.ID = id
		if data != "" {
			r, err := queue.DecodeRecord([]byte(data))
			if err != nil {
				return nil, fmt.Errorf("sqlite: event %d: ticket: %w", ev.Seq, err)
			}
			ev.Ticket = r.Ticket()
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: events: %w", err)
	}
	return out, nil
}

func (s *Store) query(ctx context.Context, q string, args ...any) ([]queue.Ticket, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: tickets: %w", database.Classify(err))
	}
	defer rows.Close()
	var out []queue.Ticket
	for rows.Next() {
		var t queue.Ticket
		var state, print string
		var issued, queued, called, started, done int64
		if err := rows.Scan(&t.ID, &t.Day, &t.Origin, &t.Seq, &t.Number, &t.Service, &t.Priority,
			&state, &t.Kiosk, &t.Counter, &t.Calls, &issued, &queued, &called, &started, &done,
			&print, &t.Rating, &t.Person, &t.Category, &t.Booking); err != nil {
			return nil, fmt.Errorf("sqlite: tickets: %w", err)
		}
		t.State, t.Print = queue.State(state), queue.PrintState(print)
		t.IssuedAt, t.QueuedAt, t.CalledAt, t.StartedAt, t.DoneAt =
			fromMS(issued), fromMS(queued), fromMS(called), fromMS(started), fromMS(done)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: tickets: %w", err)
	}
	return out, nil
}

// ms stores a time as Unix milliseconds; 0 is the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// Ping tells whether the database answers, for /healthz.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

var _ queue.Store = (*Store)(nil)
