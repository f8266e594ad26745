package queue

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// IssueRequest asks for a new ticket.
type IssueRequest struct {
	Service  string
	Priority bool
	Kiosk    string
	// Print is the ticket's print state from the start: PrintQueued when a
	// printer will print it, PrintNone (the default) when none will.
	Print PrintState
	// Person is who takes the number (the keyed hash of their ID number),
	// "" for nobody in particular; Opts.Caps apply to it.
	Person string
	// Category, one of Opts.Categories' codes, makes a priority ticket of
	// that category (Priority is then implied); unknown: ErrUnknownCategory.
	Category string
	// Elsewhere are the numbers Person holds today at the province's other
	// centers, as the hub told (nil when it could not): Opts.Caps count
	// them with the center's own.
	Elsewhere []Elsewhere
}

// Issue gives a new number in the field. It fails with ErrUnknownService,
// ErrServiceClosed, ErrDailyCapReached or a *CapError (ErrPersonCap) and
// changes nothing then.
func (e *Engine) Issue(ctx context.Context, r IssueRequest) (Ticket, error) {
	return e.apply(func(now time.Time, ch *Change) (Ticket, error) {
		f, ok := e.fields[r.Service]
		if !ok {
			return Ticket{}, ErrUnknownService
		}
		// Opening hours follow the clock as it reads (now is the believed
		// time, which stands still while the clock is suspect).
		if !f.openAt(e.clock.Now().In(e.loc)) {
			return Ticket{}, ErrServiceClosed
		}
		n := e.issued[f.Code]
		if n == 0 {
			n = f.Start
		} else {
			n++
		}
		if f.DailyCap > 0 && n-f.Start >= f.DailyCap {
			return Ticket{}, ErrDailyCapReached
		}
		if err := e.checkCaps(r.Person, f.Code, r.Elsewhere); err != nil {
			return Ticket{}, err
		}
		if r.Category != "" && !e.category(r.Category) {
			return Ticket{}, ErrUnknownCategory
		}
		prio := (r.Priority || r.Category != "") && !f.Lane
		category := r.Category
		if !prio {
			category = ""
		}
		t := &Ticket{
			ID: e.opts.NewID(), Day: e.day, Origin: f.Code, Seq: n,
			Number: fmt.Sprintf("%s%0*d", f.Code, f.Digits, n), Service: f.Code,
			Priority: prio, Category: category, State: Waiting, Kiosk: r.Kiosk,
			IssuedAt: now, QueuedAt: now, Print: cmp.Or(r.Print, PrintNone), Person: r.Person,
		}
		e.issued[f.Code] = n
		e.byID[t.ID] = t
		e.byNumber[t.Number] = t
		e.takenBy(t)
		e.queues[f.Code].insert(t)
		e.record(ch, EventIssued, t, "", now)
		return *t, nil
	})
}

// openAt reports whether the field takes tickets at local time t.
func (f *Field) openAt(t time.Time) bool {
	if len(f.Days) > 0 && !slices.Contains(f.Days, t.Weekday()) {
		return false
	}
	if len(f.Hours) == 0 {
		return true
	}
	m := t.Hour()*60 + t.Minute()
	for _, s := range f.Hours {
		if s.Contains(m) {
			return true
		}
	}
	return false
}

// record adds t as it is now to ch, with an event. Caller holds e.mu.
func (e *Engine) record(ch *Change, typ EventType, t *Ticket, counter string, now time.Time) *Event {
	ch.Tickets = append(ch.Tickets, *t)
	e.touch(counter, now)
	e.emit(ch, Event{Type: typ, At: now, Ticket: *t, Counter: counter})
	return &ch.Events[len(ch.Events)-1]
}

func (e *Engine) counter(id string) (*Counter, error) {
	c, ok := e.counters[id]
	if !ok {
		return nil, ErrUnknownCounter
	}
	return c, nil
}

// finish ends the counter's current ticket, if any, as Done. Caller holds e.mu.
func (e *Engine) finish(c *Counter, now time.Time, ch *Change) {
	t := e.current[c.ID]
	if t == nil {
		return
	}
	delete(e.current, c.ID)
	e.last[c.ID] = t
	t.State = Done
	t.DoneAt = now
	e.sample(t)
	e.record(ch, EventCompleted, t, c.ID, now)
}

// callTo gives t to counter c. Caller holds e.mu and has taken t out of its
// queue.
func (e *Engine) callTo(c *Counter, t *Ticket, now time.Time, ch *Change) Ticket {
	t.State = Called
	t.Counter = c.ID
	t.CalledAt = now
	t.Calls++
	e.current[c.ID] = t
	e.remember(t, now, false)
	e.record(ch, EventCalled, t, c.ID, now)
	return *t
}

