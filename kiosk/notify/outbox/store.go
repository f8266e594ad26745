package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"motcua/internal/clock"
	"motcua/internal/database"
	"motcua/kiosk/notify"
)

var migrations = []string{
	`CREATE TABLE notify_contacts (
		key        TEXT PRIMARY KEY,
		ticket     TEXT NOT NULL DEFAULT '',
		dossier    TEXT NOT NULL DEFAULT '',
		field      TEXT NOT NULL DEFAULT '',
		phone      TEXT NOT NULL DEFAULT '',
		email      TEXT NOT NULL DEFAULT '',
		created_at INTEGER NOT NULL,
		expires_at INTEGER NOT NULL
	);
	CREATE TABLE notify_messages (
		id          INTEGER PRIMARY KEY,
		key         TEXT NOT NULL UNIQUE,
		kind        TEXT NOT NULL,
		contact     TEXT NOT NULL,
		params      TEXT NOT NULL,
		state       TEXT NOT NULL,
		route       INTEGER NOT NULL DEFAULT 0,
		attempts    INTEGER NOT NULL DEFAULT 0,
		channel     TEXT NOT NULL DEFAULT '',
		provider_id TEXT NOT NULL DEFAULT '',
		reason      TEXT NOT NULL DEFAULT '',
		decided_at  INTEGER NOT NULL,
		expires_at  INTEGER NOT NULL DEFAULT 0,
		next_at     INTEGER NOT NULL,
		done_at     INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX notify_messages_due ON notify_messages (next_at) WHERE state = 'pending';
	CREATE INDEX notify_messages_contact ON notify_messages (contact);
	CREATE TABLE notify_secrets (
		name       TEXT PRIMARY KEY,
		value      TEXT NOT NULL,
		expires_at INTEGER NOT NULL DEFAULT 0
	);`,
}

// State is where a message is.
type State string

// Message states.
const (
	Pending State = "pending" // waiting for its time
	Sending State = "sending" // a request may have left
	Sent    State = "sent"    // a provider accepted it
	Failed  State = "failed"  // every channel refused it
	Dropped State = "dropped" // too late, moot, or its contact expired
)

// Store is the outbox in the center's SQLite database.
type Store struct {
	db    *sql.DB
	clock clock.Clock

	mu     sync.Mutex
	wakers []func() // told after a commit that stored messages
}

// OnDecide implements Queue.
func (s *Store) OnDecide(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wakers = append(s.wakers, fn)
}

func (s *Store) decided() {
	s.mu.Lock()
	ws := s.wakers
	s.mu.Unlock()
	for _, fn := range ws {
		fn()
	}
}

// StoreOpts adjust NewStore.
type StoreOpts struct {
	Clock clock.Clock // default clock.System
}

// NewStore migrates the "notify" tables of db (opened with database.Open)
// and returns the outbox on it.
func NewStore(ctx context.Context, db *sql.DB, o StoreOpts) (*Store, error) {
	if err := database.Migrate(ctx, db, "notify", migrations); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return &Store{db: db, clock: clock.Or(o.Clock)}, nil
}

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

