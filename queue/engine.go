package queue

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"motcua/internal/clock"
)

// Opts configure an Engine. Fields, Counters and Store are required.
type Opts struct {
	Fields   []Field
	Counters []Counter
	Store    Store
	// Location is the center's time zone; days and opening hours are local
	// to it whatever the machine's zone. Default Asia/Ho_Chi_Minh.
	Location *time.Location
	Clock    clock.Clock   // tells the time and wakes Run at midnight; default clock.System
	NewID    func() string // default 16 random hex characters
	Logger   *slog.Logger  // default slog.Default()
	// Wait estimates (TicketInfo.EstimatedWait) take the median time a
	// field's tickets spent at a counter over the last EstimateDays days
	// (near the hour of day when there are EstimateSamples such times),
	// shared by the counters serving the field that are open (they hold a
	// ticket, or acted within CounterIdle). With fewer than EstimateSamples
	// times, or no counter open, there is no estimate.
	EstimateDays    int           // default DefaultEstimateDays
	EstimateSamples int           // default DefaultEstimateSamples
	CounterIdle     time.Duration // default DefaultCounterIdle
	// MaxBatch caps how many operations share one commit; 1 commits each on
	// its own (the baseline of the benchmarks). Default DefaultMaxBatch.
	MaxBatch int
	// RecentCalls is how many calls the snapshot lists. Default 10.
	RecentCalls int
	// MaxClockJump is how far past the last reading the clock may move at
	// once and still be believed (Run reads it at least each minute; the
	// first reading after a start is believed, as a center may be off over
	// a weekend or a holiday). A bigger step forward
	// (a Pi without RTC before NTP) is suspect: the day is kept, nothing is
	// cancelled, until the clock has stayed there for ClockSettle. A stored
	// day that lies more than MaxJump ahead of the clock is corrected back
	// to the clock's day, numbering on. Default DefaultMaxClockJump;
	// negative: every reading is believed.
	MaxClockJump time.Duration
	// Caps limit the numbers of one person (IssueRequest.Person) a day.
	Caps Caps
	// Categories are the center's priority categories (the elderly, people
	// with disabilities…), which an IssueRequest may name.
	Categories []Category
	// ClockSettle is how long a suspect clock must keep going from where it
	// jumped before the engine believes it. Default DefaultClockSettle.
	ClockSettle time.Duration
}

// Defaults of Opts.
const (
	DefaultMaxBatch     = 256
	DefaultMaxClockJump = 36 * time.Hour
	DefaultClockSettle  = 15 * time.Minute
)

// Engine runs one center's queue. Create it with New, start it with Run.
type Engine struct {
	opts     Opts
	loc      *time.Location
	clock    clock.Clock
	log      *slog.Logger
	fields   map[string]*Field
	order    []string // field codes in config order
	counters map[string]*Counter
	corder   []string
	servedBy map[string]int // field → number of counters serving it
	commit   *committer

	mu        sync.Mutex
	day       string
	seq       uint64
	byID      map[string]*Ticket
	byNumber  map[string]*Ticket   // today's numbers
	persons   map[string][]*Ticket // person → today's tickets, in issue order (caps.go)
	queues    map[string]*fieldQueue
	current   map[string]*Ticket // counter → ticket it holds
	last      map[string]*Ticket // counter → ticket it completed last
	issued    map[string]int     // field → last number issued today (0: none)
	recent    []Call
	history   map[string][]served  // field → service times of the last EstimateDays days, oldest first
	per       map[string]perField  // field → its service time found last (estimate.go)
	active    map[string]time.Time // counter → when it last called or finished a ticket
	listeners []func([]Event)
	stale     error           // a failed commit's reload failed: the memory is not the store
	seen      time.Time       // the last reading of the clock believed (see clockjump.go)
	suspect   time.Time       // the first reading of a suspect jump forward; zero: none
	jumpTaken map[string]bool // tickets issued while the clock was suspect
}

// Call is one call of a ticket to a counter, as the lobby lists them.
type Call struct {
	Ticket  string // the number, "A012"
	ID      string
	Service string
	Counter string
	At      time.Time
	Recall  bool
	// Priority is set for a priority ticket: screens say why it is called
	// before older numbers; Category is its priority category, if any.
	Priority bool
	Category string
}