// remember adds a call to the recent list shown by the lobby. Caller holds e.mu.
func (e *Engine) remember(t *Ticket, at time.Time, recall bool) {
	e.recent = append(e.recent, Call{Ticket: t.Number, ID: t.ID, Service: t.Service,
		Counter: t.Counter, At: at, Recall: recall, Priority: t.Priority, Category: t.Category})
	if n := len(e.recent) - e.opts.RecentCalls; n > 0 {
		e.recent = slices.Delete(e.recent, 0, n)
	}
}

// Next finishes the counter's current ticket, if any, and calls the next one
// by the calling policy. With nobody waiting it returns ErrQueueEmpty, the
// current ticket finished all the same.
func (e *Engine) Next(ctx context.Context, counter string) (Ticket, error) {
	return e.apply(func(now time.Time, ch *Change) (Ticket, error) {
		c, err := e.counter(counter)
		if err != nil {
			return Ticket{}, err
		}
		e.finish(c, now, ch)
		t := e.pick(c, now)
		if t == nil {
			return Ticket{}, ErrQueueEmpty
		}
		e.queues[t.Service].remove(t)
		return e.callTo(c, t, now, ch), nil
	})
}

// Call calls a given waiting ticket (by number, "A012", or id) out of turn,
// finishing the counter's current ticket first.
func (e *Engine) Call(ctx context.Context, counter, ticket string) (Ticket, error) {
	return e.apply(func(now time.Time, ch *Change) (Ticket, error) {
		c, err := e.counter(counter)
		if err != nil {
			return Ticket{}, err
		}
		t := e.find(ticket)
		if t == nil {
			return Ticket{}, ErrNotFound
		}
		if !t.State.Queued() {
			return Ticket{}, &NotWaitingError{Ticket: *t}
		}
		e.finish(c, now, ch)
		e.queues[t.Service].remove(t)
		return e.callTo(c, t, now, ch), nil
	})
}

// find looks a ticket up by today's number (any case: "a012") or by id.
// Caller holds e.mu.
func (e *Engine) find(ref string) *Ticket {
	if t := e.byNumber[strings.ToUpper(ref)]; t != nil {
		return t
	}
	return e.byID[ref]
}

// atCounter runs fn on the counter's current ticket.
func (e *Engine) atCounter(counter string, fn func(c *Counter, t *Ticket, now time.Time, ch *Change) (Ticket, error)) (Ticket, error) {
	return e.apply(func(now time.Time, ch *Change) (Ticket, error) {
		c, err := e.counter(counter)
		if err != nil {
			return Ticket{}, err
		}
		t := e.current[c.ID]
		if t == nil {
			return Ticket{}, ErrNoCurrent
		}
		return fn(c, t, now, ch)
	})
}

// Recall calls the counter's current ticket again.
func (e *Engine) Recall(ctx context.Context, counter string) (Ticket, error) {
	return e.atCounter(counter, func(c *Counter, t *Ticket, now time.Time, ch *Change) (Ticket, error) {
		t.Calls++
		e.remember(t, now, true)
		ev := e.record(ch, EventCalled, t, c.ID, now)
		ev.Recall = true
		return *t, nil
	})
}

// Start marks the counter's current ticket as being served (the citizen came).
func (e *Engine) Start(ctx context.Context, counter string) (Ticket, error) {
	return e.atCounter(counter, func(c *Counter, t *Ticket, now time.Time, ch *Change) (Ticket, error) {
		if t.State != Called {
			return Ticket{}, ErrBadState
		}
		t.State = Serving
		t.StartedAt = now
		e.record(ch, EventStarted, t, c.ID, now)
		return *t, nil
	})
}

// Complete finishes the counter's current ticket.
func (e *Engine) Complete(ctx context.Context, counter string) (Ticket, error) {
	return e.atCounter(counter, func(c *Counter, t *Ticket, now time.Time, ch *Change) (Ticket, error) {
		e.finish(c, now, ch)
		return ch.Tickets[len(ch.Tickets)-1], nil
	})
}

// NoShow marks the counter's current ticket absent.
func (e *Engine) NoShow(ctx context.Context, counter string) (Ticket, error) {
	return e.atCounter(counter, func(c *Counter, t *Ticket, now time.Time, ch *Change) (Ticket, error) {
		delete(e.current, c.ID)
		t.State = NoShow
		t.DoneAt = now
		e.record(ch, EventNoShow, t, c.ID, now)
		return *t, nil
	})
}