// AddContact implements notify.Outbox.
func (s *Store) AddContact(ctx context.Context, c notify.Contact, msgs []notify.Message, drops []notify.Drop) error {
	if len(msgs) > 0 {
		defer s.decided()
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notify_contacts
			(key, ticket, dossier, field, phone, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET phone = excluded.phone, email = excluded.email,
				expires_at = excluded.expires_at`,
			c.Key, c.Ticket, c.Dossier, c.Field, c.Phone, c.Email, ms(s.clock.Now()), ms(c.Expires)); err != nil {
			return fmt.Errorf("outbox: contact %s: %w", c.Key, err)
		}
		return decide(ctx, tx, msgs, drops, s.clock.Now())
	})
}

// Decide implements notify.Outbox.
func (s *Store) Decide(ctx context.Context, msgs []notify.Message, drops []notify.Drop) error {
	if len(msgs) > 0 {
		defer s.decided()
	}
	return s.tx(ctx, func(tx *sql.Tx) error { return decide(ctx, tx, msgs, drops, s.clock.Now()) })
}

func (s *Store) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return txOn(ctx, s.db, fn)
}

func txOn(ctx context.Context, db interface {
	BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
}, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("outbox: begin: %w", database.Classify(err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return database.Classify(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("outbox: commit: %w", database.Classify(err))
	}
	return nil
}

func decide(ctx context.Context, tx *sql.Tx, msgs []notify.Message, drops []notify.Drop, now time.Time) error {
	if len(msgs) > 0 {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO notify_messages
			(key, kind, contact, params, state, decided_at, expires_at, next_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)
			ON CONFLICT (key) DO NOTHING`)
		if err != nil {
			return fmt.Errorf("outbox: prepare: %w", err)
		}
		defer ins.Close()
		for _, m := range msgs {
			params, err := json.Marshal(m.Params)
			if err != nil {
				return fmt.Errorf("outbox: message %s: %w", m.Key, err)
			}
			at := m.At
			if at.IsZero() {
				at = now
			}
			if _, err := ins.ExecContext(ctx, m.Key, string(m.Kind), m.Contact, string(params), ms(at), ms(m.Expires), ms(at)); err != nil {
				return fmt.Errorf("outbox: message %s: %w", m.Key, err)
			}
		}
	}
	for _, d := range drops {
		q := `UPDATE notify_messages SET state = 'dropped', reason = ?, done_at = ? WHERE contact = ? AND state = 'pending'`
		args := []any{d.Reason, ms(now), d.Contact}
		if len(d.Kinds) > 0 {
			q += ` AND kind IN (?` + strings.Repeat(", ?", len(d.Kinds)-1) + `)`
			for _, k := range d.Kinds {
				args = append(args, string(k))
			}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("outbox: drop for %s: %w", d.Contact, err)
		}
	}
	return nil
}

// Watched implements notify.Outbox.
func (s *Store) Watched(ctx context.Context) ([]notify.Watched, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.key, c.ticket, c.field, c.expires_at, COALESCE(group_concat(m.kind), '')
		FROM notify_contacts c LEFT JOIN notify_messages m ON m.contact = c.key
		WHERE c.ticket != '' AND c.expires_at > ? GROUP BY c.key ORDER BY c.created_at`, ms(s.clock.Now()))
	if err != nil {
		return nil, fmt.Errorf("outbox: watched: %w", database.Classify(err))
	}
	defer rows.Close()
	var out []notify.Watched
	for rows.Next() {
		var w notify.Watched
		var exp int64
		var kinds string
		if err := rows.Scan(&w.Contact.Key, &w.Contact.Ticket, &w.Contact.Field, &exp, &kinds); err != nil {
			return nil, fmt.Errorf("outbox: watched: %w", err)
		}
		w.Contact.Expires = fromMS(exp)
		for k := range strings.SplitSeq(kinds, ",") {
			if k != "" {
				w.Decided = append(w.Decided, notify.Kind(k))
			}
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox: watched: %w", err)
	}
	return out, nil
}

// HasContact implements notify.Outbox.
func (s *Store) HasContact(ctx context.Context, key string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_contacts WHERE key = ? AND expires_at > ?`,
		key, ms(s.clock.Now())).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("outbox: contact: %w", database.Classify(err))
	}
	return n > 0, nil
}

// Contact implements notify.Outbox.
func (s *Store) Contact(ctx context.Context, key string) (notify.Contact, bool, error) {
	c := notify.Contact{Key: key}
	var exp int64
	err := s.db.QueryRowContext(ctx, `SELECT ticket, dossier, field, phone, email, expires_at FROM notify_contacts
		WHERE key = ? AND expires_at > ?`, key, ms(s.clock.Now())).Scan(&c.Ticket, &c.Dossier, &c.Field, &c.Phone, &c.Email, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return notify.Contact{}, false, nil
	}
	if err != nil {
		return notify.Contact{}, false, fmt.Errorf("outbox: contact: %w", database.Classify(err))
	}
	c.Expires = fromMS(exp)
	return c, true, nil
}

