package queue

import (
	"fmt"
	"time"
)

// Span is an opening period within a local day, in minutes after midnight:
// From inclusive, To exclusive (1440 is the end of the day).
type Span struct {
	From, To int
}

// Contains reports whether minute m of the day falls in the span.
func (s Span) Contains(m int) bool { return m >= s.From && m < s.To }

func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.From/60, s.From%60, s.To/60, s.To%60)
}

// Field is a field of procedures (lĩnh vực) with its own numbering.
type Field struct {
	Code     string         // "A": the key used by the API and the prefix of numbers
	Name     string         // "Hộ tịch"
	Start    int            // first number of the day (default 1)
	Digits   int            // minimum digits of the number (default 3: A001)
	DailyCap int            // tickets per day; 0 means no cap
	Hours    []Span         // opening periods; none means open around the clock
	Days     []time.Weekday // open days; none means every day
	// Lane marks a lane: a category of applicant with its own numbering,
	// quota (DailyCap) and counters, such as agents and businesses with
	// bulk dossiers. A counter calls a lane's tickets only when none of
	// the other fields it serves has anyone waiting, whatever its policy,
	// so they never take a citizen's place; lane tickets are never
	// priority ones.
	Lane bool
}

// Policy is how a counter chooses among the fields it serves once no
// priority ticket waits.
type Policy string

const (
	// PolicyOrder serves the first field of the counter's list that has
	// someone waiting, then the next: the counter's own field first.
	PolicyOrder Policy = "order"
	// PolicyLongestWait serves the ticket that has waited longest, its wait
	// multiplied by the weight of its field (default 1).
	PolicyLongestWait Policy = "longest_wait"
)

// Counter is a service counter (quầy) and the fields it serves.
type Counter struct {
	ID       string             // "3"
	Name     string             // "Quầy 3"
	Services []string           // field codes, in order of preference
	Policy   Policy             // default PolicyOrder
	Weights  map[string]float64 // for PolicyLongestWait; missing means 1
}

// State is where a ticket is in its life.
type State string

// Ticket states. Waiting and Transferred tickets are in a queue; Called and
// Serving ones are at a counter; the others are final.
const (
	Waiting     State = "waiting"
	Called      State = "called"
	Serving     State = "serving"
	Done        State = "done"
	NoShow      State = "no_show"
	Transferred State = "transferred"
	Cancelled   State = "cancelled"
)

// Queued reports whether the ticket waits in a field's queue.
func (s State) Queued() bool { return s == Waiting || s == Transferred }

// AtCounter reports whether a counter holds the ticket.
func (s State) AtCounter() bool { return s == Called || s == Serving }

// Final reports whether nothing more happens to the ticket.
func (s State) Final() bool { return s == Done || s == NoShow || s == Cancelled }

// PrintState follows the ticket's print job.
type PrintState string

// Print states of a ticket.
const (
	PrintNone    PrintState = "none"
	PrintQueued  PrintState = "queued"
	PrintPrinted PrintState = "printed"
	// PrintSent: every byte went to a printer that could not confirm it
	// printed them (a one-way link, no answer in time).
	PrintSent   PrintState = "sent"
	PrintFailed PrintState = "failed"
)

// Ticket is one queue number. Times are zero until they happen.
type Ticket struct {
	ID       string // random, unguessable: whoever holds it may follow the ticket
	Day      string // local day of issue, "2006-01-02"
	Origin   string // field that issued the number (its prefix)
	Seq      int    // the number within Origin and Day
	Number   string // "A001"
	Service  string // field whose queue it is in (differs from Origin after a transfer)
	Priority bool
	State    State
	Kiosk    string
	Counter  string // the counter that called it last
	Calls    int    // how many times it was called (recalls included)

	IssuedAt  time.Time
	QueuedAt  time.Time // the order within its queue
	CalledAt  time.Time
	StartedAt time.Time
	DoneAt    time.Time

	Print  PrintState
	Rating int // 0 none, 1 Không hài lòng, 2 Hài lòng, 3 Rất hài lòng

	// Category is the priority category of a priority ticket taken as one
	// (Opts.Categories: "elderly"), "" otherwise.
	Category string

	// Person is the keyed hash of the ID number of who took the number
	// (internal/identity), "" when nobody said: it counts the person's
	// numbers against Opts.Caps and is never shown.
	Person string

	// Booking is the id of the online booking checked in as this ticket
	// (CheckIn), "" for a number taken at the center: a booking is checked
	// in once, and reports count these tickets as online.
	Booking string
}

// EventType names what happened.
type EventType string

// Event types.
const (
	EventIssued    EventType = "issued"
	EventCalled    EventType = "called"
	EventStarted   EventType = "started"
	EventCompleted EventType = "completed"
	EventNoShow    EventType = "no_show"
	// EventReturned: a no-show ticket put back in its queue by a clerk, at
	// the place it had (its QueuedAt is kept).
	EventReturned    EventType = "returned"
	EventTransferred EventType = "transferred"
	EventCancelled   EventType = "cancelled"
	EventPrint       EventType = "print"
	EventRated       EventType = "rated"
	EventDayReset    EventType = "day_reset"
)

// Event is one change, numbered by Seq, strictly increasing over the life of
// the center's store (a restart continues the sequence).
type Event struct {
	Seq     uint64
	At      time.Time
	Type    EventType
	Ticket  Ticket // the ticket after the change; zero for EventDayReset
	Counter string // the counter that acted, if any
	From    string // EventTransferred: the field it left
	Recall  bool   // EventCalled: a call of the same ticket again
	Day     string // EventDayReset: the new day
}

// Change is what one operation persists: tickets written whole and the events
// it emitted. Day, when set, is the new current day.
type Change struct {
	Tickets []Ticket
	Events  []Event
	Day     string
}
