package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"motcua/queue"
)

// queueLock adds to b what every writer of center's log starts with: the
// center's rows made if missing, then the lock of its center_log row, which
// reads back last_seq and contiguous. Holding it, a writer sees every event
// committed before.
func (db *DB) queueLock(b *pgx.Batch, center string) *pgx.QueuedQuery {
	b.Queue(`INSERT INTO centers (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
		center, db.clock.Now())
	b.Queue(`INSERT INTO center_log (center) VALUES ($1) ON CONFLICT (center) DO NOTHING`, center)
	return b.Queue(`SELECT last_seq, contiguous FROM center_log WHERE center = $1 FOR UPDATE`, center)
}

// contiguous is the watermark after a write of center's log that added
// seqs (sorted) to a log whose watermark was c and highest seq last. It
// follows the batch from c+1; only when that reaches events held above an
// earlier gap (last beyond it) does it read them, in pages, up to the next
// gap. So the cost is nothing more than the batch in the usual in-order
// case, and otherwise the events the watermark passes, never the whole log.
func contiguous(ctx context.Context, tx pgx.Tx, center string, c, last uint64, seqs []int64) (uint64, error) {
	for _, s := range seqs {
		if uint64(s) == c+1 {
			c++
		} else if uint64(s) > c {
			break
		}
	}
	const page = 1000
	for c < last {
		rows, err := tx.Query(ctx, `SELECT seq FROM events WHERE center = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
			center, int64(c), page)
		if err != nil {
			return 0, fmt.Errorf("pgstore: %s watermark: %w", center, err)
		}
		held, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return 0, fmt.Errorf("pgstore: %s watermark: %w", center, err)
		}
		from := c
		for _, s := range held {
			if uint64(s) != c+1 {
				return c, nil
			}
			c++
		}
		if len(held) < page || c == from {
			return c, nil
		}
	}
	return c, nil
}

// advance ends a write of center's log: last_seq, the watermark and the
// day, which becomes $5 when $4 is above the seq that set the current one
// (a day reset arriving late changes nothing).
const advance = `UPDATE center_log SET last_seq = GREATEST(last_seq, $2), contiguous = $3,
	day = CASE WHEN $4::bigint > day_seq THEN $5 ELSE day END,
	day_seq = GREATEST(day_seq, $4::bigint)
	WHERE center = $1`

// Ingest stores events shipped by center in one transaction and returns how
// many it did not hold yet. It is idempotent on (center, seq): an event held
// already is skipped, a ticket row is written only from an event above the
// seq it was last written from, and the center's day follows its highest
// EventDayReset; so batches arriving twice, out of order or from several hub
// processes at once leave the same rows. Events need not be sorted; a seq
// given twice in one batch keeps its first event; seq 0 is refused. An
// event whose ticket has only its id (a center's events from before its
// store kept the whole ticket) is stored without touching the tickets.
func (db *DB) Ingest(ctx context.Context, center string, events []queue.Event) (added int, err error) {
	if center == "" {
		return 0, errors.New("pgstore: ingest: no center")
	}
	if len(events) == 0 {
		return 0, nil
	}
	evs := slices.Clone(events)
	slices.SortStableFunc(evs, func(a, b queue.Event) int {
		switch {
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return 0
	})
	evs = slices.CompactFunc(evs, func(a, b queue.Event) bool { return a.Seq == b.Seq })
	if evs[0].Seq == 0 {
		return 0, fmt.Errorf("pgstore: ingest %s: an event without a seq", center)
	}
	var er eventRows
	var resetSeq int64
	var resetDay string
	type version struct {
		t   queue.Ticket
		seq uint64
	}
	var order []string
	newest := map[string]version{}
	for _, ev := range evs {
		if err := er.add(ev); err != nil {
			return 0, err
		}
		if ev.Type == queue.EventDayReset {
			resetSeq, resetDay = int64(ev.Seq), ev.Day
		}
		if ev.Ticket.ID == "" || ev.Ticket.Day == "" {
			// No ticket, or only its id: a center's events from before its
			// store kept the ticket with each event.
			continue
		}
		if _, ok := newest[ev.Ticket.ID]; !ok {
			order = append(order, ev.Ticket.ID)
		}
		newest[ev.Ticket.ID] = version{ev.Ticket, ev.Seq} // sorted: the last is the newest
	}
	var tr ticketRows
	for _, id := range order {
		tr.add(newest[id].t, newest[id].seq)
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		var last, cont int64
		db.queueLock(b, center).QueryRow(func(r pgx.Row) error { return r.Scan(&last, &cont) })
		insertEvents(b, center, &er, true).Exec(func(tag pgconn.CommandTag) error {
			added = int(tag.RowsAffected())
			return nil
		})
		if len(tr.id) > 0 {
			upsertTickets(b, center, &tr, true)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("pgstore: ingest %s: %w", center, err)
		}
		if err := db.updateReport(ctx, tx, center, tr.id, distinct(tr.day)); err != nil {
			return err
		}
		c, err := contiguous(ctx, tx, center, uint64(cont), uint64(last), er.seq)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, advance, center, er.seq[len(er.seq)-1], int64(c), resetSeq, resetDay); err != nil {
			return fmt.Errorf("pgstore: ingest %s: %w", center, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// LastSeq is the highest seq held of center's events; 0 when none.
func (db *DB) LastSeq(ctx context.Context, center string) (uint64, error) {
	return db.logSeq(ctx, center, "last_seq")
}

// Contiguous is the highest seq s such that every event 1..s of center is
// held: where a center resumes shipping. It is a column Ingest keeps, so
// reading it costs one row.
func (db *DB) Contiguous(ctx context.Context, center string) (uint64, error) {
	return db.logSeq(ctx, center, "contiguous")
}

func (db *DB) logSeq(ctx context.Context, center, col string) (uint64, error) {
	var v int64
	err := db.pool.QueryRow(ctx, `SELECT `+col+` FROM center_log WHERE center = $1`, center).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("pgstore: %s of %s: %w", col, center, err)
	}
	return uint64(v), nil
}

// CenterTickets returns center's tickets of day ("2006-01-02") that reached
// the hub, in the order they were issued.
func (db *DB) CenterTickets(ctx context.Context, center, day string) ([]queue.Ticket, error) {
	return db.tickets(ctx, `WHERE center = $1 AND day = $2 ORDER BY issued_at, id`, center, day)
}

func (db *DB) tickets(ctx context.Context, where string, args ...any) ([]queue.Ticket, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+ticketCols+` FROM tickets `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: tickets: %w", err)
	}
	return scanTickets(rows)
}

// CenterEvents returns center's events whose seq is above after, in seq
// order, at most limit of them (all when limit <= 0).
func (db *DB) CenterEvents(ctx context.Context, center string, after uint64, limit int) ([]queue.Event, error) {
	q := `SELECT seq, at, type, ticket_id, counter, data FROM events
		WHERE center = $1 AND seq > $2 ORDER BY seq`
	args := []any{center, int64(after)}
	if limit > 0 {
		q += ` LIMIT $3`
		args = append(args, limit)
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: events of %s: %w", center, err)
	}
	return scanEvents(rows)
}

// distinct is days without repeats.
func distinct(days []string) []string {
	out := slices.Clone(days)
	slices.Sort(out)
	return slices.Compact(out)
}
