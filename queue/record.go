package queue

import "time"

// TicketRecord is how a store keeps a ticket as JSON (the ticket an event
// left, in the center's SQLite and in the hub's PostgreSQL): named fields,
// so a renamed Go field does not lose stored data, and times in Unix
// milliseconds, 0 for none.
type TicketRecord struct {
	ID        string `json:"id"`
	Day       string `json:"day"`
	Origin    string `json:"origin"`
	Seq       int    `json:"seq"`
	Number    string `json:"number"`
	Service   string `json:"service"`
	Priority  bool   `json:"priority,omitempty"`
	State     string `json:"state"`
	Kiosk     string `json:"kiosk,omitempty"`
	Counter   string `json:"counter,omitempty"`
	Calls     int    `json:"calls,omitempty"`
	IssuedAt  int64  `json:"issued_at,omitempty"`
	QueuedAt  int64  `json:"queued_at,omitempty"`
	CalledAt  int64  `json:"called_at,omitempty"`
	StartedAt int64  `json:"started_at,omitempty"`
	DoneAt    int64  `json:"done_at,omitempty"`
	Print     string `json:"print,omitempty"`
	Rating    int    `json:"rating,omitempty"`
	Person    string `json:"person,omitempty"`
	Category  string `json:"category,omitempty"`
	Booking   string `json:"booking,omitempty"`
}

// RecordOf is t as a record.
func RecordOf(t Ticket) TicketRecord {
	return TicketRecord{ID: t.ID, Day: t.Day, Origin: t.Origin, Seq: t.Seq, Number: t.Number,
		Service: t.Service, Priority: t.Priority, State: string(t.State), Kiosk: t.Kiosk,
		Counter: t.Counter, Calls: t.Calls, IssuedAt: unixMS(t.IssuedAt), QueuedAt: unixMS(t.QueuedAt),
		CalledAt: unixMS(t.CalledAt), StartedAt: unixMS(t.StartedAt), DoneAt: unixMS(t.DoneAt),
		Print: string(t.Print), Rating: t.Rating, Person: t.Person, Category: t.Category, Booking: t.Booking}
}

// Ticket is the ticket r keeps (times in UTC).
func (r TicketRecord) Ticket() Ticket {
	return Ticket{ID: r.ID, Day: r.Day, Origin: r.Origin, Seq: r.Seq, Number: r.Number,
		Service: r.Service, Priority: r.Priority, State: State(r.State), Kiosk: r.Kiosk,
		Counter: r.Counter, Calls: r.Calls, IssuedAt: fromUnixMS(r.IssuedAt), QueuedAt: fromUnixMS(r.QueuedAt),
		CalledAt: fromUnixMS(r.CalledAt), StartedAt: fromUnixMS(r.StartedAt), DoneAt: fromUnixMS(r.DoneAt),
		Print: PrintState(r.Print), Rating: r.Rating, Person: r.Person, Category: r.Category, Booking: r.Booking}
}

func unixMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromUnixMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