// ForgetContact implements notify.Outbox: the row is overwritten in the
// file (secure_delete), as Purge does.
func (s *Store) ForgetContact(ctx context.Context, key string) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("outbox: forget contact: %w", database.Classify(err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return fmt.Errorf("outbox: forget contact: %w", database.Classify(err))
	}
	if _, err := conn.ExecContext(ctx, `DELETE FROM notify_contacts WHERE key = ?`, key); err != nil {
		return fmt.Errorf("outbox: forget contact: %w", database.Classify(err))
	}
	return nil
}

// Item is a stored message with where it stands, for the sender, the
// tests and the pages.
type Item struct {
	ID         int64
	Message    notify.Message
	State      State
	Route      int // index of the channel in the fallback order tried next
	Attempts   int // on that channel
	Channel    string
	ProviderID string
	Reason     string
	NextAt     time.Time
	DoneAt     time.Time
	// Phone and Email are the recipient, filled in by Queue.Due only (for
	// the send), empty once the contact expired. Never logged.
	Phone string
	Email string
}

const itemCols = `m.id, m.key, m.kind, m.contact, m.params, m.state, m.route, m.attempts, m.channel,
	m.provider_id, m.reason, m.decided_at, m.expires_at, m.next_at, m.done_at`

func scanItem(sc interface{ Scan(...any) error }, extra ...any) (Item, error) {
	var it Item
	var kind, params, state string
	var decided, expires, next, done int64
	dst := append([]any{&it.ID, &it.Message.Key, &kind, &it.Message.Contact, &params, &state, &it.Route,
		&it.Attempts, &it.Channel, &it.ProviderID, &it.Reason, &decided, &expires, &next, &done}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return it, err
	}
	it.Message.Kind, it.State = notify.Kind(kind), State(state)
	it.Message.At, it.Message.Expires, it.NextAt, it.DoneAt = fromMS(decided), fromMS(expires), fromMS(next), fromMS(done)
	if err := json.Unmarshal([]byte(params), &it.Message.Params); err != nil {
		return it, fmt.Errorf("message %s: params: %w", it.Message.Key, err)
	}
	return it, nil
}

// Items returns the messages of a contact (every contact when empty), in
// the order they were decided.
func (s *Store) Items(ctx context.Context, contact string) ([]Item, error) {
	q := `SELECT ` + itemCols + ` FROM notify_messages m`
	var args []any
	if contact != "" {
		q += ` WHERE m.contact = ?`
		args = append(args, contact)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY m.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox: items: %w", database.Classify(err))
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("outbox: items: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox: items: %w", err)
	}
	return out, nil
}

// Due implements Queue.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]Item, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+itemCols+`, COALESCE(c.phone, ''), COALESCE(c.email, '')
		FROM notify_messages m LEFT JOIN notify_contacts c ON c.key = m.contact AND c.expires_at > ?
		WHERE m.state = 'pending' AND m.next_at <= ? ORDER BY m.next_at, m.id LIMIT ?`, ms(now), ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("outbox: due: %w", database.Classify(err))
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var phone, email string
		it, err := scanItem(rows, &phone, &email)
		if err != nil {
			return nil, fmt.Errorf("outbox: due: %w", err)
		}
		it.Phone, it.Email = phone, email
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox: due: %w", err)
	}
	return out, nil
}

// NextDue implements Queue.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(next_at) FROM notify_messages WHERE state = 'pending'`).Scan(&next); err != nil {
		return time.Time{}, false, fmt.Errorf("outbox: next due: %w", database.Classify(err))
	}
	return fromMS(next.Int64), next.Valid, nil
}

