package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"motcua/queue"
)

// Stream is the JetStream stream that holds the centers' event frames until
// the hub has stored them.
const Stream = "MOTCUA_UP"

// StreamSubjects are the subjects Stream captures.
const StreamSubjects = "motcua.up.*.events"

// Queue is the queue group of the hub processes: each status and each sync
// request is handled by one of them.
const Queue = "motcua-hub"

// FrameVersion is the version of Frame this code writes; a reader refuses
// a frame of a later version rather than guess at it.
const FrameVersion = 1

var centerID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// ErrBadCenter is returned for a center id that cannot name a subject.
var ErrBadCenter = errors.New("wire: a center id is 1 to 40 of a-z, 0-9, '-' and '_', starting with a letter or digit")

// CheckCenter tells whether id can be a center's id: it becomes one token
// of a subject, so it holds no '.', '*', '>' or space.
func CheckCenter(id string) error {
	if !centerID.MatchString(id) {
		return fmt.Errorf("%w: %q", ErrBadCenter, id)
	}
	return nil
}

// EventsSubject is where center publishes its event frames.
func EventsSubject(center string) string { return "motcua.up." + center + ".events" }

// StatusSubject is where center publishes its Status.
func StatusSubject(center string) string { return "motcua.up." + center + ".status" }

// SyncSubject is where center asks for its Bundle.
func SyncSubject(center string) string { return "motcua.hub." + center + ".sync" }

// NoticeSubject is where the hub tells center that a Bundle changed.
func NoticeSubject(center string) string { return "motcua.down." + center }

// InboxPrefix is the prefix of center's reply subjects.
func InboxPrefix(center string) string { return "_INBOX_" + center }

// CenterOf returns the center named by a subject of this package
// ("motcua.up.c1.events" → "c1"), or "" for any other subject.
func CenterOf(subject string) string {
	parts := strings.Split(subject, ".")
	if len(parts) < 3 || parts[0] != "motcua" {
		return ""
	}
	switch {
	case parts[1] == "up" && len(parts) == 4, parts[1] == "hub" && len(parts) == 4, parts[1] == "down" && len(parts) == 3:
	default:
		return ""
	}
	if CheckCenter(parts[2]) != nil {
		return ""
	}
	return parts[2]
}

// MsgID is the JetStream message id of a frame: the stream drops a frame
// sent again within its duplicate window; the hub's store is idempotent on
// (center, seq) beyond it.
func MsgID(center string, f Frame) string {
	if len(f.Events) == 0 {
		return center + ":empty"
	}
	return fmt.Sprintf("%s:%d-%d", center, f.Events[0].Seq, f.Events[len(f.Events)-1].Seq)
}

// Frame is one message of events: consecutive committed events of a center,
// in Seq order.
type Frame struct {
	V      int     `json:"v"`
	Events []Event `json:"events"`
}

// Event is queue.Event on the wire.
type Event struct {
	Seq     uint64    `json:"seq"`
	At      time.Time `json:"at"`
	Type    string    `json:"type"`
	Ticket  *Ticket   `json:"ticket,omitempty"`
	Counter string    `json:"counter,omitempty"`
	From    string    `json:"from,omitempty"`
	Recall  bool      `json:"recall,omitempty"`
	Day     string    `json:"day,omitempty"`
}

// Ticket is queue.Ticket on the wire.
type Ticket struct {
	ID        string           `json:"id"`
	Day       string           `json:"day"`
	Origin    string           `json:"origin"`
	Seq       int              `json:"seq"`
	Number    string           `json:"number"`
	Service   string           `json:"service"`
	Priority  bool             `json:"priority,omitempty"`
	State     string           `json:"state"`
	Kiosk     string           `json:"kiosk,omitempty"`
	Counter   string           `json:"counter,omitempty"`
	Calls     int              `json:"calls,omitempty"`
	IssuedAt  time.Time        `json:"issued_at"`
	QueuedAt  time.Time        `json:"queued_at"`
	CalledAt  *time.Time       `json:"called_at,omitempty"`
	StartedAt *time.Time       `json:"started_at,omitempty"`
	DoneAt    *time.Time       `json:"done_at,omitempty"`
	Print     queue.PrintState `json:"print"`
	Rating    int              `json:"rating,omitempty"`
	// Person is who took the number, as the keyed hash of their ID number
	// (never the number): the hub counts one person's numbers across the
	// province's centers. Booking is the online booking it was checked in
	// from (issue 14).
	Person  string `json:"person,omitempty"`
	Booking string `json:"booking,omitempty"`
}

// EncodeFrame turns committed events into a frame's bytes.
func EncodeFrame(events []queue.Event) ([]byte, error) {
	return appendFrame(make([]byte, 0, 400*len(events)), events)
}

// DecodeFrame reads a frame's bytes back into events, refusing a frame that
// is not well formed: a later version, no events, or Seqs not increasing.
func DecodeFrame(b []byte) ([]queue.Event, error) {
	var f Frame
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("wire: frame: %w", err)
	}
	if f.V < 1 || f.V > FrameVersion {
		return nil, fmt.Errorf("wire: frame version %d (this hub reads up to %d: upgrade the hub first)", f.V, FrameVersion)
	}
	if len(f.Events) == 0 {
		return nil, errors.New("wire: frame without events")
	}
	out := make([]queue.Event, len(f.Events))
	for i, e := range f.Events {
		if e.Seq == 0 || (i > 0 && e.Seq <= f.Events[i-1].Seq) {
			return nil, fmt.Errorf("wire: frame: event seq %d out of order", e.Seq)
		}
		out[i] = e.event()
	}
	return out, nil
}

func fromEvent(e queue.Event) Event {
	w := Event{Seq: e.Seq, At: e.At, Type: string(e.Type), Counter: e.Counter, From: e.From, Recall: e.Recall, Day: e.Day}
	if e.Ticket.ID != "" {
		t := e.Ticket
		w.Ticket = &Ticket{ID: t.ID, Day: t.Day, Origin: t.Origin, Seq: t.Seq, Number: t.Number, Service: t.Service,
			Priority: t.Priority, State: string(t.State), Kiosk: t.Kiosk, Counter: t.Counter, Calls: t.Calls,
			IssuedAt: t.IssuedAt, QueuedAt: t.QueuedAt, CalledAt: timePtr(t.CalledAt), StartedAt: timePtr(t.StartedAt),
			DoneAt: timePtr(t.DoneAt), Print: t.Print, Rating: t.Rating, Person: t.Person, Booking: t.Booking}
	}
	return w
}

func (w Event) event() queue.Event {
	e := queue.Event{Seq: w.Seq, At: w.At, Type: queue.EventType(w.Type), Counter: w.Counter, From: w.From, Recall: w.Recall, Day: w.Day}
	if t := w.Ticket; t != nil {
		e.Ticket = queue.Ticket{ID: t.ID, Day: t.Day, Origin: t.Origin, Seq: t.Seq, Number: t.Number, Service: t.Service,
			Priority: t.Priority, State: queue.State(t.State), Kiosk: t.Kiosk, Counter: t.Counter, Calls: t.Calls,
			IssuedAt: t.IssuedAt, QueuedAt: t.QueuedAt, CalledAt: timeOf(t.CalledAt), StartedAt: timeOf(t.StartedAt),
			DoneAt: timeOf(t.DoneAt), Print: t.Print, Rating: t.Rating, Person: t.Person, Booking: t.Booking}
	}
	return e
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
