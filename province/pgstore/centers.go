package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// CenterStatus is what a center last reported of itself.
type CenterStatus struct {
	Online   bool
	LastSeen time.Time // when the hub last heard from the center
	Version  string    // the center's software version
	// ConfigVersion is the config version the center runs; RefusedVersion
	// the last one it refused (0: none) and RefusedReason why.
	ConfigVersion  int
	RefusedVersion int
	RefusedReason  string
	Printers       map[string]PrinterStatus // by printer name
	Scanners       map[string]ScannerStatus // by scanner name
	Boards         map[string]BoardStatus   // LED boards, by name
	Buttons        map[string]ScannerStatus // call-button receivers and rating boxes, by name
	Waiting        int                      // people waiting, as the center counted them at LastSeen
	// Notify counts the center's own messages by channel and state, as it
	// reported them (Center empty).
	Notify []NotifyCount
}

// PrinterStatus is one printer's state as its center reports it.
type PrinterStatus struct {
	State string `json:"state"`           // "online", "offline", "paper_out"...
	Paper string `json:"paper,omitempty"` // "ok", "low", "out"
	Cover string `json:"cover,omitempty"` // "closed", "open"
}

// ScannerStatus is one scanner's state as its center reports it.
type ScannerStatus struct {
	State string `json:"state"` // "online", "offline"
}

// BoardStatus is one LED board's state as its center reports it.
type BoardStatus struct {
	State  string `json:"state"` // "answering", "silent", "disconnected"
	Errors uint64 `json:"errors,omitempty"`
}

// statusDoc is center_status.status.
type statusDoc struct {
	Printers map[string]PrinterStatus `json:"printers,omitempty"`
	Scanners map[string]ScannerStatus `json:"scanners,omitempty"`
	Waiting  int                      `json:"waiting"`
	Boards   map[string]BoardStatus   `json:"boards,omitempty"`
	Buttons  map[string]ScannerStatus `json:"buttons,omitempty"`
	Notify   []NotifyCount            `json:"notify,omitempty"`
}

// CenterRow is a center as the fleet pages show it.
type CenterRow struct {
	ID        string
	Name      string
	CreatedAt time.Time
	Status    CenterStatus
	// Day is the center's current day (its last day reset that reached the
	// hub); TicketsToday and Waiting count the tickets of that day the hub
	// holds, all of them and those in a queue (waiting or transferred).
	Day          string
	TicketsToday int
	Waiting      int
	LastSeq      uint64 // highest event seq held
	Contiguous   uint64 // every event 1..Contiguous is held
	Published    int    // config version published to the center; 0 none
}

// PutCenter records center id with its display name, or renames it.
func (db *DB) PutCenter(ctx context.Context, id, name string) error {
	if id == "" {
		return errors.New("pgstore: put center: no id")
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO centers (id, name, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name`, id, name, db.clock.Now()); err != nil {
		return fmt.Errorf("pgstore: put center %s: %w", id, err)
	}
	return nil
}

// SetStatus records what center reported. A report older (by LastSeen) than
// the one held is dropped, so hub processes writing at once keep the latest.
func (db *DB) SetStatus(ctx context.Context, center string, st CenterStatus) error {
	if center == "" {
		return errors.New("pgstore: set status: no center")
	}
	doc, err := json.Marshal(statusDoc{Printers: st.Printers, Scanners: st.Scanners, Waiting: st.Waiting, Boards: st.Boards, Buttons: st.Buttons,
		Notify: st.Notify})
	if err != nil {
		return fmt.Errorf("pgstore: set status of %s: %w", center, err)
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO centers (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, center, db.clock.Now())
	b.Queue(`INSERT INTO center_status AS s (center, online, last_seen, software_version, config_version,
			refused_version, refused_reason, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb)
		ON CONFLICT (center) DO UPDATE SET online = excluded.online, last_seen = excluded.last_seen,
			software_version = excluded.software_version, config_version = excluded.config_version,
			refused_version = excluded.refused_version, refused_reason = excluded.refused_reason,
			status = excluded.status
		WHERE s.last_seen IS NULL OR excluded.last_seen IS NULL OR s.last_seen <= excluded.last_seen`,
		center, st.Online, ts(st.LastSeen), st.Version, st.ConfigVersion, st.RefusedVersion,
		st.RefusedReason, string(doc))
	if err := db.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("pgstore: set status of %s: %w", center, err)
	}
	return nil
}

const centerQuery = `SELECT c.id, c.name, c.created_at, COALESCE(l.day, ''), COALESCE(l.last_seq, 0),
		COALESCE(l.contiguous, 0), COALESCE(s.online, false), s.last_seen,
		COALESCE(s.software_version, ''), COALESCE(s.config_version, 0),
		COALESCE(s.refused_version, 0), COALESCE(s.refused_reason, ''), COALESCE(s.status, '{}'),
		COALESCE(g.published, 0), t.today, t.waiting
	FROM centers c
	LEFT JOIN center_log l ON l.center = c.id
	LEFT JOIN center_status s ON s.center = c.id
	LEFT JOIN center_config g ON g.center = c.id
	LEFT JOIN LATERAL (SELECT count(*) AS today,
			count(*) FILTER (WHERE state IN ('waiting', 'transferred')) AS waiting
		FROM tickets WHERE center = c.id AND day = l.day) t ON true`

// Centers returns every center, by id. Today's and waiting tickets are
// counted from the (center, day) index, which carries the state: one index
// range per center, the size of its day.
func (db *DB) Centers(ctx context.Context) ([]CenterRow, error) {
	rows, err := db.pool.Query(ctx, centerQuery+` ORDER BY c.id`)
	if err != nil {
		return nil, fmt.Errorf("pgstore: centers: %w", err)
	}
	defer rows.Close()
	var out []CenterRow
	for rows.Next() {
		c, err := scanCenter(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: centers: %w", err)
	}
	return out, nil
}

// Center returns one center, or ErrNotFound.
func (db *DB) Center(ctx context.Context, id string) (CenterRow, error) {
	rows, err := db.pool.Query(ctx, centerQuery+` WHERE c.id = $1`, id)
	if err != nil {
		return CenterRow{}, fmt.Errorf("pgstore: center %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return CenterRow{}, fmt.Errorf("pgstore: center %s: %w", id, err)
		}
		return CenterRow{}, fmt.Errorf("%w: center %s", ErrNotFound, id)
	}
	return scanCenter(rows)
}

func scanCenter(rows pgx.Rows) (CenterRow, error) {
	var c CenterRow
	var last, contiguous int64
	var seen pgtype.Timestamptz
	var doc []byte
	var today, waiting int64
	if err := rows.Scan(&c.ID, &c.Name, &c.CreatedAt, &c.Day, &last, &contiguous, &c.Status.Online,
		&seen, &c.Status.Version, &c.Status.ConfigVersion, &c.Status.RefusedVersion,
		&c.Status.RefusedReason, &doc, &c.Published, &today, &waiting); err != nil {
		return c, fmt.Errorf("pgstore: centers: %w", err)
	}
	var d statusDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return c, fmt.Errorf("pgstore: center %s status: %w", c.ID, err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	c.Status.LastSeen = fromTS(seen)
	c.Status.Printers, c.Status.Scanners, c.Status.Waiting = d.Printers, d.Scanners, d.Waiting
	c.Status.Boards, c.Status.Buttons, c.Status.Notify = d.Boards, d.Buttons, d.Notify
	c.LastSeq, c.Contiguous = uint64(last), uint64(contiguous)
	c.TicketsToday, c.Waiting = int(today), int(waiting)
	return c, nil
}
