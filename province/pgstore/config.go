package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ConfigVersion is one version of a center's configuration.
type ConfigVersion struct {
	Center    string
	Version   int // 1, 2, 3... per center
	YAML      string
	Author    string // who put it
	CreatedAt time.Time
	Published bool // the version published to the center now
}

// PutConfig stores a new version of center's configuration (already
// validated) and returns its number: the center's versions are 1, 2, 3...,
// distinct even when several hub processes put at once. It does not publish.
func (db *DB) PutConfig(ctx context.Context, center, yaml, author string) (version int, err error) {
	if center == "" {
		return 0, errors.New("pgstore: put config: no center")
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		now := db.clock.Now()
		if _, err := tx.Exec(ctx, `INSERT INTO centers (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
			center, now); err != nil {
			return fmt.Errorf("pgstore: put config of %s: %w", center, err)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO center_config AS g (center, latest) VALUES ($1, 1)
			ON CONFLICT (center) DO UPDATE SET latest = g.latest + 1 RETURNING latest`, center).Scan(&version); err != nil {
			return fmt.Errorf("pgstore: put config of %s: %w", center, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO config_versions (center, version, yaml, author, created_at)
			VALUES ($1, $2, $3, $4, $5)`, center, version, yaml, author, now); err != nil {
			return fmt.Errorf("pgstore: put config of %s: %w", center, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}

const versionQuery = `SELECT v.center, v.version, v.yaml, v.author, v.created_at,
		COALESCE(g.published = v.version, false)
	FROM config_versions v LEFT JOIN center_config g ON g.center = v.center
	WHERE v.center = $1`

// Config returns version of center's configuration, or ErrNotFound.
func (db *DB) Config(ctx context.Context, center string, version int) (ConfigVersion, error) {
	vs, err := db.versions(ctx, versionQuery+` AND v.version = $2`, center, version)
	if err != nil {
		return ConfigVersion{}, err
	}
	if len(vs) == 0 {
		return ConfigVersion{}, fmt.Errorf("%w: center %s config version %d", ErrNotFound, center, version)
	}
	return vs[0], nil
}

// Versions returns every version of center's configuration, oldest first.
func (db *DB) Versions(ctx context.Context, center string) ([]ConfigVersion, error) {
	return db.versions(ctx, versionQuery+` ORDER BY v.version`, center)
}

func (db *DB) versions(ctx context.Context, q string, args ...any) ([]ConfigVersion, error) {
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: config versions: %w", err)
	}
	defer rows.Close()
	var out []ConfigVersion
	for rows.Next() {
		var v ConfigVersion
		if err := rows.Scan(&v.Center, &v.Version, &v.YAML, &v.Author, &v.CreatedAt, &v.Published); err != nil {
			return nil, fmt.Errorf("pgstore: config versions: %w", err)
		}
		v.CreatedAt = v.CreatedAt.UTC()
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: config versions: %w", err)
	}
	return out, nil
}

// Published returns the version published to center; 0 when none is.
func (db *DB) Published(ctx context.Context, center string) (int, error) {
	var v int
	err := db.pool.QueryRow(ctx, `SELECT published FROM center_config WHERE center = $1`, center).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("pgstore: published config of %s: %w", center, err)
	}
	return v, nil
}

// Publish makes version the one center is to run. Rolling back is
// publishing an earlier version. ErrNotFound when center has no such
// version.
func (db *DB) Publish(ctx context.Context, center string, version int) error {
	tag, err := db.pool.Exec(ctx, `UPDATE center_config SET published = $2, published_at = $3
		WHERE center = $1 AND EXISTS (SELECT 1 FROM config_versions WHERE center = $1 AND version = $2)`,
		center, version, db.clock.Now())
	if err != nil {
		return fmt.Errorf("pgstore: publish %s config version %d: %w", center, version, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: center %s config version %d", ErrNotFound, center, version)
	}
	return nil
}
