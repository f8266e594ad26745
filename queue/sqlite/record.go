package sqlite

import (
	"fmt"

	"motcua/queue"
)

// ticketRecord is how an event's ticket is kept (as JSON in
// events.ticket_data): named fields and times in Unix milliseconds, like the
// tickets table, so a renamed Go field does not lose stored data.
type ticketRecord struct {
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
}

func recordOf(t queue.Ticket) ticketRecord {
	return ticketRecord{ID: t.ID, Day: t.Day, Origin: t.Origin, Seq: t.Seq, Number: t.Number,
		Service: t.Service, Priority: t.Priority, State: string(t.State), Kiosk: t.Kiosk,
		Counter: t.Counter, Calls: t.Calls, IssuedAt: ms(t.IssuedAt), QueuedAt: ms(t.QueuedAt),
		CalledAt: ms(t.CalledAt), StartedAt: ms(t.StartedAt), DoneAt: ms(t.DoneAt),
		Print: string(t.Print), Rating: t.Rating}
}

func (r ticketRecord) ticket() queue.Ticket {
	return queue.Ticket{ID: r.ID, Day: r.Day, Origin: r.Origin, Seq: r.Seq, Number: r.Number,
		Service: r.Service, Priority: r.Priority, State: queue.State(r.State), Kiosk: r.Kiosk,
		Counter: r.Counter, Calls: r.Calls, IssuedAt: fromMS(r.IssuedAt), QueuedAt: fromMS(r.QueuedAt),
		CalledAt: fromMS(r.CalledAt), StartedAt: fromMS(r.StartedAt), DoneAt: fromMS(r.DoneAt),
		Print: queue.PrintState(r.Print), Rating: r.Rating}
}

// errSeqBack refuses an event numbered at or below the last committed one.
func errSeqBack(last uint64) error {
	return fmt.Errorf("sequence must be above the last committed event %d", last)
}
