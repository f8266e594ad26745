package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"motcua/internal/clock"
	"motcua/province/wire"
	"motcua/queue"
)

// Store is what the hub keeps. Every method may be called by several hub
// processes at once.
type Store interface {
	// Ingest stores a center's events, skipping those it holds already (by
	// center and seq), and returns how many were new.
	Ingest(ctx context.Context, center string, events []queue.Event) (int, error)
	// SetStatus keeps the latest status of a center, seen at the hub's time.
	SetStatus(ctx context.Context, center string, st wire.Status, seen time.Time) error
	// Bundle is what is published for a center now.
	Bundle(ctx context.Context, center string) (wire.Bundle, error)
}

// Consumer is the durable JetStream consumer the hub processes share.
const Consumer = "hub-ingest"

// Defaults of Opts.
const (
	DefaultBatch      = 256
	DefaultAckWait    = 30 * time.Second
	DefaultDuplicates = 10 * time.Minute
)

// Opts configure a Hub.
type Opts struct {
	Conn  *nats.Conn // the hub's connection, with every permission
	Store Store
	// Known tells whether a center is enrolled; frames and requests of any
	// other are refused (a center removed from the province).
	Known func(center string) bool
	// Replicas of the stream: 1 on one NATS server, 3 on a cluster of 3.
	Replicas   int
	Batch      int           // most frames stored in one round; DefaultBatch
	AckWait    time.Duration // redelivery of a frame not acknowledged; DefaultAckWait
	Duplicates time.Duration // the stream's duplicate window; DefaultDuplicates
	Clock      clock.Clock
	Logger     *slog.Logger
	// Dossiers looks a dossier up for a center (the province's one
	// integration, dossier.go), within its context; nil: the hub answers
	// that it has no source.
	Dossiers func(ctx context.Context, center, code string) wire.DossierReply
	// BookingKey is the hub's public key of online numbers
	// (booking.EncodePublic), given to centers in each Bundle.
	BookingKey string
	// RetiredBookingKeys are the keys it signed with before, each until
	// the last day of its bookings, given with BookingKey.
	RetiredBookingKeys []wire.RetiredKey
	// Notify takes a center's message to send to a citizen (notify.go):
	// Accepted once it is stored durably, within its context; nil: the hub
	// answers that it has no channel.
	Notify func(ctx context.Context, center string, r wire.NotifyRequest) wire.NotifyReply
	// Held reads what person (a keyed hash) holds on day at the centers
	// other than center (held.go): bookings not checked in and walk-in
	// tickets, in the order taken; nil: the hub answers that it keeps none.
	Held func(ctx context.Context, center, person, day string) ([]wire.HeldNumber, error)
}

// Hub is one hub process's side of the link.
type Hub struct {
	o    Opts
	js   jetstream.JetStream
	cons jetstream.Consumer
	log  *slog.Logger
	clk  clock.Clock

	mu    sync.Mutex
	stats Stats
}

// Stats count what this process did since it started.
type Stats struct {
	Frames    uint64 // frames stored and acknowledged
	Events    uint64 // events new to the store
	Repeated  uint64 // events the store held already
	Refused   uint64 // frames dropped: unknown center or not readable
	Failures  uint64 // rounds the store failed (frames redelivered)
	Statuses  uint64
	Syncs     uint64
	Dossiers  uint64 // dossier lookups answered
	Messages  uint64 // centers' messages taken to send
	Held      uint64 // questions about a person's numbers answered
	LastFrame time.Time
}

// New checks o and makes sure the stream and the consumer exist.
func New(ctx context.Context, o Opts) (*Hub, error) {
	if o.Conn == nil || o.Store == nil || o.Known == nil {
		return nil, errors.New("hub: Conn, Store and Known are required")
	}
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	if o.AckWait <= 0 {
		o.AckWait = DefaultAckWait
	}
	if o.Duplicates <= 0 {
		o.Duplicates = DefaultDuplicates
	}
	h := &Hub{o: o, log: o.Logger, clk: clock.Or(o.Clock)}
	if h.log == nil {
		h.log = slog.Default()
	}
	js, err := jetstream.New(o.Conn)
	if err != nil {
		return nil, fmt.Errorf("hub: %w", err)
	}
	h.js = js
	// Work queue: a frame stays until a hub stored and acknowledged it, then
	// goes; nothing else reads the stream.
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: wire.Stream, Subjects: []string{wire.StreamSubjects},
		Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage,
		Replicas: o.Replicas, Duplicates: o.Duplicates, MaxMsgSize: 4 << 20,
	}); err != nil {
		return nil, fmt.Errorf("hub: stream %s: %w", wire.Stream, err)
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, wire.Stream, jetstream.ConsumerConfig{
		Durable: Consumer, AckPolicy: jetstream.AckExplicitPolicy, AckWait: o.AckWait,
		MaxAckPending: 4 * o.Batch, MaxDeliver: -1, FilterSubject: wire.StreamSubjects,
	})
	if err != nil {
		return nil, fmt.Errorf("hub: consumer %s: %w", Consumer, err)
	}
	h.cons = cons
	return h, nil
}

