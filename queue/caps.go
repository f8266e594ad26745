package queue

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Caps limit the numbers one person takes in a day (the iHanoi rule: 2 a
// day, 1 per field). They count the tickets issued today whose Person is
// the same, whatever their state or channel (kiosk, online); a ticket
// without a Person counts for nobody. Zero or negative: no such cap.
type Caps struct {
	PerDay   int
	PerField int
}

// Elsewhere is a number a person holds today at another center of the
// province, as its hub tells (IssueRequest.Elsewhere): it counts against
// the caps like the center's own tickets.
type Elsewhere struct {
	Center string // the other center's name, as citizens read it
	Field  string // its field's code (fields are coded alike in a province)
	Number string // "" for an online booking not checked in there yet
	// From is such a booking's window start.
	From time.Time
}

// CapKind says which cap a person reached.
type CapKind string

// The caps.
const (
	CapDay   CapKind = "day"
	CapField CapKind = "field"
)

// ErrPersonCap: the person already holds as many numbers as the caps allow.
var ErrPersonCap = errors.New("queue: person's cap reached")

// CapError is ErrPersonCap (errors.Is) with what the person already holds,
// so that the answer tells them where to go instead. Its text names
// numbers only, never the person.
type CapError struct {
	Kind  CapKind
	Limit int
	// Held are the person's tickets today that count against the cap, in
	// the order they were issued (for CapField, those of the field only).
	Held []Ticket
	// Elsewhere are those the person holds at the province's other centers
	// (IssueRequest.Elsewhere) that count against the cap, in the hub's
	// order.
	Elsewhere []Elsewhere
}

func (e *CapError) Error() string {
	numbers := make([]string, 0, len(e.Held)+len(e.Elsewhere))
	for _, t := range e.Held {
		numbers = append(numbers, t.Number)
	}
	for _, x := range e.Elsewhere {
		numbers = append(numbers, cmp.Or(x.Number, "online")+" elsewhere")
	}
	return fmt.Sprintf("queue: person holds %d numbers (%s): cap per %s is %d", len(numbers), strings.Join(numbers, ", "), e.Kind, e.Limit)
}

// Is makes a CapError an ErrPersonCap.
func (e *CapError) Is(target error) bool { return target == ErrPersonCap }

// takenBy adds t, a ticket of today, to its person's. Caller holds e.mu.
func (e *Engine) takenBy(t *Ticket) {
	if t.Person != "" {
		e.persons[t.Person] = append(e.persons[t.Person], t)
	}
}

// checkCaps fails when person may take no more numbers in field today,
// counting their tickets here and what they hold elsewhere. Caller holds
// e.mu.
func (e *Engine) checkCaps(person, field string, elsewhere []Elsewhere) error {
	c := e.opts.Caps
	if person == "" || (c.PerDay <= 0 && c.PerField <= 0) {
		return nil
	}
	var day, inField []Ticket
	for _, t := range e.persons[person] {
		day = append(day, *t)
		if t.Origin == field {
			inField = append(inField, *t)
		}
	}
	var fieldElsewhere []Elsewhere
	for _, x := range elsewhere {
		if x.Field == field {
			fieldElsewhere = append(fieldElsewhere, x)
		}
	}
	order := func(a, b Ticket) int { return cmp.Or(a.IssuedAt.Compare(b.IssuedAt), cmp.Compare(a.Number, b.Number)) }
	if c.PerField > 0 && len(inField)+len(fieldElsewhere) >= c.PerField {
		slices.SortFunc(inField, order)
		return &CapError{Kind: CapField, Limit: c.PerField, Held: inField, Elsewhere: fieldElsewhere}
	}
	if c.PerDay > 0 && len(day)+len(elsewhere) >= c.PerDay {
		slices.SortFunc(day, order)
		return &CapError{Kind: CapDay, Limit: c.PerDay, Held: day, Elsewhere: slices.Clone(elsewhere)}
	}
	return nil
}

// Category is a priority category of the center: the elderly, people with
// disabilities, pregnant women, people with small children, người có công.
type Category struct {
	Code string // "elderly": what tickets and requests carry
	Name string // "Người cao tuổi": what screens show
}

// category reports whether code is one of the center's categories.
func (e *Engine) category(code string) bool {
	for _, c := range e.opts.Categories {
		if c.Code == code {
			return true
		}
	}
	return false
}
