package hubnotify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"motcua/internal/clock"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/outbox"
	"motcua/province/pgstore"
	"motcua/province/wire"
)

// Opts configure a Hub.
type Opts struct {
	DB *pgstore.DB
	// Sender is the sender's configuration but its Store (the hub's
	// outbox): Channels in fallback order, Rates, Quiet, Location, Keep.
	Sender outbox.SenderOpts
	// Lease is how long a claimed message is another hub process's to send:
	// one claimed longer ago was left by a process that stopped mid-send and
	// is sent again. It must exceed the sender's request timeout (default
	// DefaultLease, against the sender's default 10 s).
	Lease time.Duration
	// Timely, when set, is asked just before each send: false drops the
	// message unsent (an online booking's reminder once the booking is
	// cancelled or checked in). The key it sees is the sender's, then ":",
	// then the message's key.
	Timely func(notify.Message) bool
	Clock  clock.Clock
	Logger *slog.Logger
}

// DefaultLease is Opts.Lease's default.
const DefaultLease = time.Minute

// Hub takes and sends the centers' messages.
type Hub struct {
	db     *pgstore.DB
	queue  *Queue
	sender *outbox.Sender
	log    *slog.Logger
}

// New returns the hub's sender on o.DB.
func New(o Opts) (*Hub, error) {
	if o.DB == nil {
		return nil, errors.New("hubnotify: a DB is required")
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	timeout := o.Sender.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if o.Lease <= timeout {
		return nil, fmt.Errorf("hubnotify: the lease (%v) must be longer than the sender's timeout (%v)", o.Lease, timeout)
	}
	q := &Queue{db: o.DB, lease: o.Lease, clock: clock.Or(o.Clock)}
	so := o.Sender
	so.Store, so.Timely = q, o.Timely
	if so.Clock == nil {
		so.Clock = q.clock
	}
	if so.Logger == nil {
		so.Logger = o.Logger
	}
	s, err := outbox.NewSender(so)
	if err != nil {
		return nil, err
	}
	h := &Hub{db: o.DB, queue: q, sender: s, log: o.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h, nil
}

// Run sends until ctx ends.
func (h *Hub) Run(ctx context.Context) error { return h.sender.Run(ctx) }

// Take stores a center's message and answers it: Accepted once committed
// (Duplicate when the hub held that key of that center already).
func (h *Hub) Take(ctx context.Context, center string, r wire.NotifyRequest) wire.NotifyReply {
	if !notify.Kind(r.Kind).Valid() {
		return wire.NotifyReply{Error: "unknown message kind " + strconv.Quote(r.Kind)}
	}
	id, dup, err := h.db.PutNotify(ctx, pgstore.NotifyMessage{Center: center, Key: r.Key, Kind: r.Kind,
		Phone: r.Phone, Email: r.Email, Params: r.Params, Expires: r.Expires})
	if err != nil {
		h.log.Error("hub: cannot store a center's message", "center", center, "key", r.Key, "err", err)
		return wire.NotifyReply{Error: "the hub cannot store the message now", Retry: true}
	}
	if !dup {
		h.queue.decided()
	}
	return wire.NotifyReply{Accepted: true, Duplicate: dup, ID: strconv.FormatInt(id, 10)}
}

// Decided wakes the sender after a message was stored other than by Take
// (a booking's reminder, stored with the booking): it looks again at what
// falls due when.
func (h *Hub) Decided() { h.queue.decided() }

// Queue is the hub's outbox as an outbox.Queue.
type Queue struct {
	db    *pgstore.DB
	lease time.Duration
	clock clock.Clock

	mu     sync.Mutex
	wakers []func()
}

func (q *Queue) decided() {
	q.mu.Lock()
	ws := q.wakers
	q.mu.Unlock()
	for _, fn := range ws {
		fn()
	}
}

// OnDecide implements outbox.Queue.
func (q *Queue) OnDecide(fn func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.wakers = append(q.wakers, fn)
}

// Recover implements outbox.Queue.
func (q *Queue) Recover(ctx context.Context) (int64, error) {
	return q.db.NotifyRecover(ctx, q.clock.Now(), q.lease)
}

// Due implements outbox.Queue.
func (q *Queue) Due(ctx context.Context, now time.Time, limit int) ([]outbox.Item, error) {
	ms, err := q.db.NotifyDue(ctx, now, limit, q.lease)
	if err != nil {
		return nil, err
	}
	out := make([]outbox.Item, len(ms))
	for i, m := range ms {
		out[i] = item(m)
	}
	return out, nil
}

// item is a hub's message as the sender sees it. The message's key is the
// center's, prefixed with the center: the provider's client reference
// must tell two centers' "t:A001:called" apart.
func item(m pgstore.NotifyMessage) outbox.Item {
	return outbox.Item{ID: m.ID, State: outbox.State(m.State), Route: m.Route, Attempts: m.Attempts,
		Channel: m.Channel, ProviderID: m.ProviderID, Reason: m.Reason, NextAt: m.Next, DoneAt: m.Done,
		Phone: m.Phone, Email: m.Email,
		Message: notify.Message{Key: m.Center + ":" + m.Key, Kind: notify.Kind(m.Kind), Contact: m.Center,
			Params: m.Params, At: m.Decided, Expires: m.Expires}}
}

// NextDue implements outbox.Queue.
func (q *Queue) NextDue(ctx context.Context) (time.Time, bool, error) {
	return q.db.NotifyNextDue(ctx, q.lease)
}

// Claim implements outbox.Queue.
func (q *Queue) Claim(ctx context.Context, id int64) (bool, error) {
	return q.db.NotifyClaim(ctx, id, q.clock.Now(), q.lease)
}

// Settle implements outbox.Queue.
func (q *Queue) Settle(ctx context.Context, id int64, r outbox.Settlement) error {
	return q.db.NotifySettle(ctx, id, pgstore.NotifySettlement{State: string(r.State), Route: r.Route, Attempts: r.Attempts,
		Channel: r.Channel, Provider: r.ProviderID, Reason: r.Reason, Next: r.Next, At: r.At})
}

// Postpone implements outbox.Queue.
func (q *Queue) Postpone(ctx context.Context, id int64, next time.Time) error {
	return q.db.NotifyPostpone(ctx, id, next, q.clock.Now(), q.lease)
}

// Purge implements outbox.Queue.
func (q *Queue) Purge(ctx context.Context, keep time.Duration) error {
	return q.db.NotifyPurge(ctx, keep)
}

var _ outbox.Queue = (*Queue)(nil)