// Stats are this process's counts now.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats
}

func (h *Hub) count(fn func(*Stats)) {
	h.mu.Lock()
	fn(&h.stats)
	h.mu.Unlock()
}

// Notify tells a center that its bundle changed; a center not connected
// finds out when it next syncs.
func (h *Hub) Notify(center string, n wire.Notice) error {
	if err := wire.CheckCenter(center); err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	b, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	if err := h.o.Conn.Publish(wire.NoticeSubject(center), b); err != nil {
		return fmt.Errorf("hub: notify %s: %w", center, err)
	}
	return nil
}

// Run ingests frames and answers statuses and syncs until ctx ends.
func (h *Hub) Run(ctx context.Context) error {
	status, err := h.o.Conn.QueueSubscribe("motcua.up.*.status", wire.Queue, func(m *nats.Msg) { h.onStatus(ctx, m) })
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	defer status.Unsubscribe()
	syncs, err := h.o.Conn.QueueSubscribe("motcua.hub.*.sync", wire.Queue, func(m *nats.Msg) { h.onSync(ctx, m) })
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	defer syncs.Unsubscribe()
	var lookups sync.WaitGroup // each lookup waits on the province's system: in parallel, bounded
	defer lookups.Wait()
	busy := make(chan struct{}, MaxDossierLookups)
	dossiers, err := h.o.Conn.QueueSubscribe("motcua.hub.*.dossier", wire.Queue, func(m *nats.Msg) {
		select {
		case busy <- struct{}{}:
			lookups.Go(func() { defer func() { <-busy }(); h.onDossier(ctx, m) })
		default:
			h.refuseDossier(m, "the hub is busy with other lookups")
		}
	})
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	defer dossiers.Unsubscribe()
	taking := make(chan struct{}, MaxNotifyTakes) // not held up by slow dossier lookups
	messages, err := h.o.Conn.QueueSubscribe("motcua.hub.*.notify", wire.Queue, func(m *nats.Msg) {
		select {
		case taking <- struct{}{}:
			lookups.Go(func() { defer func() { <-taking }(); h.onNotify(ctx, m) })
		default:
			h.respondNotify(m, wire.NotifyReply{Error: "the hub is busy", Retry: true})
		}
	})
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	defer messages.Unsubscribe()
	asking := make(chan struct{}, MaxHeldLookups) // a kiosk waits on each: not behind dossiers or messages
	held, err := h.o.Conn.QueueSubscribe("motcua.hub.*.held", wire.Queue, func(m *nats.Msg) {
		select {
		case asking <- struct{}{}:
			lookups.Go(func() { defer func() { <-asking }(); h.onHeld(ctx, m) })
		default:
			h.respondHeld(m, wire.HeldReply{Error: "the hub is busy"})
		}
	})
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	defer held.Unsubscribe()
	return h.ingest(ctx)
}

func (h *Hub) onStatus(ctx context.Context, m *nats.Msg) {
	center := wire.CenterOf(m.Subject)
	if center == "" || !h.o.Known(center) {
		return
	}
	var st wire.Status
	if err := json.Unmarshal(m.Data, &st); err != nil {
		h.log.Warn("hub: unreadable status", "center", center, "err", err)
		return
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := h.o.Store.SetStatus(sctx, center, st, h.clk.Now()); err != nil {
		h.log.Error("hub: cannot keep status", "center", center, "err", err)
		return
	}
	h.count(func(s *Stats) { s.Statuses++ })
}

func (h *Hub) onSync(ctx context.Context, m *nats.Msg) {
	center := wire.CenterOf(m.Subject)
	if center == "" || m.Reply == "" {
		return
	}
	var b wire.Bundle
	if !h.o.Known(center) {
		b.Error = "center not enrolled at this hub"
	} else {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		var err error
		b, err = h.o.Store.Bundle(sctx, center)
		cancel()
		if err != nil {
			h.log.Error("hub: cannot read bundle", "center", center, "err", err)
			b = wire.Bundle{Error: "the hub cannot read its store now"}
		} else {
			b.BookingKey, b.RetiredBookingKeys = h.o.BookingKey, h.o.RetiredBookingKeys
		}
	}
	out, err := json.Marshal(b)
	if err == nil {
		err = m.Respond(out)
	}
	if err != nil {
		h.log.Warn("hub: sync reply", "center", center, "err", err)
		return
	}
	h.count(func(s *Stats) { s.Syncs++ })
}

// ingest stores frames as they come. Each center's frames go to a worker of
// its own, in the order they came, several at a time: one store call per
// round, then the acks. So a center whose frames take long to store (a
// day's backlog after an outage) holds up only itself, never the live
// frames of the others. What waits is bounded by the consumer's
// MaxAckPending.
func (h *Hub) ingest(ctx context.Context) error {
	iter, err := h.cons.Messages(jetstream.PullMaxMessages(2 * h.o.Batch))
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer iter.Stop()
	stop := context.AfterFunc(ctx, iter.Stop)
	defer stop()
	workers := map[string]*worker{}
	for {
		m, err := iter.Next()
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) || ctx.Err() != nil {
				return nil
			}
			h.log.Warn("hub: ingest", "err", err)
			continue
		}
		center := wire.CenterOf(m.Subject())
		w := workers[center]
		if w == nil {
			w = &worker{wake: make(chan struct{}, 1)}
			workers[center] = w
			wg.Go(func() { w.run(ctx, h) })
		}
		w.add(m)
	}
}

