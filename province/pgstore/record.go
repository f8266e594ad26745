package pgstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"motcua/queue"
)

// Times are kept to the millisecond, like a center's store: a ticket reads
// the same from the tickets table and from its events.

func ts(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: t.Truncate(time.Millisecond), Valid: true}
}

func fromTS(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// eventData is events.data: what the columns do not hold, with named fields
// (a renamed Go field does not lose stored data).
type eventData struct {
	Ticket *queue.TicketRecord `json:"ticket,omitempty"` // none for a day reset
	From   string              `json:"from,omitempty"`
	Recall bool                `json:"recall,omitempty"`
	Day    string              `json:"day,omitempty"`
}

// eventRows are events as the columns of one INSERT ... SELECT FROM unnest.
type eventRows struct {
	seq                    []int64
	at                     []pgtype.Timestamptz
	typ, ticket, ctr, data []string
}

func (r *eventRows) add(ev queue.Event) error {
	d := eventData{From: ev.From, Recall: ev.Recall, Day: ev.Day}
	if ev.Ticket != (queue.Ticket{}) {
		rec := queue.RecordOf(ev.Ticket)
		d.Ticket = &rec
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("pgstore: event %d: %w", ev.Seq, err)
	}
	r.seq = append(r.seq, int64(ev.Seq))
	r.at = append(r.at, ts(ev.At))
	r.typ = append(r.typ, string(ev.Type))
	r.ticket = append(r.ticket, ev.Ticket.ID)
	r.ctr = append(r.ctr, ev.Counter)
	r.data = append(r.data, string(b))
	return nil
}

// insertEvents adds rows of center; skipSeen makes an event already held a
// no-op instead of an error.
func insertEvents(b *pgx.Batch, center string, r *eventRows, skipSeen bool) *pgx.QueuedQuery {
	q := `INSERT INTO events (center, seq, at, type, ticket_id, counter, data)
		SELECT $1, s, a, t, i, c, d::jsonb
		FROM unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u (s, a, t, i, c, d)`
	if skipSeen {
		q += ` ON CONFLICT (center, seq) DO NOTHING`
	}
	return b.Queue(q, center, r.seq, r.at, r.typ, r.ticket, r.ctr, r.data)
}

// ticketRows are tickets as the columns of one upsert.
type ticketRows struct {
	id, day, origin, number, service, state, kiosk, counter, print []string
	person, booking                                                []string
	originSeq, calls, rating                                       []int32
	priority                                                       []bool
	issued, queued, called, started, done                          []pgtype.Timestamptz
	lastSeq                                                        []int64
}

func (r *ticketRows) add(t queue.Ticket, lastSeq uint64) {
	r.id = append(r.id, t.ID)
	r.day = append(r.day, t.Day)
	r.origin = append(r.origin, t.Origin)
	r.originSeq = append(r.originSeq, int32(t.Seq))
	r.number = append(r.number, t.Number)
	r.service = append(r.service, t.Service)
	r.priority = append(r.priority, t.Priority)
	r.state = append(r.state, string(t.State))
	r.kiosk = append(r.kiosk, t.Kiosk)
	r.counter = append(r.counter, t.Counter)
	r.calls = append(r.calls, int32(t.Calls))
	r.issued = append(r.issued, ts(t.IssuedAt))
	r.queued = append(r.queued, ts(t.QueuedAt))
	r.called = append(r.called, ts(t.CalledAt))
	r.started = append(r.started, ts(t.StartedAt))
	r.done = append(r.done, ts(t.DoneAt))
	r.print = append(r.print, string(t.Print))
	r.rating = append(r.rating, int32(t.Rating))
	r.person = append(r.person, t.Person)
	r.booking = append(r.booking, t.Booking)
	r.lastSeq = append(r.lastSeq, int64(lastSeq))
}

// upsertTickets writes rows of center whole. onlyNewer keeps a row written
// from a later event than the one a row comes from.
func upsertTickets(b *pgx.Batch, center string, r *ticketRows, onlyNewer bool) {
	q := `INSERT INTO tickets (center, ` + ticketCols + `, last_seq)
		SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[],
			$8::bool[], $9::text[], $10::text[], $11::text[], $12::int[], $13::timestamptz[],
			$14::timestamptz[], $15::timestamptz[], $16::timestamptz[], $17::timestamptz[],
			$18::text[], $19::int[], $20::text[], $21::text[], $22::bigint[])
		ON CONFLICT (center, id) DO UPDATE SET day = excluded.day, origin = excluded.origin,
			origin_seq = excluded.origin_seq, number = excluded.number, service = excluded.service,
			priority = excluded.priority, state = excluded.state, kiosk = excluded.kiosk,
			counter = excluded.counter, calls = excluded.calls, issued_at = excluded.issued_at,
			queued_at = excluded.queued_at, called_at = excluded.called_at,
			started_at = excluded.started_at, done_at = excluded.done_at, print = excluded.print,
			rating = excluded.rating, person = excluded.person, booking = excluded.booking,
			last_seq = GREATEST(tickets.last_seq, excluded.last_seq)`
	if onlyNewer {
		q += ` WHERE tickets.last_seq < excluded.last_seq`
	}
	b.Queue(q, center, r.id, r.day, r.origin, r.originSeq, r.number, r.service, r.priority, r.state,
		r.kiosk, r.counter, r.calls, r.issued, r.queued, r.called, r.started, r.done, r.print,
		r.rating, r.person, r.booking, r.lastSeq)
}

const ticketCols = `id, day, origin, origin_seq, number, service, priority, state, kiosk, counter,
	calls, issued_at, queued_at, called_at, started_at, done_at, print, rating, person, booking`

// scanTickets reads rows of ticketCols.
func scanTickets(rows pgx.Rows) ([]queue.Ticket, error) {
	defer rows.Close()
	var out []queue.Ticket
	for rows.Next() {
		var t queue.Ticket
		var state, print string
		var issued, queued, called, started, done pgtype.Timestamptz
		if err := rows.Scan(&t.ID, &t.Day, &t.Origin, &t.Seq, &t.Number, &t.Service, &t.Priority,
			&state, &t.Kiosk, &t.Counter, &t.Calls, &issued, &queued, &called, &started, &done,
			&print, &t.Rating, &t.Person, &t.Booking); err != nil {
			return nil, fmt.Errorf("pgstore: tickets: %w", err)
		}
		t.State, t.Print = queue.State(state), queue.PrintState(print)
		t.IssuedAt, t.QueuedAt, t.CalledAt, t.StartedAt, t.DoneAt =
			fromTS(issued), fromTS(queued), fromTS(called), fromTS(started), fromTS(done)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: tickets: %w", err)
	}
	return out, nil
}

// scanEvents reads rows of seq, at, type, ticket_id, counter, data.
func scanEvents(rows pgx.Rows) ([]queue.Event, error) {
	defer rows.Close()
	var out []queue.Event
	for rows.Next() {
		var ev queue.Event
		var seq int64
		var at pgtype.Timestamptz
		var typ, id string
		var data []byte
		if err := rows.Scan(&seq, &at, &typ, &id, &ev.Counter, &data); err != nil {
			return nil, fmt.Errorf("pgstore: events: %w", err)
		}
		var d eventData
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("pgstore: event %d: %w", seq, err)
		}
		ev.Seq, ev.At, ev.Type = uint64(seq), fromTS(at), queue.EventType(typ)
		ev.From, ev.Recall, ev.Day = d.From, d.Recall, d.Day
		if d.Ticket != nil {
			ev.Ticket = d.Ticket.Ticket()
		} else {
			ev.Ticket.ID = id
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: events: %w", err)
	}
	return out, nil
}
