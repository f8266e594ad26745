package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are the hub's schema steps, in order. Append only: never edit or
// reorder one that has shipped.
var migrations = []string{
	`CREATE TABLE centers (
		id         text PRIMARY KEY,
		name       text NOT NULL DEFAULT '',
		created_at timestamptz NOT NULL
	);
	-- What the center last reported (SetStatus).
	CREATE TABLE center_status (
		center           text PRIMARY KEY REFERENCES centers (id),
		online           boolean NOT NULL DEFAULT false,
		last_seen        timestamptz,
		software_version text NOT NULL DEFAULT '',
		config_version   integer NOT NULL DEFAULT 0,
		refused_version  integer NOT NULL DEFAULT 0,
		refused_reason   text NOT NULL DEFAULT '',
		status           jsonb NOT NULL DEFAULT '{}'
	);
	-- Where the center's event log stands at the hub. Ingest and Store.Apply
	-- lock this row first, so one center's writers run one after another.
	CREATE TABLE center_log (
		center     text PRIMARY KEY REFERENCES centers (id),
		last_seq   bigint NOT NULL DEFAULT 0, -- highest seq held
		contiguous bigint NOT NULL DEFAULT 0, -- highest s with all of 1..s held
		day        text NOT NULL DEFAULT '',  -- the center's current day
		day_seq    bigint NOT NULL DEFAULT 0  -- the event that set day
	);
	-- events and tickets name their center without a foreign key: every
	-- writer makes the center's centers and center_log rows first, in its
	-- transaction, and centers are never deleted; the key's check was a
	-- third of an Ingest's time.
	CREATE TABLE events (
		center    text NOT NULL,
		seq       bigint NOT NULL,
		at        timestamptz, -- NULL: the zero time
		type      text NOT NULL,
		ticket_id text NOT NULL DEFAULT '',
		counter   text NOT NULL DEFAULT '',
		data      jsonb NOT NULL, -- the ticket after the change, from, recall, day
		PRIMARY KEY (center, seq)
	);
	CREATE TABLE tickets (
		center     text NOT NULL,
		id         text NOT NULL,
		day        text NOT NULL,
		origin     text NOT NULL,
		origin_seq integer NOT NULL, -- the number within origin and day
		number     text NOT NULL,
		service    text NOT NULL,
		priority   boolean NOT NULL,
		state      text NOT NULL,
		kiosk      text NOT NULL,
		counter    text NOT NULL,
		calls      integer NOT NULL,
		issued_at  timestamptz,
		queued_at  timestamptz,
		called_at  timestamptz,
		started_at timestamptz,
		done_at    timestamptz,
		print      text NOT NULL,
		rating     integer NOT NULL,
		last_seq   bigint NOT NULL, -- the event the row was last written from
		PRIMARY KEY (center, id),
		-- Also the (center, day) index of day views; state included so
		-- Centers counts today's and waiting tickets from the index alone.
		CONSTRAINT tickets_number UNIQUE (center, day, origin, origin_seq) INCLUDE (state)
	);
	CREATE INDEX tickets_open ON tickets (center) WHERE state IN ('waiting', 'called', 'serving', 'transferred');
	CREATE INDEX tickets_done ON tickets (center, service, done_at) WHERE state = 'done';
	CREATE TABLE config_versions (
		center     text NOT NULL REFERENCES centers (id),
		version    integer NOT NULL,
		yaml       text NOT NULL,
		author     text NOT NULL,
		created_at timestamptz NOT NULL,
		PRIMARY KEY (center, version)
	);
	-- PutConfig numbers versions on this row's lock.
	CREATE TABLE center_config (
		center       text PRIMARY KEY REFERENCES centers (id),
		latest       integer NOT NULL DEFAULT 0,
		published    integer NOT NULL DEFAULT 0,
		published_at timestamptz
	);`,
	// The province report (report.go): one row per center and day, that
	// day's tickets as records, rebuilt from tickets by every write of the
	// center. The days held before this step are listed in report_stale and
	// rebuilt by Open. The records are kept compressed (TOAST's default):
	// measured, a month's read took 283 ms compressed and 495 ms not.
	`CREATE TABLE report_days (
		day      text NOT NULL,
		center   text NOT NULL,
		fields   text[] NOT NULL,
		counters text[] NOT NULL,
		tickets  bytea NOT NULL,
		PRIMARY KEY (day, center)
	);
	CREATE TABLE report_stale (
		center text NOT NULL,
		day    text NOT NULL,
		PRIMARY KEY (center, day)
	);
	INSERT INTO report_stale (center, day) SELECT DISTINCT center, day FROM tickets;`,
	// Who took each ticket (the keyed hash of their ID number, issue 14) and
	// the online booking it was checked in from, so that the caps of one
	// person hold across the province's centers; filled from the events
	// held, which carried them. Bookings made at the hub (online.go), and
	// the codes that confirm a booker's phone.
	`ALTER TABLE tickets ADD COLUMN person text NOT NULL DEFAULT '';
	ALTER TABLE tickets ADD COLUMN booking text NOT NULL DEFAULT '';
	UPDATE tickets t SET person = COALESCE(e.data->'ticket'->>'person', ''),
		booking = COALESCE(e.data->'ticket'->>'booking', '')
		FROM events e WHERE e.center = t.center AND e.seq = t.last_seq
		AND (e.data->'ticket' ? 'person' OR e.data->'ticket' ? 'booking');
	INSERT INTO report_stale (center, day) SELECT DISTINCT center, day FROM tickets WHERE booking <> ''
		ON CONFLICT DO NOTHING;
	CREATE INDEX tickets_person ON tickets (person, day) WHERE person <> '';
	CREATE INDEX tickets_booking ON tickets (center, booking) WHERE booking <> '';
	CREATE TABLE bookings (
		id          text PRIMARY KEY,
		center      text NOT NULL,
		field       text NOT NULL,
		day         text NOT NULL,
		window_from timestamptz NOT NULL,
		window_to   timestamptz NOT NULL,
		person      text NOT NULL,
		state       text NOT NULL DEFAULT 'booked', -- booked, cancelled
		created_at  timestamptz NOT NULL,
		cancelled_at timestamptz
	);
	CREATE INDEX bookings_person ON bookings (person, day) WHERE state = 'booked';
	CREATE INDEX bookings_quota ON bookings (center, day, field) WHERE state = 'booked';
	CREATE INDEX bookings_center ON bookings (center, day);
	CREATE TABLE phone_codes (
		id         text PRIMARY KEY,
		phone      text NOT NULL, -- a keyed hash of the number
		person     text NOT NULL, -- who asked: the booking it confirms is theirs
		code       text NOT NULL, -- a keyed hash of the code with its id
		created_at timestamptz NOT NULL,
		expires_at timestamptz NOT NULL,
		attempts   integer NOT NULL DEFAULT 0,
		used       boolean NOT NULL DEFAULT false
	);
	CREATE INDEX phone_codes_phone ON phone_codes (phone, created_at);
	-- The public keys the hub's processes sign with (ClaimKey): all alike.
	CREATE TABLE hub_keys (
		name       text PRIMARY KEY,
		public     text NOT NULL,
		created_at timestamptz NOT NULL
	);`,
	// The phone of a booker who consented to messages (issue 15): the
	// reminder before the window and, at the center, the messages of the
	// ticket checked in from it. Deleted when the booking is cancelled, or
	// once expires_at (the window's end plus the hub's online.phone_keep)
	// has passed (NotifyPurge). reminder is the reminder's notify_messages
	// id, 0 when none was decided.
	`CREATE TABLE booking_contacts (
		booking    text PRIMARY KEY,
		center     text NOT NULL,
		phone      text NOT NULL, -- 84xxxxxxxxx
		reminder   bigint NOT NULL DEFAULT 0,
		expires_at timestamptz NOT NULL
	);
	CREATE INDEX booking_contacts_expires ON booking_contacts (expires_at);`,
	// 5: keys the hub signed with before the one in hub_keys (RotateKey),
	// each accepted by the centers until the last day of its bookings.
	`CREATE TABLE hub_retired_keys (
		name       text NOT NULL,
		public     text NOT NULL,
		last_day   text NOT NULL, -- "2006-01-02"; '' when it signed nothing
		retired_at timestamptz NOT NULL,
		PRIMARY KEY (name, public)
	);`,
}