// New checks the configuration, loads the store and returns an engine. The
// day is rolled over at once if the store's day is past.
func New(ctx context.Context, o Opts) (*Engine, error) {
	if o.Store == nil {
		return nil, errors.New("queue: no store")
	}
	if o.Location == nil {
		loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		if err != nil {
			loc = time.FixedZone("ICT", 7*3600) // Vietnam has no DST
		}
		o.Location = loc
	}
	o.Clock = clock.Or(o.Clock)
	if o.NewID == nil {
		o.NewID = randomID
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.EstimateDays <= 0 {
		o.EstimateDays = DefaultEstimateDays
	}
	if o.EstimateSamples <= 0 {
		o.EstimateSamples = DefaultEstimateSamples
	}
	if o.CounterIdle <= 0 {
		o.CounterIdle = DefaultCounterIdle
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.RecentCalls <= 0 {
		o.RecentCalls = 10
	}
	if o.MaxClockJump == 0 {
		o.MaxClockJump = DefaultMaxClockJump
	}
	if o.ClockSettle <= 0 {
		o.ClockSettle = DefaultClockSettle
	}
	e := &Engine{
		opts: o, loc: o.Location, clock: o.Clock, log: o.Logger,
		fields: map[string]*Field{}, counters: map[string]*Counter{}, servedBy: map[string]int{},
	}
	if err := e.configure(o.Fields, o.Counters); err != nil {
		return nil, err
	}
	e.commit = newCommitter(e, o.Store, o.MaxBatch)
	e.jumpTaken = map[string]bool{}
	if err := e.load(ctx); err != nil {
		return nil, err
	}
	if err := e.loadHistory(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Engine) configure(fields []Field, counters []Counter) error {
	if len(fields) == 0 {
		return errors.New("queue: no fields")
	}
	for i := range fields {
		f := fields[i]
		if f.Code == "" {
			return fmt.Errorf("queue: field %d has no code", i+1)
		}
		if _, dup := e.fields[f.Code]; dup {
			return fmt.Errorf("queue: field %s listed twice", f.Code)
		}
		if f.Start <= 0 {
			f.Start = 1
		}
		if f.Digits <= 0 {
			f.Digits = 3
		}
		e.fields[f.Code] = &f
		e.order = append(e.order, f.Code)
	}
	for i := range counters {
		c := counters[i]
		if c.ID == "" {
			return fmt.Errorf("queue: counter %d has no id", i+1)
		}
		if _, dup := e.counters[c.ID]; dup {
			return fmt.Errorf("queue: counter %s listed twice", c.ID)
		}
		if c.Name == "" {
			c.Name = "Quầy " + c.ID
		}
		if c.Policy == "" {
			c.Policy = PolicyOrder
		}
		if c.Policy != PolicyOrder && c.Policy != PolicyLongestWait {
			return fmt.Errorf("queue: counter %s: unknown policy %q", c.ID, c.Policy)
		}
		for _, s := range c.Services {
			if _, ok := e.fields[s]; !ok {
				return fmt.Errorf("queue: counter %s serves unknown field %s", c.ID, s)
			}
			e.servedBy[s]++
		}
		e.counters[c.ID] = &c
		e.corder = append(e.corder, c.ID)
	}
	return nil
}

func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// load rebuilds the memory state from the store. The caller holds e.mu or is
// the only user.
func (e *Engine) load(ctx context.Context) error {
	saved, err := e.opts.Store.Load(ctx)
	if err != nil {
		return fmt.Errorf("queue: load: %w", err)
	}
	e.day = saved.Day
	e.seq = saved.Seq
	e.byID = map[string]*Ticket{}
	e.byNumber = map[string]*Ticket{}
	e.persons = map[string][]*Ticket{}
	e.queues = map[string]*fieldQueue{}
	e.current = map[string]*Ticket{}
	e.last = map[string]*Ticket{}
	e.issued = map[string]int{}
	e.recent = nil
	e.active = map[string]time.Time{}
	for _, f := range e.order {
		e.queues[f] = &fieldQueue{}
	}
	sorted := slices.Clone(saved.Tickets)
	slices.SortFunc(sorted, func(a, b Ticket) int { return cmp.Compare(a.CalledAt.UnixNano(), b.CalledAt.UnixNano()) })
	for i := range sorted {
		t := sorted[i]
		e.byID[t.ID] = &t
		if t.Day == e.day {
			e.byNumber[t.Number] = &t
			e.takenBy(&t)
			if t.Seq > e.issued[t.Origin] {
				e.issued[t.Origin] = t.Seq
			}
		}
		switch {
		case t.State.Queued():
			q := e.queues[t.Service]
			if q == nil { // a field removed from the config since
				q = &fieldQueue{}
				e.queues[t.Service] = q
			}
			q.insert(&t)
		case t.State.AtCounter():
			if _, ok := e.counters[t.Counter]; ok {
				e.current[t.Counter] = &t
			}
		case t.State == Done:
			if l := e.last[t.Counter]; l == nil || t.DoneAt.After(l.DoneAt) {
				e.last[t.Counter] = &t
			}
		}
		if !t.CalledAt.IsZero() && t.Day == e.day {
			e.remember(&t, t.CalledAt, false)
			e.touch(t.Counter, t.CalledAt)
			e.touch(t.Counter, t.DoneAt)
		}
	}
	return nil
}

// OnEvents registers fn to receive every committed event, in order, batch by
// batch, from the committer goroutine. fn must not block: a screen hub
// copies the events to its own queue.
func (e *Engine) OnEvents(fn func([]Event)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.listeners = append(e.listeners, fn)
}

func (e *Engine) publish(events []Event) {
	e.mu.Lock()
	ls := slices.Clone(e.listeners)
	e.mu.Unlock()
	for _, fn := range ls {
		fn(events)
	}
}

// Run commits changes and rolls the day over at local midnight until ctx
// ends; then it commits what is pending and returns.
func (e *Engine) Run(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.commit.run()
	}()
	defer func() {
		e.commit.close()
		<-done
	}()
	if err := e.Tick(ctx); err != nil {
		e.log.Error("queue: day rollover", "err", err)
	}
	for {
		wait := e.untilMidnight()
		select {
		case <-ctx.Done():
			return nil
		case <-e.clock.After(wait):
			if err := e.Tick(context.WithoutCancel(ctx)); err != nil {
				e.log.Error("queue: day rollover", "err", err)
			}
		}
	}
}

func (e *Engine) untilMidnight() time.Duration {
	now := e.clock.Now().In(e.loc)
	y, m, d := now.Date()
	next := time.Date(y, m, d+1, 0, 0, 0, 0, e.loc)
	// Check at least each minute: the clock may be a fake or corrected by NTP.
	return min(next.Sub(now)+time.Millisecond, time.Minute)
}

// Tick rolls the day over if local midnight has passed. Operations call it
// themselves; Run calls it at midnight so screens reset without waiting for
// the first ticket of the day.
func (e *Engine) Tick(ctx context.Context) error {
	e.mu.Lock()
	if err := e.fresh(ctx); err != nil {
		e.mu.Unlock()
		return err
	}
	var ch Change
	e.rollover(&ch)
	if len(ch.Events) == 0 && ch.Day == "" {
		e.mu.Unlock()
		return nil
	}
	wait := e.commit.enqueue(ch)
	e.mu.Unlock()
	return wait()
}

// Day is the current local day, "2006-01-02".
func (e *Engine) Day() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.day
}

// Location is the center's time zone.
func (e *Engine) Location() *time.Location { return e.loc }

// localDay is the day of t in the center's zone.
func (e *Engine) localDay(t time.Time) string { return t.In(e.loc).Format(time.DateOnly) }

// rollover starts a new day if the clock says so. The day never goes back:
// a clock set back, or a restart, cannot reset the numbers a second time;
// only a stored day far ahead of the clock is corrected (believable). A
// clock that jumped far forward is not followed until it settles. Tickets
// still queued from the day before are cancelled, except those issued while
// the clock was suspect; tickets at a counter stay until the clerk finishes
// them. Caller holds e.mu.
func (e *Engine) rollover(ch *Change) {
	now := e.clock.Now()
	keep, ok := e.believable(now, ch)
	if !ok {
		return
	}
	today := e.localDay(now)
	if today <= e.day {
		return
	}
	for _, f := range e.order {
		q := e.queues[f]
		all := q.all()
		q.reset()
		for _, t := range all {
			if keep[t.ID] {
				q.insert(t) // issued while the clock was suspect: a person waiting now
				continue
			}
			t.State = Cancelled
			t.DoneAt = now
			ch.Tickets = append(ch.Tickets, *t)
			delete(e.byID, t.ID)
		}
	}
	for id, t := range e.byID {
		if !t.State.AtCounter() && !t.State.Queued() {
			delete(e.byID, id)
		}
	}
	e.byNumber = map[string]*Ticket{}
	e.persons = map[string][]*Ticket{}
	e.issued = map[string]int{}
	e.recent = nil
	e.day = today
	ch.Day = today
	e.emit(ch, Event{Type: EventDayReset, At: now, Day: today})
}

// emit numbers ev and adds it to ch. Caller holds e.mu.
func (e *Engine) emit(ch *Change, ev Event) {
	e.seq++
	ev.Seq = e.seq
	ch.Events = append(ch.Events, ev)
}

// apply runs op under the lock with rollover first, queues its change for the
// committer and waits for the commit. The result is whatever op returned,
// valid only when the commit succeeds.
func (e *Engine) apply(op func(now time.Time, ch *Change) (Ticket, error)) (Ticket, error) {
	e.mu.Lock()
	if err := e.fresh(context.Background()); err != nil {
		e.mu.Unlock()
		return Ticket{}, err
	}
	var ch Change
	e.rollover(&ch)
	t, err := op(e.opTime(), &ch)
	if !e.suspect.IsZero() {
		for _, ev := range ch.Events {
			if ev.Type == EventIssued {
				e.jumpTaken[ev.Ticket.ID] = true
			}
		}
	}
	if err != nil && len(ch.Events) == 0 && ch.Day == "" {
		e.mu.Unlock()
		return Ticket{}, err
	}
	wait := e.commit.enqueue(ch)
	e.mu.Unlock()
	if cerr := wait(); cerr != nil {
		return Ticket{}, cerr
	}
	return t, err
}
