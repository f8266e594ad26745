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
}

// Mark is what the link keeps across restarts.
type Mark struct {
	Acked           uint64 // the last event the hub's stream acknowledged
	ConfigVersion   int    // the hub's version the center runs
	RefusedVersion  int    // the last version refused, 0 when none
	RefusedReason   string
	AccountsVersion int
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
	err := m.db.QueryRowContext(ctx, `SELECT acked, config_version, refused_version, refused_reason, accounts_version FROM hub_link WHERE id = 1`).
		Scan(&k.Acked, &k.ConfigVersion, &k.RefusedVersion, &k.RefusedReason, &k.AccountsVersion)
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
	_, err := m.db.ExecContext(ctx, `UPDATE hub_link SET acked = MAX(acked, ?), config_version = ?, refused_version = ?,
		refused_reason = ?, accounts_version = ? WHERE id = 1`,
		k.Acked, k.ConfigVersion, k.RefusedVersion, k.RefusedReason, k.AccountsVersion)
	if err != nil {
		return fmt.Errorf("link: write mark: %w", database.Classify(err))
	}
	return nil
}