// migrate brings component's tables up to date by running, in order, each
// step of steps that has not run yet, each in its own transaction with the
// record that it ran. Every transaction first takes an advisory lock of the
// component, so hub processes starting together run each step once: the
// others wait, then find it done.
func migrate(ctx context.Context, pool *pgxpool.Pool, component string, steps []string) error {
	for {
		done, err := migrateStep(ctx, pool, component, steps)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// migrateStep runs the next step of component; done once none is left.
func migrateStep(ctx context.Context, pool *pgxpool.Pool, component string, steps []string) (done bool, err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("pgstore: %s migrations: %w", component, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('motcua.schema_migrations'), hashtext($1))`, component); err != nil {
		return false, fmt.Errorf("pgstore: %s migrations: lock: %w", component, err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		component  text NOT NULL,
		version    integer NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now(),
		PRIMARY KEY (component, version))`); err != nil {
		return false, fmt.Errorf("pgstore: migrations table: %w", err)
	}
	var have int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = $1`,
		component).Scan(&have); err != nil {
		return false, fmt.Errorf("pgstore: %s migrations: %w", component, err)
	}
	switch {
	case have > len(steps):
		return false, fmt.Errorf("pgstore: %s schema is version %d, newer than this binary knows (%d)", component, have, len(steps))
	case have == len(steps):
		return true, tx.Commit(ctx)
	}
	version := have + 1
	if _, err := tx.Exec(ctx, steps[have]); err != nil {
		return false, fmt.Errorf("pgstore: %s migration %d: %w", component, version, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (component, version) VALUES ($1, $2)`,
		component, version); err != nil {
		return false, fmt.Errorf("pgstore: %s migration %d: %w", component, version, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("pgstore: %s migration %d: %w", component, version, err)
	}
	return false, nil
}
