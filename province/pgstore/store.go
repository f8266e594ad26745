package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/queue"
)

// Store is the queue.Store of center on the hub's tables: what a center's
// engine would run on a shared province database, and the contract
// (queue/storetest) the hub's rows keep. Apply and Ingest of one center
// queue on the same lock; mixing the two on one center is allowed, though a
// center's events normally come through one of them only.
//
// The whole storetest suite applies: a center's log at the hub is the same
// log a center keeps, scoped by center.
func (db *DB) Store(center string) queue.Store { return &centerStore{db: db, center: center} }

type centerStore struct {
	db     *DB
	center string
}

var _ queue.Store = (*centerStore)(nil)

func (s *centerStore) check() error {
	if s.center == "" {
		return errors.New("pgstore: store of no center")
	}
	return nil
}

// Load implements queue.Store.
func (s *centerStore) Load(ctx context.Context) (queue.Saved, error) {
	var out queue.Saved
	if err := s.check(); err != nil {
		return out, err
	}
	var seq int64
	err := s.db.pool.QueryRow(ctx, `SELECT day, last_seq FROM center_log WHERE center = $1`, s.center).Scan(&out.Day, &seq)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return out, fmt.Errorf("pgstore: load %s: %w", s.center, err)
	}
	out.Seq = uint64(seq)
	out.Tickets, err = s.db.tickets(ctx, `WHERE center = $1
		AND (day = $2 OR state IN ('waiting', 'called', 'serving', 'transferred'))`, s.center, out.Day)
	if err != nil {
		return out, err
	}
	out.Service = map[string][]time.Duration{}
	rows, err := s.db.pool.Query(ctx, `SELECT service, round(extract(epoch FROM done_at - called_at) * 1000)::bigint
		FROM (SELECT service, done_at, called_at,
			row_number() OVER (PARTITION BY service ORDER BY done_at DESC) AS r
			FROM tickets WHERE center = $1 AND state = 'done' AND done_at > called_at) AS d
		WHERE r <= $2 ORDER BY done_at`, s.center, queue.ServiceSamples)
	if err != nil {
		return out, fmt.Errorf("pgstore: load %s service times: %w", s.center, err)
	}
	defer rows.Close()
	for rows.Next() {
		var svc string
		var took int64
		if err := rows.Scan(&svc, &took); err != nil {
			return out, fmt.Errorf("pgstore: load %s service times: %w", s.center, err)
		}
		out.Service[svc] = append(out.Service[svc], time.Duration(took)*time.Millisecond)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("pgstore: load %s service times: %w", s.center, err)
	}
	return out, nil
}

// Apply implements queue.Store: one transaction, tickets written whole (the
// last write of a ticket in the batch wins), events strictly above every
// one held.
func (s *centerStore) Apply(ctx context.Context, changes []queue.Change) error {
	if err := s.check(); err != nil {
		return err
	}
	var er eventRows
	var day string
	var order []string
	latest := map[string]queue.Ticket{}
	var prev uint64
	for _, ch := range changes {
		for _, t := range ch.Tickets {
			if _, ok := latest[t.ID]; !ok {
				order = append(order, t.ID)
			}
			latest[t.ID] = t
		}
		for _, ev := range ch.Events {
			if ev.Seq <= prev {
				return fmt.Errorf("pgstore: %s: event %d: seqs must increase within a batch (after %d)", s.center, ev.Seq, prev)
			}
			prev = ev.Seq
			if err := er.add(ev); err != nil {
				return err
			}
		}
		if ch.Day != "" {
			day = ch.Day
		}
	}
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		s.db.queueLock(b, s.center)
		br := tx.SendBatch(ctx, b)
		for range 2 {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return fmt.Errorf("pgstore: %s: lock: %w", s.center, err)
			}
		}
		var last, cont int64
		if err := br.QueryRow().Scan(&last, &cont); err != nil {
			br.Close()
			return fmt.Errorf("pgstore: %s: lock: %w", s.center, err)
		}
		if err := br.Close(); err != nil {
			return fmt.Errorf("pgstore: %s: lock: %w", s.center, err)
		}
		top := uint64(last)
		if len(er.seq) > 0 {
			if first := uint64(er.seq[0]); first <= top {
				return fmt.Errorf("pgstore: %s: event %d: seq must be above the last committed event %d", s.center, first, top)
			}
			top = uint64(er.seq[len(er.seq)-1])
		}
		b = &pgx.Batch{}
		if len(er.seq) > 0 {
			insertEvents(b, s.center, &er, false)
		}
		if len(order) > 0 {
			var tr ticketRows
			for _, id := range order {
				tr.add(latest[id], top)
			}
			upsertTickets(b, s.center, &tr, false)
		}
		if day != "" {
			b.Queue(`UPDATE center_log SET day = $2, day_seq = $3 WHERE center = $1`, s.center, day, int64(top))
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("pgstore: %s: apply: %w", s.center, err)
		}
		var days []string
		for _, id := range order {
			days = append(days, latest[id].Day)
		}
		if err := s.db.updateReport(ctx, tx, s.center, order, distinct(days)); err != nil {
			return err
		}
		c, err := contiguous(ctx, tx, s.center, uint64(cont), uint64(last), er.seq)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, advance, s.center, int64(top), int64(c), int64(0), ""); err != nil {
			return fmt.Errorf("pgstore: %s: apply: %w", s.center, err)
		}
		return nil
	})
}

// Ticket implements queue.Store.
func (s *centerStore) Ticket(ctx context.Context, id string) (queue.Ticket, error) {
	if err := s.check(); err != nil {
		return queue.Ticket{}, err
	}
	ts, err := s.db.tickets(ctx, `WHERE center = $1 AND id = $2`, s.center, id)
	if err != nil {
		return queue.Ticket{}, err
	}
	if len(ts) == 0 {
		return queue.Ticket{}, fmt.Errorf("pgstore: %s: ticket %s: %w", s.center, id, queue.ErrNotFound)
	}
	return ts[0], nil
}

// Tickets implements queue.Store.
func (s *centerStore) Tickets(ctx context.Context, from, to string) ([]queue.Ticket, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.db.tickets(ctx, `WHERE center = $1 AND day BETWEEN $2 AND $3 ORDER BY issued_at, id`, s.center, from, to)
}

// Events implements queue.Store.
func (s *centerStore) Events(ctx context.Context, after uint64, limit int) ([]queue.Event, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.db.CenterEvents(ctx, s.center, after, limit)
}
