package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifyMigrations are the steps of component "notify": the messages the
// centers hand the hub to send (wire.NotifyRequest) and the channels'
// secrets. Append only.
var notifyMigrations = []string{
	`CREATE TABLE notify_messages (
		id          bigserial PRIMARY KEY,
		center      text NOT NULL,
		key         text NOT NULL,
		kind        text NOT NULL,
		phone       text NOT NULL DEFAULT '', -- cleared once the message is finished
		email       text NOT NULL DEFAULT '',
		params      jsonb NOT NULL DEFAULT '{}',
		state       text NOT NULL,
		route       integer NOT NULL DEFAULT 0,
		attempts    integer NOT NULL DEFAULT 0,
		channel     text NOT NULL DEFAULT '',
		provider_id text NOT NULL DEFAULT '',
		reason      text NOT NULL DEFAULT '',
		decided_at  timestamptz NOT NULL,
		expires_at  timestamptz,
		next_at     timestamptz NOT NULL,
		done_at     timestamptz,
		claimed_at  timestamptz, -- when a sender last claimed it
		UNIQUE (center, key)
	);
	CREATE INDEX notify_messages_due ON notify_messages (next_at) WHERE state = 'pending';
	CREATE INDEX notify_messages_claimed ON notify_messages (claimed_at) WHERE state = 'sending';
	CREATE TABLE notify_secrets (
		name       text PRIMARY KEY,
		value      text NOT NULL,
		expires_at timestamptz
	);`,
}

// NotifyMessage is a center's message at the hub, with where it stands.
type NotifyMessage struct {
	ID     int64
	Center string
	Key    string // the center's key: one message per (Center, Key)
	Kind   string
	// Phone and Email are the recipient; NotifyDue fills them in, and they
	// are cleared once the message is finished.
	Phone, Email string
	Params       map[string]string
	State        string // "pending", "sending", "sent", "failed", "dropped"
	Route        int
	Attempts     int
	Channel      string
	ProviderID   string
	Reason       string
	Decided      time.Time // when the hub took it
	Expires      time.Time // zero: never too late by time alone
	// NotBefore, given to PutNotify, holds the message until then (a
	// reminder before its time); zero: due at once.
	NotBefore time.Time
	Next      time.Time
	Done      time.Time
}

