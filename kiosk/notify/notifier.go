package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"motcua/internal/clock"
	"motcua/kiosk/dossier"
	"motcua/queue"
)

// Source is the queue a Notifier follows: the engine.
type Source interface {
	// Snapshot returns the queue as it is now.
	Snapshot() queue.Snapshot
	// Ticket returns a ticket of any day with its place in the queue.
	Ticket(ctx context.Context, id string) (queue.TicketInfo, error)
}

// Outbox keeps what a Notifier decides. Each method is one transaction.
type Outbox interface {
	// AddContact stores c (replacing a contact of the same key), then msgs,
	// then applies drops. A message whose Key is stored already is kept
	// as it was.
	AddContact(ctx context.Context, c Contact, msgs []Message, drops []Drop) error
	// Decide stores msgs, then applies drops.
	Decide(ctx context.Context, msgs []Message, drops []Drop) error
	// Watched returns the ticket contacts that have not expired, each with
	// the kinds decided for it.
	Watched(ctx context.Context) ([]Watched, error)
	// HasContact reports whether a contact of this key is kept.
	HasContact(ctx context.Context, key string) (bool, error)
	// Contact returns the contact of this key with its phone and address;
	// ok false when none is kept (or it expired).
	Contact(ctx context.Context, key string) (c Contact, ok bool, err error)
	// ForgetContact deletes the contact of this key, its number with it.
	ForgetContact(ctx context.Context, key string) error
}

// Drop marks the pending messages of a contact of the given kinds (all its
// kinds when Kinds is empty) as dropped, with why.
type Drop struct {
	Contact string
	Kinds   []Kind
	Reason  string
}

// Watched is a ticket contact with the kinds decided for it. Its Phone and
// Email are empty: the Notifier never needs them.
type Watched struct {
	Contact Contact
	Decided []Kind
}

// Opts configure a Notifier.
type Opts struct {
	Source Source
	Outbox Outbox
	// Kinds are the kinds sent for the tickets of every field and for the
	// dossiers; none when empty.
	Kinds []Kind
	// FieldKinds, per field code, replace Kinds for that field's tickets
	// (an empty list turns a field's notifications off).
	FieldKinds map[string][]Kind
	// AheadAt is the N of "N people ahead of you" (default DefaultAheadAt).
	AheadAt int
	// PageURL is the center's public address; the phone page of a ticket
	// is PageURL + "/t/" + its id. Empty: no link.
	PageURL string
	// TicketRetention is how long a ticket's contact is kept after it was
	// given (default DefaultTicketRetention).
	TicketRetention time.Duration
	// DossierRetention is how long a dossier's contact is kept (default
	// DefaultDossierRetention).
	DossierRetention time.Duration
	// CalledFor is how long after the call "go to counter 3" may still be
	// sent (default DefaultCalledFor); RatingFor likewise after service.
	CalledFor time.Duration
	RatingFor time.Duration
	Clock     clock.Clock  // default clock.System
	Logger    *slog.Logger // default slog.Default()
}

// Defaults of Opts.
const (
	DefaultAheadAt          = 3
	DefaultTicketRetention  = 24 * time.Hour
	DefaultDossierRetention = 90 * 24 * time.Hour
	DefaultCalledFor        = 10 * time.Minute
	DefaultRatingFor        = 30 * time.Minute
)

// Notifier decides the messages of the tickets and dossiers it watches.
type Notifier struct {
	o     Opts
	clock clock.Clock
	log   *slog.Logger
	kinds map[Kind]bool
	field map[string]map[Kind]bool

	inMu    sync.Mutex
	in      []queue.Event
	wake    chan struct{}
	started bool

	mu    sync.Mutex
	board *queue.Board
	watch map[string]*watch // by ticket id
	// owed holds what a failed write could not store; it is written again
	// before anything newer.
	owed batch

	progMu   sync.Mutex
	ready    bool          // Run has reconciled
	stored   uint64        // the seq of the last event whose decisions are stored
	progress chan struct{} // closed and replaced when stored moves
}