// worker stores one center's frames in the order they came.
type worker struct {
	mu      sync.Mutex
	pending []jetstream.Msg
	wake    chan struct{}
}

func (w *worker) add(m jetstream.Msg) {
	w.mu.Lock()
	w.pending = append(w.pending, m)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// take returns up to n of the frames waiting, oldest first.
func (w *worker) take(n int) []jetstream.Msg {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := min(n, len(w.pending))
	round := slices.Clone(w.pending[:k])
	w.pending = slices.Delete(w.pending, 0, k)
	return round
}

func (w *worker) run(ctx context.Context, h *Hub) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		}
		for ctx.Err() == nil {
			round := w.take(h.o.Batch)
			if len(round) == 0 {
				break
			}
			h.store(ctx, round)
		}
	}
}

type centerFrames struct {
	msgs   []jetstream.Msg
	events []queue.Event
}

func (h *Hub) store(ctx context.Context, round []jetstream.Msg) {
	byCenter := map[string]*centerFrames{}
	var order []string
	for _, m := range round {
		center := wire.CenterOf(m.Subject())
		if center == "" || !h.o.Known(center) {
			h.log.Warn("hub: frame of an unknown center dropped", "subject", m.Subject())
			h.count(func(s *Stats) { s.Refused++ })
			m.Term()
			continue
		}
		events, err := wire.DecodeFrame(m.Data())
		if err != nil {
			// A later frame version waits for this hub to be upgraded; a
			// broken one would never read.
			h.log.Error("hub: frame not readable", "center", center, "err", err)
			h.count(func(s *Stats) { s.Refused++ })
			m.NakWithDelay(time.Minute)
			continue
		}
		cf := byCenter[center]
		if cf == nil {
			cf = &centerFrames{}
			byCenter[center] = cf
			order = append(order, center)
		}
		cf.msgs = append(cf.msgs, m)
		cf.events = append(cf.events, events...)
	}
	for _, center := range order {
		cf := byCenter[center]
		cf.events = inOrder(cf.events)
		sctx, cancel := context.WithTimeout(ctx, h.o.AckWait/2)
		added, err := h.o.Store.Ingest(sctx, center, cf.events)
		cancel()
		if err != nil {
			// Not acknowledged: redelivered after AckWait, to this process or
			// another.
			h.log.Error("hub: cannot store frames", "center", center, "frames", len(cf.msgs), "err", err)
			h.count(func(s *Stats) { s.Failures++ })
			for _, m := range cf.msgs {
				m.NakWithDelay(time.Second)
			}
			continue
		}
		for _, m := range cf.msgs {
			if err := m.Ack(); err != nil {
				h.log.Warn("hub: ack", "center", center, "err", err)
			}
		}
		now := h.clk.Now()
		h.count(func(s *Stats) {
			s.Frames += uint64(len(cf.msgs))
			s.Events += uint64(added)
			s.Repeated += uint64(len(cf.events) - added)
			s.LastFrame = now
		})
	}
}

// inOrder sorts a center's events of one round by seq and keeps one of each:
// a frame sent again after a lost ack may overlap the one before it.
func inOrder(events []queue.Event) []queue.Event {
	sort.SliceStable(events, func(i, j int) bool { return events[i].Seq < events[j].Seq })
	out := events[:0]
	for _, e := range events {
		if len(out) > 0 && e.Seq == out[len(out)-1].Seq {
			continue
		}
		out = append(out, e)
	}
	return out
}
