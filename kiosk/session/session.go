package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"motcua/internal/clock"
	"motcua/internal/database"
)

// Component is the sessions' name in schema_migrations.
const Component = "sessions"

// migrations are the sessions' schema steps, append-only.
var migrations = []string{
	`CREATE TABLE staff_sessions (
		token_hash  TEXT PRIMARY KEY,  -- hex SHA-256 of the token; the token itself is never stored
		username    TEXT NOT NULL,
		fingerprint TEXT NOT NULL,     -- of the account when it logged in (Fingerprint)
		created_at  INTEGER NOT NULL,  -- unix milliseconds
		expires_at  INTEGER NOT NULL
	);
	CREATE INDEX staff_sessions_user ON staff_sessions (username);`,
}

// DefaultTTL is a session's lifetime when Opts.TTL is zero.
const DefaultTTL = 12 * time.Hour

// Opts configure a Store.
type Opts struct {
	TTL   time.Duration // default DefaultTTL
	Clock clock.Clock   // default clock.System
	Rand  io.Reader     // default crypto/rand.Reader
}

// Session is one login.
type Session struct {
	User        string
	Fingerprint string
	Created     time.Time
	Expires     time.Time
}

// ErrNoSession is the error of a token that is unknown, ended or expired.
var ErrNoSession = errors.New("session: no such session")

// Store keeps the sessions in the database.
type Store struct {
	db   *sql.DB
	ttl  time.Duration
	now  func() time.Time
	rand io.Reader
}

// Open migrates the sessions' table in db (opened by the caller with
// database.Open) and returns the store. Closing db is the caller's job.
func Open(ctx context.Context, db *sql.DB, o Opts) (*Store, error) {
	if db == nil {
		return nil, errors.New("session: no database")
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if err := database.Migrate(ctx, db, Component, migrations); err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	return &Store{db: db, ttl: o.TTL, now: clock.Or(o.Clock).Now, rand: o.Rand}, nil
}

// TTL is how long a session lasts after its login.
func (s *Store) TTL() time.Duration { return s.ttl }

// Fingerprint sums what a session depends on (an account's password hash,
// role and counters): a session whose account no longer has the same
// fingerprint is ended.
func Fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Create starts a session for user and returns its token, to give to the
// client once. Expired sessions are deleted on the way.
func (s *Store) Create(ctx context.Context, user, fingerprint string) (string, Session, error) {
	raw := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, raw); err != nil {
		return "", Session{}, fmt.Errorf("session: random token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	ses := Session{User: user, Fingerprint: fingerprint, Created: now, Expires: now.Add(s.ttl)}
	if err := s.prune(ctx); err != nil {
		return "", Session{}, err
	}
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO staff_sessions (token_hash, username, fingerprint, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hashToken(token), user, fingerprint, now.UnixMilli(), ses.Expires.UnixMilli()); err != nil {
		return "", Session{}, fmt.Errorf("session: create: %w", err)
	}
	return token, ses, nil
}

// Check returns the live session of token, or ErrNoSession.
func (s *Store) Check(ctx context.Context, token string) (Session, error) {
	if token == "" || len(token) > 128 || strings.ContainsAny(token, " \t") {
		return Session{}, ErrNoSession
	}
	var ses Session
	var created, expires int64
	err := s.db.QueryRowContext(ctx,
		`SELECT username, fingerprint, created_at, expires_at FROM staff_sessions WHERE token_hash = ? AND expires_at > ?`,
		hashToken(token), s.now().UnixMilli()).Scan(&ses.User, &ses.Fingerprint, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: check: %w", err)
	}
	ses.Created, ses.Expires = time.UnixMilli(created), time.UnixMilli(expires)
	return ses, nil
}

// End ends the session of token (logout); an unknown token is no error.
func (s *Store) End(ctx context.Context, token string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM staff_sessions WHERE token_hash = ?`, hashToken(token)); err != nil {
		return fmt.Errorf("session: end: %w", err)
	}
	return nil
}

// EndUser ends every session of user and returns how many were live.
func (s *Store) EndUser(ctx context.Context, user string) (int, error) {
	return s.end(ctx, `DELETE FROM staff_sessions WHERE username = ?`, user)
}

// EndAll ends every session and returns how many were live.
func (s *Store) EndAll(ctx context.Context) (int, error) {
	return s.end(ctx, `DELETE FROM staff_sessions`)
}

// EndStale ends the sessions whose account is gone or changed: current
// returns an account's fingerprint now, false for an account that no
// longer exists. It returns the users whose sessions it ended.
func (s *Store) EndStale(ctx context.Context, current func(user string) (string, bool)) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT username, fingerprint FROM staff_sessions`)
	if err != nil {
		return nil, fmt.Errorf("session: stale: %w", err)
	}
	type key struct{ user, fp string }
	var stale []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.user, &k.fp); err != nil {
			rows.Close()
			return nil, fmt.Errorf("session: stale: %w", err)
		}
		if fp, ok := current(k.user); !ok || fp != k.fp {
			stale = append(stale, k)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("session: stale: %w", err)
	}
	var users []string
	for _, k := range stale {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM staff_sessions WHERE username = ? AND fingerprint = ?`, k.user, k.fp); err != nil {
			return users, fmt.Errorf("session: stale: %w", err)
		}
		users = append(users, k.user)
	}
	return users, nil
}

// end deletes the expired sessions, then those of query, and returns how
// many of the latter there were.
func (s *Store) end(ctx context.Context, query string, args ...any) (int, error) {
	if err := s.prune(ctx); err != nil {
		return 0, err
	}
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("session: end: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("session: end: %w", err)
	}
	return int(n), nil
}

// prune deletes the expired sessions.
func (s *Store) prune(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM staff_sessions WHERE expires_at <= ?`, s.now().UnixMilli()); err != nil {
		return fmt.Errorf("session: prune: %w", err)
	}
	return nil
}