type watchState int

const (
	stWaiting watchState = iota
	stCalled
	stAbsent
)

type watch struct {
	number  string
	field   string
	state   watchState
	decided map[Kind]bool
}

type batch struct {
	msgs  []Message
	drops []Drop
}

func (b *batch) empty() bool { return len(b.msgs) == 0 && len(b.drops) == 0 }

// New returns a Notifier; Run makes it follow the queue.
func New(o Opts) (*Notifier, error) {
	if o.Source == nil || o.Outbox == nil {
		return nil, errors.New("notify: Source and Outbox are required")
	}
	if o.AheadAt <= 0 {
		o.AheadAt = DefaultAheadAt
	}
	if o.TicketRetention <= 0 {
		o.TicketRetention = DefaultTicketRetention
	}
	if o.DossierRetention <= 0 {
		o.DossierRetention = DefaultDossierRetention
	}
	if o.CalledFor <= 0 {
		o.CalledFor = DefaultCalledFor
	}
	if o.RatingFor <= 0 {
		o.RatingFor = DefaultRatingFor
	}
	o.PageURL = strings.TrimRight(o.PageURL, "/")
	n := &Notifier{o: o, clock: clock.Or(o.Clock), log: o.Logger, wake: make(chan struct{}, 1),
		kinds: map[Kind]bool{}, field: map[string]map[Kind]bool{}, watch: map[string]*watch{},
		progress: make(chan struct{})}
	if n.log == nil {
		n.log = slog.Default()
	}
	for _, k := range o.Kinds {
		if !k.Valid() {
			return nil, fmt.Errorf("notify: unknown kind %q", k)
		}
		n.kinds[k] = true
	}
	for f, ks := range o.FieldKinds {
		set := map[Kind]bool{}
		for _, k := range ks {
			if !k.Valid() {
				return nil, fmt.Errorf("notify: field %s: unknown kind %q", f, k)
			}
			set[k] = true
		}
		n.field[f] = set
	}
	return n, nil
}

// on reports whether kind k is sent for the tickets of field f.
func (n *Notifier) on(f string, k Kind) bool {
	if set, ok := n.field[f]; ok {
		return set[k]
	}
	return n.kinds[k]
}

// Publish takes the engine's events (register it with Engine.OnEvents
// before Run); it never blocks.
func (n *Notifier) Publish(evs []queue.Event) {
	n.inMu.Lock()
	n.in = append(n.in, evs...)
	n.inMu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// Run builds the board, reconciles the watched tickets with the queue as it
// is (deciding what a crash left undecided; again every 5 s while the
// outbox refuses), then follows the events until ctx ends.
func (n *Notifier) Run(ctx context.Context) error {
	n.inMu.Lock()
	if n.started {
		n.inMu.Unlock()
		return errors.New("notify: Run called twice")
	}
	n.started = true
	n.inMu.Unlock()
	for {
		n.mu.Lock()
		n.board = queue.NewBoard(n.o.Source.Snapshot())
		err := n.reconcile(ctx)
		seq := n.board.Seq()
		n.mu.Unlock()
		if err == nil {
			n.advance(seq)
			break
		}
		// The database refuses (full, failing): nothing is decided until
		// it answers; the events wait in memory meanwhile.
		n.log.Error("notify: reconciling with the queue; retrying", "err", err)
		if clock.Sleep(ctx, n.clock, 5*time.Second) != nil {
			return nil
		}
	}
	var retry <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-n.wake:
		case <-retry:
		}
		retry = nil
		if !n.drain(ctx) {
			retry = n.clock.After(time.Second)
		}
	}
}