// NotifySettlement is where a message stands after an attempt.
type NotifySettlement struct {
	State             string
	Route, Attempts   int
	Channel, Provider string
	Reason            string
	Next, At          time.Time
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// later is the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func timeOr(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// PutNotify stores a center's message, pending from now (or from its
// NotBefore, when later), unless the hub
// holds one of that center with that key already: then it returns that
// one's id and dup true, and changes nothing. It returns once committed.
func (db *DB) PutNotify(ctx context.Context, m NotifyMessage) (id int64, dup bool, err error) {
	if m.Center == "" || m.Key == "" || m.Kind == "" {
		return 0, false, errors.New("pgstore: a message needs a center, a key and a kind")
	}
	now := db.clock.Now()
	if m.Params == nil {
		m.Params = map[string]string{}
	}
	err = db.pool.QueryRow(ctx, `INSERT INTO notify_messages
		(center, key, kind, phone, email, params, state, decided_at, expires_at, next_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9)
		ON CONFLICT (center, key) DO NOTHING RETURNING id`,
		m.Center, m.Key, m.Kind, m.Phone, m.Email, m.Params, now, nullTime(m.Expires), later(now, m.NotBefore)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = db.pool.QueryRow(ctx, `SELECT id FROM notify_messages WHERE center = $1 AND key = $2`, m.Center, m.Key).Scan(&id)
		dup = true
	}
	if err != nil {
		return 0, false, fmt.Errorf("pgstore: message %s of %s: %w", m.Key, m.Center, err)
	}
	return id, dup, nil
}

const notifyCols = `id, center, key, kind, params, state, route, attempts, channel, provider_id, reason,
	decided_at, expires_at, next_at, done_at`

func scanNotify(row pgx.Row, extra ...any) (NotifyMessage, error) {
	var m NotifyMessage
	var exp, done *time.Time
	dst := append([]any{&m.ID, &m.Center, &m.Key, &m.Kind, &m.Params, &m.State, &m.Route, &m.Attempts, &m.Channel,
		&m.ProviderID, &m.Reason, &m.Decided, &exp, &m.Next, &done}, extra...)
	if err := row.Scan(dst...); err != nil {
		return m, err
	}
	m.Decided, m.Next = m.Decided.UTC(), m.Next.UTC()
	m.Expires, m.Done = timeOr(exp), timeOr(done)
	return m, nil
}

// notifyQuery reads messages; with recipient, q selects phone and email
// after notifyCols.
func (db *DB) notifyQuery(ctx context.Context, what string, recipient bool, q string, args ...any) ([]NotifyMessage, error) {
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", what, err)
	}
	defer rows.Close()
	var out []NotifyMessage
	for rows.Next() {
		var phone, email string
		var m NotifyMessage
		if recipient {
			m, err = scanNotify(rows, &phone, &email)
			m.Phone, m.Email = phone, email
		} else {
			m, err = scanNotify(rows)
		}
		if err != nil {
			return nil, fmt.Errorf("pgstore: %s: %w", what, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", what, err)
	}
	return out, nil
}

// NotifyMessages returns the messages of a center (every center when
// empty) in the order the hub took them, without their recipient.
func (db *DB) NotifyMessages(ctx context.Context, center string) ([]NotifyMessage, error) {
	return db.notifyQuery(ctx, "messages", false, `SELECT `+notifyCols+` FROM notify_messages
		WHERE $1 = '' OR center = $1 ORDER BY id`, center)
}

// NotifyDue returns up to limit messages due at now, oldest first, with
// their recipient: the pending ones whose time has come, and those claimed
// longer than lease ago (by a hub process that stopped mid-send). The lease
// must be longer than a send takes (the sender's request timeout), or a
// message still being sent could be claimed again by another process.
func (db *DB) NotifyDue(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]NotifyMessage, error) {
	return db.notifyQuery(ctx, "due messages", true, `SELECT `+notifyCols+`, phone, email FROM notify_messages
		WHERE (state = 'pending' AND next_at <= $1) OR (state = 'sending' AND claimed_at < $3)
		ORDER BY next_at, id LIMIT $2`, now, limit, now.Add(-lease))
}

// NotifyNextDue returns when the earliest message falls due: a pending
// one's time, or a claim's end (claimed_at + lease); ok false when none is
// pending or sending.
func (db *DB) NotifyNextDue(ctx context.Context, lease time.Duration) (time.Time, bool, error) {
	var next *time.Time
	if err := db.pool.QueryRow(ctx, `SELECT LEAST(
			(SELECT MIN(next_at) FROM notify_messages WHERE state = 'pending'),
			(SELECT MIN(claimed_at) FROM notify_messages WHERE state = 'sending') + $1 * interval '1 microsecond')`,
		lease.Microseconds()).Scan(&next); err != nil {
		return time.Time{}, false, fmt.Errorf("pgstore: next due message: %w", err)
	}
	return timeOr(next), next != nil, nil
}

// NotifyClaim marks a message as sending at now and counts the attempt:
// a pending one, or one whose claim is older than lease; false otherwise
// (another hub process claimed it, or it was settled).
func (db *DB) NotifyClaim(ctx context.Context, id int64, now time.Time, lease time.Duration) (bool, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE notify_messages SET state = 'sending', attempts = attempts + 1, claimed_at = $2
		WHERE id = $1 AND (state = 'pending' OR (state = 'sending' AND claimed_at < $3))`, id, now, now.Add(-lease))
	if err != nil {
		return false, fmt.Errorf("pgstore: claim message: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// NotifySettle records the outcome of a send; a finished message forgets
// its recipient in the same write.
func (db *DB) NotifySettle(ctx context.Context, id int64, s NotifySettlement) error {
	var done *time.Time
	if s.State != "pending" {
		done = &s.At
	}
	_, err := db.pool.Exec(ctx, `UPDATE notify_messages SET state = $2, route = $3, attempts = $4, channel = $5,
		provider_id = $6, reason = $7, next_at = $8, done_at = $9,
		phone = CASE WHEN $2 = 'pending' THEN phone ELSE '' END,
		email = CASE WHEN $2 = 'pending' THEN email ELSE '' END WHERE id = $1`,
		id, s.State, s.Route, s.Attempts, s.Channel, s.Provider, s.Reason, s.Next, done)
	if err != nil {
		return fmt.Errorf("pgstore: settle message: %w", err)
	}
	return nil
}

// NotifyPostpone moves a pending message's time to next; one whose claim
// is older than lease at now becomes pending again for next.
func (db *DB) NotifyPostpone(ctx context.Context, id int64, next, now time.Time, lease time.Duration) error {
	if _, err := db.pool.Exec(ctx, `UPDATE notify_messages SET next_at = $2, state = 'pending'
		WHERE id = $1 AND (state = 'pending' OR (state = 'sending' AND claimed_at < $3))`, id, next, now.Add(-lease)); err != nil {
		return fmt.Errorf("pgstore: postpone message: %w", err)
	}
	return nil
}

// NotifyRecover puts back, as pending, the messages claimed longer than
// lease ago at now (a hub process stopped mid-send), and returns how many.
// Those claimed since may still be in another process's hands: they come
// due when their lease ends (NotifyDue), not before.
func (db *DB) NotifyRecover(ctx context.Context, now time.Time, lease time.Duration) (int64, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE notify_messages SET state = 'pending'
		WHERE state = 'sending' AND claimed_at < $1`, now.Add(-lease))
	if err != nil {
		return 0, fmt.Errorf("pgstore: recover messages: %w", err)
	}
	return tag.RowsAffected(), nil
}

