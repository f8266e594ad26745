package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"motcua/internal/clock"
)

// ErrNotFound is returned for a center (Center) or a center's config
// version (Config, Publish) that does not exist.
var ErrNotFound = errors.New("pgstore: not found")

// Opts adjust Open. The zero value is the default.
type Opts struct {
	// MaxConns bounds the pool; 0 keeps pgxpool's default (the greater of 4
	// and the number of CPUs) or the URL's pool_max_conns.
	MaxConns int32
	// Clock stamps what the hub itself dates: centers' and config versions'
	// creation, publications. Default clock.System.
	Clock clock.Clock
	// Location is the centers' zone, for the hours of the province report;
	// default Vietnam's (UTC+7).
	Location *time.Location
}

// DB is the hub's store.
type DB struct {
	pool   *pgxpool.Pool
	clock  clock.Clock
	loc    *time.Location
	counts countsCache
}

// Open connects to the PostgreSQL database at url (a postgres:// URL or
// key=value string, with pgxpool's pool_* settings), migrates it and returns
// the store. It fails, keeping nothing open, when the database does not
// answer or holds a schema newer than this binary's.
func Open(ctx context.Context, url string, o Opts) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if err := migrate(ctx, pool, "hub", migrations); err != nil {
		pool.Close()
		return nil, err
	}
	if err := migrate(ctx, pool, "notify", notifyMigrations); err != nil {
		pool.Close()
		return nil, err
	}
	db := &DB{pool: pool, clock: clock.Or(o.Clock), loc: o.Location}
	if db.loc == nil {
		db.loc = vietnam
	}
	if err := db.rebuildStale(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Pool is the connection pool, to pass to other parts of the hub that use
// the same database.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Ping tells whether the database answers, for /healthz.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("pgstore: ping: %w", err)
	}
	return nil
}

// Close closes the pool; it may be called more than once.
func (db *DB) Close() { db.pool.Close() }

// inTx runs f in a transaction and commits it when f returns nil.
func (db *DB) inTx(ctx context.Context, f func(pgx.Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: commit: %w", err)
	}
	return nil
}