// Claim implements Queue.
func (s *Store) Claim(ctx context.Context, id int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE notify_messages SET state = 'sending', attempts = attempts + 1
		WHERE id = ? AND state = 'pending'`, id)
	if err != nil {
		return false, fmt.Errorf("outbox: claim: %w", database.Classify(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Settle implements Queue.
func (s *Store) Settle(ctx context.Context, id int64, r Settlement) error {
	done := int64(0)
	if r.State != Pending {
		done = ms(r.At)
	}
	_, err := s.db.ExecContext(ctx, `UPDATE notify_messages SET state = ?, route = ?, attempts = ?, channel = ?,
		provider_id = ?, reason = ?, next_at = ?, done_at = ? WHERE id = ?`,
		string(r.State), r.Route, r.Attempts, r.Channel, r.ProviderID, r.Reason, ms(r.Next), done, id)
	if err != nil {
		return fmt.Errorf("outbox: settle: %w", database.Classify(err))
	}
	return nil
}

// Postpone implements Queue.
func (s *Store) Postpone(ctx context.Context, id int64, next time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE notify_messages SET next_at = ? WHERE id = ? AND state = 'pending'`, ms(next), id); err != nil {
		return fmt.Errorf("outbox: postpone: %w", database.Classify(err))
	}
	return nil
}

// Recover implements Queue.
func (s *Store) Recover(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE notify_messages SET state = 'pending' WHERE state = 'sending'`)
	if err != nil {
		return 0, fmt.Errorf("outbox: recover: %w", database.Classify(err))
	}
	return res.RowsAffected()
}

// Purge deletes the contacts whose retention ended (their phone numbers
// with them), drops the pending messages left without a contact, and
// deletes finished messages older than keep.
func (s *Store) Purge(ctx context.Context, keep time.Duration) error {
	now := s.clock.Now()
	// secure_delete overwrites the deleted rows: the numbers do not linger
	// in the file's free pages.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("outbox: purge: %w", database.Classify(err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return fmt.Errorf("outbox: purge: %w", database.Classify(err))
	}
	return txOn(ctx, conn, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM notify_contacts WHERE expires_at <= ?`, ms(now)); err != nil {
			return fmt.Errorf("outbox: purge contacts: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notify_messages SET state = 'dropped', reason = 'contact expired', done_at = ?
			WHERE state = 'pending' AND contact NOT IN (SELECT key FROM notify_contacts)`, ms(now)); err != nil {
			return fmt.Errorf("outbox: purge: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM notify_messages WHERE state IN ('sent', 'failed', 'dropped') AND done_at < ?`,
			ms(now.Add(-keep))); err != nil {
			return fmt.Errorf("outbox: purge messages: %w", err)
		}
		return nil
	})
}

// Count is how many messages a channel has in one state.
type Count struct {
	Channel string // empty for messages no channel took yet
	State   State
	N       int
}

// Counts returns the messages by channel and state, for the metrics and
// the hub's delivery page.
func (s *Store) Counts(ctx context.Context) ([]Count, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT channel, state, COUNT(*) FROM notify_messages GROUP BY channel, state ORDER BY channel, state`)
	if err != nil {
		return nil, fmt.Errorf("outbox: counts: %w", database.Classify(err))
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		var st string
		if err := rows.Scan(&c.Channel, &st, &c.N); err != nil {
			return nil, fmt.Errorf("outbox: counts: %w", err)
		}
		c.State = State(st)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Secret returns a stored secret (the ZNS refresh token, which Zalo
// replaces at each refresh); ok false when none is stored.
func (s *Store) Secret(ctx context.Context, name string) (value string, expires time.Time, ok bool, err error) {
	var exp int64
	err = s.db.QueryRowContext(ctx, `SELECT value, expires_at FROM notify_secrets WHERE name = ?`, name).Scan(&value, &exp)
	if err == sql.ErrNoRows {
		return "", time.Time{}, false, nil
	}
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("outbox: secret %s: %w", name, database.Classify(err))
	}
	return value, fromMS(exp), true, nil
}

// SetSecret stores a secret durably before it is used.
func (s *Store) SetSecret(ctx context.Context, name, value string, expires time.Time) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO notify_secrets (name, value, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
		name, value, ms(expires)); err != nil {
		return fmt.Errorf("outbox: secret %s: %w", name, database.Classify(err))
	}
	return nil
}

var (
	_ notify.Outbox = (*Store)(nil)
	_ Queue         = (*Store)(nil)
)