// NotifyPurge drops, with their recipient, the pending messages the hub
// took more than keep ago, and deletes the finished ones older than keep
// and the bookers' phones whose time is over (booking_contacts).
func (db *DB) NotifyPurge(ctx context.Context, keep time.Duration) error {
	now := db.clock.Now()
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM booking_contacts WHERE expires_at <= $1`, now); err != nil {
			return fmt.Errorf("pgstore: purge booking contacts: %w", err)
		}
		// Too late to send: what the sender would drop, dropped with its
		// recipient even while no sender runs.
		if _, err := tx.Exec(ctx, `UPDATE notify_messages SET state = 'dropped', reason = 'too late', done_at = $1,
			phone = '', email = '' WHERE state = 'pending' AND expires_at <= $1`, now); err != nil {
			return fmt.Errorf("pgstore: purge messages: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE notify_messages SET state = 'dropped', reason = 'kept too long', done_at = $1,
			phone = '', email = '' WHERE state = 'pending' AND decided_at < $2`, now, now.Add(-keep)); err != nil {
			return fmt.Errorf("pgstore: purge messages: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM notify_messages WHERE state IN ('sent', 'failed', 'dropped') AND done_at < $1`,
			now.Add(-keep)); err != nil {
			return fmt.Errorf("pgstore: purge messages: %w", err)
		}
		return nil
	})
}

// NotifyCount is how many messages of a center a channel has in one state.
type NotifyCount struct {
	Center  string `json:"center,omitempty"`
	Channel string `json:"channel"` // empty for messages no channel took yet
	State   string `json:"state"`
	N       int    `json:"n"`
}

// CountsFor is how long NotifyCounts answers from what it last counted: the
// count reads the month's messages (0.37-0.56 s for 100 centers' 3 million,
// BenchmarkNotifyCounts), and the fleet's pages ask at every view.
const CountsFor = 10 * time.Second

// countsCache is what NotifyCounts last counted, per center ("" for all).
type countsCache struct {
	mu     sync.Mutex // held while counting: one count at a time, the others wait for it
	at     map[string]time.Time
	counts map[string][]NotifyCount
}

// NotifyCounts returns the hub's messages by center, channel and state: of
// one center, or of all when center is empty; as counted at most CountsFor
// ago by this process.
func (db *DB) NotifyCounts(ctx context.Context, center string) ([]NotifyCount, error) {
	c := &db.counts
	c.mu.Lock()
	defer c.mu.Unlock()
	now := db.clock.Now()
	if at, ok := c.at[center]; ok && now.Sub(at) < CountsFor && !now.Before(at) {
		return slices.Clone(c.counts[center]), nil
	}
	out, err := db.CountNotify(ctx, center)
	if err != nil {
		return nil, err
	}
	if c.at == nil {
		c.at, c.counts = map[string]time.Time{}, map[string][]NotifyCount{}
	}
	c.at[center], c.counts[center] = now, out
	return slices.Clone(out), nil
}

// CountNotify counts the hub's messages by center, channel and state now:
// of one center, or of all when center is empty.
func (db *DB) CountNotify(ctx context.Context, center string) ([]NotifyCount, error) {
	rows, err := db.pool.Query(ctx, `SELECT center, channel, state, COUNT(*) FROM notify_messages
		WHERE $1 = '' OR center = $1 GROUP BY center, channel, state ORDER BY center, channel, state`, center)
	if err != nil {
		return nil, fmt.Errorf("pgstore: message counts: %w", err)
	}
	defer rows.Close()
	var out []NotifyCount
	for rows.Next() {
		var c NotifyCount
		if err := rows.Scan(&c.Center, &c.Channel, &c.State, &c.N); err != nil {
			return nil, fmt.Errorf("pgstore: message counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Secret returns a secret the hub's channels keep (the ZNS refresh token,
// which Zalo replaces at each refresh); ok false when none is stored.
func (db *DB) Secret(ctx context.Context, name string) (value string, expires time.Time, ok bool, err error) {
	var exp *time.Time
	err = db.pool.QueryRow(ctx, `SELECT value, expires_at FROM notify_secrets WHERE name = $1`, name).Scan(&value, &exp)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", time.Time{}, false, nil
	}
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("pgstore: secret %s: %w", name, err)
	}
	return value, timeOr(exp), true, nil
}

// SetSecret stores a secret durably before it is used.
func (db *DB) SetSecret(ctx context.Context, name, value string, expires time.Time) error {
	if _, err := db.pool.Exec(ctx, `INSERT INTO notify_secrets (name, value, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
		name, value, nullTime(expires)); err != nil {
		return fmt.Errorf("pgstore: secret %s: %w", name, err)
	}
	return nil
}