// drain applies the events received so far; false when the outbox did not
// take what they decided (it is kept and written again).
func (n *Notifier) drain(ctx context.Context) bool {
	n.inMu.Lock()
	evs := n.in
	n.in = nil
	n.inMu.Unlock()
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, ev := range evs {
		if ev.Seq <= n.board.Seq() {
			continue
		}
		if ev.Seq != n.board.Seq()+1 {
			n.log.Warn("notify: events missed; reconciling with the queue", "have", n.board.Seq(), "got", ev.Seq)
			n.board.Reset(n.o.Source.Snapshot())
			if err := n.reconcile(ctx); err != nil {
				n.log.Error("notify: reconcile", "err", err)
			}
			if ev.Seq <= n.board.Seq() {
				continue
			}
		}
		n.apply(ev)
	}
	if !n.flush(ctx) {
		return false
	}
	n.advance(n.board.Seq())
	return true
}

func (n *Notifier) advance(seq uint64) {
	n.progMu.Lock()
	defer n.progMu.Unlock()
	if !n.ready || seq > n.stored {
		n.ready, n.stored = true, seq
		close(n.progress)
		n.progress = make(chan struct{})
	}
}

// Sync waits until the decisions of every event up to seq are stored, or
// ctx ends: for tests and for a caller that must read the outbox after an
// operation.
func (n *Notifier) Sync(ctx context.Context, seq uint64) error {
	for {
		n.progMu.Lock()
		done, ch := n.ready && n.stored >= seq, n.progress
		n.progMu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// flush writes what was decided. Caller holds n.mu.
func (n *Notifier) flush(ctx context.Context) bool {
	if n.owed.empty() {
		return true
	}
	if err := n.o.Outbox.Decide(ctx, n.owed.msgs, n.owed.drops); err != nil {
		n.log.Error("notify: storing decided messages; retrying", "messages", len(n.owed.msgs), "err", err)
		return false
	}
	n.owed = batch{}
	return true
}

func (n *Notifier) decide(w *watch, id string, k Kind, params map[string]string, expires time.Time) {
	if w.decided[k] || !n.on(w.field, k) {
		return
	}
	w.decided[k] = true
	n.owed.msgs = append(n.owed.msgs, Message{Key: ticketKey(id, k), Kind: k, Contact: TicketContact(id),
		Params: params, At: n.clock.Now(), Expires: expires})
}

func (n *Notifier) drop(id, reason string, kinds ...Kind) {
	n.owed.drops = append(n.owed.drops, Drop{Contact: TicketContact(id), Kinds: kinds, Reason: reason})
}

// apply follows one event. Caller holds n.mu.
func (n *Notifier) apply(ev queue.Event) {
	ch := n.board.Apply(ev)
	t := &ev.Ticket
	if w := n.watch[t.ID]; w != nil && ev.Type != queue.EventDayReset {
		switch ev.Type {
		case queue.EventCalled:
			w.state = stCalled
			n.drop(t.ID, "called", KindTaken, KindAhead)
			n.decide(w, t.ID, KindCalled, n.ticketParams(t, ev.Counter), ev.At.Add(n.o.CalledFor))
		case queue.EventNoShow:
			w.state = stAbsent
			n.drop(t.ID, "absent", KindCalled)
			n.decide(w, t.ID, KindNoShow, n.ticketParams(t, ev.Counter), time.Time{})
		case queue.EventReturned:
			w.state = stWaiting
		case queue.EventTransferred:
			w.state, w.field = stWaiting, t.Service
			n.drop(t.ID, "transferred", KindCalled)
		case queue.EventCompleted:
			n.drop(t.ID, "served", KindCalled)
			n.decide(w, t.ID, KindRating, n.ticketParams(t, ev.Counter), ev.At.Add(n.o.RatingFor))
			delete(n.watch, t.ID)
		case queue.EventCancelled:
			n.drop(t.ID, "cancelled")
			delete(n.watch, t.ID)
		}
	}
	if len(n.watch) == 0 || len(ch.Edits) == 0 {
		return
	}
	for id, ahead := range n.board.Moved(ch) {
		w := n.watch[id]
		if w == nil {
			continue
		}
		if ahead < 0 {
			if ev.Type == queue.EventDayReset {
				n.drop(id, "new day")
				delete(n.watch, id)
			}
			continue
		}
		if w.state == stWaiting && ahead <= n.o.AheadAt {
			n.decide(w, id, KindAhead, n.aheadParams(id, w, ahead), time.Time{})
		}
	}
}

func (n *Notifier) link(id string) string {
	if n.o.PageURL == "" {
		return ""
	}
	return n.o.PageURL + "/t/" + id
}

func (n *Notifier) fieldName(code string) string {
	if f, ok := n.board.Field(code); ok && f.Name != "" {
		return f.Name
	}
	return code
}

func (n *Notifier) counterName(id string) string {
	if c, ok := n.board.Counter(id); ok && c.Name != "" {
		return c.Name
	}
	return "quầy " + id
}

func (n *Notifier) ticketParams(t *queue.Ticket, counter string) map[string]string {
	p := map[string]string{"number": t.Number, "field": n.fieldName(t.Service), "link": n.link(t.ID)}
	if counter != "" {
		p["counter"] = n.counterName(counter)
	}
	return p
}

func (n *Notifier) aheadParams(id string, w *watch, ahead int) map[string]string {
	return map[string]string{"number": w.number, "field": n.fieldName(w.field), "ahead": strconv.Itoa(ahead), "link": n.link(id)}
}

// reconcile rebuilds the watches from the outbox and decides, for each,
// what the ticket's state calls for and was not decided yet. Caller holds
// n.mu.
func (n *Notifier) reconcile(ctx context.Context) error {
	ws, err := n.o.Outbox.Watched(ctx)
	if err != nil {
		return fmt.Errorf("notify: watched tickets: %w", err)
	}
	n.watch = map[string]*watch{}
	now := n.clock.Now()
	for _, wd := range ws {
		id := wd.Contact.Ticket
		info, err := n.o.Source.Ticket(ctx, id)
		if errors.Is(err, queue.ErrNotFound) {
			n.drop(id, "ticket gone")
			continue
		}
		if err != nil {
			return fmt.Errorf("notify: ticket of contact %s: %w", wd.Contact.Key, err)
		}
		w := &watch{number: info.Number, field: info.Service, decided: map[Kind]bool{}}
		for _, k := range wd.Decided {
			w.decided[k] = true
		}
		t := &info.Ticket
		switch info.State {
		case queue.Waiting, queue.Transferred:
			n.watch[id] = w
			if info.Ahead >= 0 && info.Ahead <= n.o.AheadAt {
				n.decide(w, id, KindAhead, n.aheadParams(id, w, info.Ahead), time.Time{})
			}
		case queue.Called, queue.Serving:
			w.state = stCalled
			n.watch[id] = w
			n.drop(id, "called", KindTaken, KindAhead)
			if info.State == queue.Called && now.Before(t.CalledAt.Add(n.o.CalledFor)) {
				n.decide(w, id, KindCalled, n.ticketParams(t, t.Counter), t.CalledAt.Add(n.o.CalledFor))
			}
		case queue.NoShow:
			w.state = stAbsent
			n.watch[id] = w
			n.drop(id, "absent", KindCalled)
			n.decide(w, id, KindNoShow, n.ticketParams(t, t.Counter), time.Time{})
		case queue.Done:
			n.drop(id, "served", KindTaken, KindAhead, KindCalled)
			if now.Before(t.DoneAt.Add(n.o.RatingFor)) {
				n.decide(w, id, KindRating, n.ticketParams(t, t.Counter), t.DoneAt.Add(n.o.RatingFor))
			}
		default:
			n.drop(id, string(info.State))
		}
	}
	if !n.flush(ctx) {
		return errors.New("notify: the outbox refused the reconciled messages")
	}
	return nil
}

// Watch registers the citizen's phone number and/or e-mail address for a
// waiting ticket and decides the "number taken" message. When the ticket
// already has no more than AheadAt people ahead, that message says so and
// no separate "N ahead" follows. Giving a contact again replaces it; what
// was decided stays decided.
func (n *Notifier) Watch(ctx context.Context, ticketID, phone, email string) error {
	c, err := contact(phone, email)
	if err != nil {
		return err
	}
	info, err := n.o.Source.Ticket(ctx, ticketID)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	if !info.State.Queued() || info.Ahead < 0 {
		return ErrNotWaiting
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.board == nil {
		return errors.New("notify: not running")
	}
	w := n.watch[ticketID]
	if w == nil {
		w = &watch{number: info.Number, field: info.Service, decided: map[Kind]bool{}}
	}
	if !n.anyOn(w.field) {
		return ErrDisabled
	}
	c.Key, c.Ticket, c.Field = TicketContact(ticketID), ticketID, info.Service
	c.Expires = n.clock.Now().Add(n.o.TicketRetention)
	// What this decides must not mix with the owed batch of the events.
	saved := n.owed
	n.owed = batch{}
	decided := cloneSet(w.decided)
	p := n.aheadParams(ticketID, w, info.Ahead)
	n.decide(w, ticketID, KindTaken, p, time.Time{})
	if info.Ahead <= n.o.AheadAt {
		if w.decided[KindTaken] && !decided[KindTaken] {
			n.decide(w, ticketID, KindAhead, p, time.Time{})
			n.drop(ticketID, "said by the taken message", KindAhead)
		} else {
			n.decide(w, ticketID, KindAhead, p, time.Time{})
		}
	}
	mine := n.owed
	n.owed = saved
	if err := n.o.Outbox.AddContact(ctx, c, mine.msgs, mine.drops); err != nil {
		w.decided = decided
		return fmt.Errorf("notify: storing the contact of %s: %w", info.Number, err)
	}
	n.watch[ticketID] = w
	return nil
}

func (n *Notifier) anyOn(field string) bool {
	for _, k := range kinds {
		if k.Live() || k == KindRating {
			if n.on(field, k) {
				return true
			}
		}
	}
	return false
}

func cloneSet(m map[Kind]bool) map[Kind]bool {
	out := make(map[Kind]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func contact(phone, email string) (Contact, error) {
	var c Contact
	var err error
	if strings.TrimSpace(phone) != "" {
		if c.Phone, err = NormalizePhone(phone); err != nil {
			return c, err
		}
	}
	if strings.TrimSpace(email) != "" {
		if c.Email, err = NormalizeEmail(email); err != nil {
			return c, err
		}
	}
	if c.Phone == "" && c.Email == "" {
		return c, ErrNoContact
	}
	return c, nil
}

// WatchDossier registers a phone number and/or address for a dossier's
// status changes (from the receipt or the booking), kept for
// DossierRetention.
func (n *Notifier) WatchDossier(ctx context.Context, code, phone, email string) error {
	c, err := n.dossierContact(phone, email)
	if err != nil {
		return err
	}
	code = dossier.NormalizeCode(code)
	if code == "" {
		return errors.New("notify: empty dossier code")
	}
	c.Key, c.Dossier, c.Expires = DossierContact(code), code, n.clock.Now().Add(n.o.DossierRetention)
	if err := n.o.Outbox.AddContact(ctx, c, nil, nil); err != nil {
		return fmt.Errorf("notify: storing the contact of dossier %s: %w", code, err)
	}
	return nil
}

// CheckDossierContact reports what WatchDossier would refuse in phone and
// email (ErrDisabled, ErrBadPhone, ErrBadEmail, ErrNoContact), storing
// nothing: a receipt is checked before it prints.
func (n *Notifier) CheckDossierContact(phone, email string) error {
	_, err := n.dossierContact(phone, email)
	return err
}

// TellsDossiers reports whether the center tells dossiers' statuses (kind
// dossier_status or result_ready is on): whether a dossier's contact is
// worth asking for.
func (n *Notifier) TellsDossiers() bool {
	return n.kinds[KindDossierStatus] || n.kinds[KindResultReady]
}

func (n *Notifier) dossierContact(phone, email string) (Contact, error) {
	if !n.TellsDossiers() {
		return Contact{}, ErrDisabled
	}
	return contact(phone, email)
}

// DossierChanged decides the message of a dossier's new status, when
// someone watches the dossier: "result ready" for StatusDone, the status in
// words otherwise. Each status of a dossier is told once.
func (n *Notifier) DossierChanged(ctx context.Context, code string, status dossier.Status) error {
	if !status.Valid() {
		return fmt.Errorf("notify: dossier %s: invalid status %d", code, status)
	}
	code = dossier.NormalizeCode(code)
	k := KindDossierStatus
	if status == dossier.StatusDone {
		k = KindResultReady
	}
	if !n.kinds[k] {
		return nil
	}
	key := DossierContact(code)
	ok, err := n.o.Outbox.HasContact(ctx, key)
	if err != nil || !ok {
		return err
	}
	m := Message{Key: key + ":" + string(k) + ":" + strconv.Itoa(int(status)), Kind: k, Contact: key,
		Params: map[string]string{"code": code, "status": status.Label()}, At: n.clock.Now()}
	return n.o.Outbox.Decide(ctx, []Message{m}, nil)
}

// Timely reports whether m may still be sent: false for a ticket's message
// the queue has made moot since it was decided (the outbox drops it). The
// outbox asks just before each send.
func (n *Notifier) Timely(m Message) bool {
	if !m.Expires.IsZero() && !n.clock.Now().Before(m.Expires) {
		return false
	}
	id, ok := strings.CutPrefix(m.Contact, "t:")
	if !ok {
		return true
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	w := n.watch[id]
	switch m.Kind {
	case KindTaken, KindAhead:
		return w != nil && w.state == stWaiting
	case KindCalled:
		return w != nil && w.state == stCalled
	}
	return true
}

// KeepBooking keeps the phone of an online booking's booker, who consented
// to messages at the hub, until its window's end plus TicketRetention: at
// check-in WatchBooking makes it the ticket's contact. Given again, it
// replaces the phone kept.
func (n *Notifier) KeepBooking(ctx context.Context, booking, phone string, windowEnd time.Time) error {
	c, err := contact(phone, "")
	if err != nil {
		return err
	}
	if booking == "" {
		return errors.New("notify: empty booking id")
	}
	c.Key, c.Expires = BookingContact(booking), windowEnd.Add(n.o.TicketRetention)
	if err := n.o.Outbox.AddContact(ctx, c, nil, nil); err != nil {
		return fmt.Errorf("notify: storing the contact of booking %s: %w", booking, err)
	}
	return nil
}

// ForgetBooking deletes the phone kept for an online booking (cancelled).
func (n *Notifier) ForgetBooking(ctx context.Context, booking string) error {
	if err := n.o.Outbox.ForgetContact(ctx, BookingContact(booking)); err != nil {
		return fmt.Errorf("notify: forgetting the contact of booking %s: %w", booking, err)
	}
	return nil
}

// WatchBooking watches the ticket checked in from an online booking with
// the phone kept for it (KeepBooking), exactly as a phone given at the
// kiosk (Watch), and forgets the booking's copy; ok false when none is
// kept (the booker did not consent, or the hub's word has not come).
func (n *Notifier) WatchBooking(ctx context.Context, booking, ticketID string) (ok bool, err error) {
	c, ok, err := n.o.Outbox.Contact(ctx, BookingContact(booking))
	if err != nil || !ok {
		return false, err
	}
	if err := n.Watch(ctx, ticketID, c.Phone, c.Email); err != nil {
		return false, err
	}
	return true, n.ForgetBooking(ctx, booking)
}