// Return puts a ticket marked absent today (by number or id) back in its
// field's queue at the place it had, so that a slip of the clerk, or a
// citizen who comes back, does not cost the turn. It fails with
// ErrNotFound, or ErrNotNoShow for a ticket in any other state.
func (e *Engine) Return(ctx context.Context, counter, ticket string) (Ticket, error) {
	return e.apply(func(now time.Time, ch *Change) (Ticket, error) {
		c, err := e.counter(counter)
		if err != nil {
			return Ticket{}, err
		}
		t := e.find(ticket)
		if t == nil || t.Day != e.day {
			return Ticket{}, ErrNotFound
		}
		if t.State != NoShow {
			return Ticket{}, ErrNotNoShow
		}
		q := e.queues[t.Service]
		if q == nil { // its field left the config since
			return Ticket{}, ErrUnknownService
		}
		t.State = Waiting
		t.DoneAt = time.Time{}
		t.CalledAt, t.StartedAt = time.Time{}, time.Time{}
		q.insert(t)
		e.record(ch, EventReturned, t, c.ID, now)
		return *t, nil
	})
}

// Peek returns the ticket Next would call at the counter now, without
// calling it; ErrQueueEmpty when nobody waits for it.
func (e *Engine) Peek(counter string) (Ticket, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.counter(counter)
	if err != nil {
		return Ticket{}, err
	}
	now := e.opTime()
	if e.localDay(now) > e.day {
		return Ticket{}, ErrQueueEmpty // yesterday's queue: the first operation of the day empties it
	}
	t := e.pick(c, now)
	if t == nil {
		return Ticket{}, ErrQueueEmpty
	}
	return *t, nil
}

// Transfer moves the counter's current ticket to another field's queue. It
// keeps its number and its place by the time it was first issued, so the
// citizen does not queue from the back again; a lane's ticket sent to a
// field that is no lane joins it at the end (it takes no citizen's place).
func (e *Engine) Transfer(ctx context.Context, counter, service string) (Ticket, error) {
	return e.atCounter(counter, func(c *Counter, t *Ticket, now time.Time, ch *Change) (Ticket, error) {
		q, ok := e.queues[service]
		if _, known := e.fields[service]; !ok || !known {
			return Ticket{}, ErrUnknownService
		}
		if service == t.Service {
			return Ticket{}, ErrSameService
		}
		delete(e.current, c.ID)
		from := t.Service
		t.State = Transferred
		t.Service = service
		t.QueuedAt = t.IssuedAt
		if o := e.fields[t.Origin]; o != nil && o.Lane && !e.fields[service].Lane {
			t.QueuedAt = now // a lane's number joins a citizens' queue at its end
		}
		t.CalledAt, t.StartedAt = time.Time{}, time.Time{}
		q.insert(t)
		ev := e.record(ch, EventTransferred, t, c.ID, now)
		ev.From = from
		return *t, nil
	})
}

// Cancel withdraws a waiting ticket (the citizen left, or asked to).
func (e *Engine) Cancel(ctx context.Context, id string) (Ticket, error) {
	return e.apply(func(now time.Time, ch *Change) (Ticket, error) {
		t := e.byID[id]
		if t == nil {
			return Ticket{}, ErrNotFound
		}
		if !t.State.Queued() {
			return Ticket{}, ErrNotWaiting
		}
		e.queues[t.Service].remove(t)
		t.State = Cancelled
		t.DoneAt = now
		e.record(ch, EventCancelled, t, "", now)
		return *t, nil
	})
}

// SetPrint records the state of the ticket's print job.
func (e *Engine) SetPrint(ctx context.Context, id string, p PrintState) (Ticket, error) {
	return e.apply(func(now time.Time, ch *Change) (Ticket, error) {
		t := e.byID[id]
		if t == nil {
			return Ticket{}, ErrNotFound
		}
		if t.Print == p {
			return *t, nil
		}
		t.Print = p
		e.record(ch, EventPrint, t, "", now)
		return *t, nil
	})
}

// Rate stores the citizen's satisfaction with a finished ticket: 3 Rất hài
// lòng, 2 Hài lòng, 1 Không hài lòng. A ticket is rated once.
func (e *Engine) Rate(ctx context.Context, id string, rating int) (Ticket, error) {
	return e.apply(func(now time.Time, ch *Change) (Ticket, error) {
		if rating < 1 || rating > 3 {
			return Ticket{}, ErrBadRating
		}
		t := e.byID[id]
		if t == nil {
			return Ticket{}, ErrNotFound
		}
		if t.State != Done || t.Rating != 0 {
			return Ticket{}, ErrBadState
		}
		t.Rating = rating
		e.record(ch, EventRated, t, t.Counter, now)
		return *t, nil
	})
}
