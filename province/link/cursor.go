package link

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"motcua/internal/database"
)

// Component names the link's tables in the center's database.
const Component = "hub_link"

var migrations = []string{
	`CREATE TABLE hub_link (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		acked INTEGER NOT NULL,
		config_version INTEGER NOT NULL,
		refused_version INTEGER NOT NULL,
		refused_reason TEXT NOT NULL,
		accounts_version INTEGER NOT NULL
	);
	INSERT INTO hub_link VALUES (1, 0, 0, 0, '', 0);`,
	// offset: added to the seq of every event on the wire; synced: the hub
	// has answered once since this database was made (a database that has
	// sent something has: it learnt its offset before it sent).
	`ALTER TABLE hub_link ADD COLUMN offset INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE hub_link ADD COLUMN synced INTEGER NOT NULL DEFAULT 0;
	UPDATE hub_link SET synced = 1 WHERE acked > 0;`,
}

// Mark is what the link keeps across restarts.
type Mark struct {
	Acked           uint64 // the last event the hub's stream acknowledged
	ConfigVersion   int    // the hub's version the center runs
	RefusedVersion  int    // the last version refused, 0 when none
	RefusedReason   string
	AccountsVersion int
	// Offset is added to each event's seq on the wire: the hub's last seq
	// of this center when this database first synced (0 for a center's
	// first database). Synced: that first sync happened.
	Offset uint64
	Synced bool
}

// Marks keeps the Mark in the center's SQLite database.
type Marks struct{ db *sql.DB }

// OpenMarks migrates the link's table in db.
func OpenMarks(ctx context.Context, db *sql.DB) (*Marks, error) {
	if err := database.Migrate(ctx, db, Component, migrations); err != nil {
		return nil, fmt.Errorf("link: %w", err)
	}
	return &Marks{db: db}, nil
}

// Get reads the mark.
func (m *Marks) Get(ctx context.Context) (Mark, error) {
	var k Mark
	err := m.db.QueryRowContext(ctx, `SELECT acked, config_version, refused_version, refused_reason, accounts_version, offset, synced
		FROM hub_link WHERE id = 1`).
		Scan(&k.Acked, &k.ConfigVersion, &k.RefusedVersion, &k.RefusedReason, &k.AccountsVersion, &k.Offset, &k.Synced)
	if errors.Is(err, sql.ErrNoRows) {
		return Mark{}, errors.New("link: hub_link row missing")
	}
	if err != nil {
		return Mark{}, fmt.Errorf("link: read mark: %w", database.Classify(err))
	}
	return k, nil
}

// Put writes the mark; acked never goes back (a late write of an older mark
// cannot make the link send events again that the hub has).
func (m *Marks) Put(ctx context.Context, k Mark) error {
	// The offset is set once, with synced, and never changes after.
	_, err := m.db.ExecContext(ctx, `UPDATE hub_link SET acked = MAX(acked, ?), config_version = ?, refused_version = ?,
		refused_reason = ?, accounts_version = ?, offset = CASE WHEN synced = 1 THEN offset ELSE ? END,
		synced = MAX(synced, ?) WHERE id = 1`,
		k.Acked, k.ConfigVersion, k.RefusedVersion, k.RefusedReason, k.AccountsVersion, k.Offset, k.Synced)
	if err != nil {
		return fmt.Errorf("link: write mark: %w", database.Classify(err))
	}
	return nil
}
