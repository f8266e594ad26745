package link

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"motcua/internal/clock"
	"motcua/province/wire"
	"motcua/queue"
)

// Events is where the link reads what the center committed: the queue
// store (queue.Store has this method).
type Events interface {
	Events(ctx context.Context, after uint64, limit int) ([]queue.Event, error)
}

// Defaults of Opts.
const (
	DefaultBatch     = 256
	DefaultFrameSize = 512 << 10
	DefaultHeartbeat = 15 * time.Second
	DefaultAckWait   = 10 * time.Second
	DefaultSyncEvery = 5 * time.Minute
	// DefaultMarkEvery is how often at most the acknowledged seq is
	// written while frames go: each write is a commit of the center's
	// database (an fsync, and its write lock taken from the tickets). A mark
	// not written only sends frames again, which the stream and the hub's
	// store drop; it is written at once when the link has nothing more to
	// send and when it stops.
	DefaultMarkEvery = time.Second
	// DefaultLinger is how long the link waits, once told of new events
	// while it had nothing to send, for more to join them in one frame: a
	// frame costs the center a read, an encoding, a publish and its
	// acknowledgement, and the hub a transaction, whatever it holds (a
	// center at 200 tickets a second spent 0.17 cores on one frame each).
	DefaultLinger = 50 * time.Millisecond
)

// Opts configure a Link.
type Opts struct {
	Center string   // the center's id at the hub
	URLs   []string // NATS servers of the hub
	// Seed is the center's NKey seed ("SU..."), from its credentials file.
	Seed []byte
	// Dial, when set, connects instead of URLs (tests: an in-process conn).
	Dial nats.CustomDialer
	// TLS, when set, is the connection's TLS (the CA that signed the hub's
	// NATS certificate); tls:// URLs without it trust the system's CAs.
	TLS *tls.Config

	Events Events
	Marks  *Marks
	// Status is the center's live state for the hub; the link fills in the
	// fields it knows itself (acked, config version, refusal).
	Status func() wire.Status
	// Apply runs what the hub published, when its configuration or accounts
	// version is not the one running. An error refuses it: the center stays
	// on what it runs and the hub is told why.
	Apply func(ctx context.Context, b wire.Bundle) error
	// BookingKey, when set, is given the hub's key of online numbers of
	// every bundle that carries one (wire.Bundle.BookingKey), with the keys
	// it retired whose bookings are still to come (RetiredBookingKeys).
	BookingKey func(key string, retired []wire.RetiredKey) error
	// Bookings, when set, is given the center's online bookings of every
	// bundle that carries them (wire.Bundle.Bookings).
	Bookings func(b wire.Bookings) error

	Batch     int           // most events per frame; DefaultBatch
	FrameSize int           // most bytes per frame; DefaultFrameSize
	Heartbeat time.Duration // status every; DefaultHeartbeat
	AckWait   time.Duration // wait for the stream's ack; DefaultAckWait
	SyncEvery time.Duration // ask for the bundle even without notice; DefaultSyncEvery
	MarkEvery time.Duration // write the acknowledged seq at most every; DefaultMarkEvery
	Linger    time.Duration // wait for more events before a frame; DefaultLinger, <0 none
	Clock     clock.Clock
	Logger    *slog.Logger
}

// State is the link as /healthz shows it.
type State struct {
	Connected     bool   `json:"connected"`
	ConfigVersion int    `json:"config_version"`
	Pending       uint64 `json:"pending_events"`
	Acked         uint64 `json:"acked"`
}

// Link ships a center's events to its hub. See the package doc.
type Link struct {
	o      Opts
	log    *slog.Logger
	clk    clock.Clock
	wake   chan struct{}
	poke   chan struct{}
	notice chan struct{}
	synced chan struct{} // signalled when the first sync gave the offset

	mu        sync.Mutex
	mark      Mark
	seq       uint64 // the last committed seq known
	connected bool
	nc        *nats.Conn // while Run runs: for requests of the center (Dossier)

	// Of the ship goroutine: when the mark was last written, and whether
	// it moved since.
	markWritten time.Time
	markDirty   bool
}

// New checks o and reads the link's mark.
func New(ctx context.Context, o Opts) (*Link, error) {
	if err := wire.CheckCenter(o.Center); err != nil {
		return nil, fmt.Errorf("link: hub.center: %w", err)
	}
	if len(o.URLs) == 0 && o.Dial == nil {
		return nil, errors.New("link: no NATS URL for the hub")
	}
	if o.Events == nil || o.Marks == nil || o.Status == nil || o.Apply == nil {
		return nil, errors.New("link: Events, Marks, Status and Apply are required")
	}
	if _, err := nkeys.FromSeed(o.Seed); err != nil {
		return nil, fmt.Errorf("link: the center's credentials are not an NKey seed: %w", err)
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	if o.FrameSize <= 0 {
		o.FrameSize = DefaultFrameSize
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.AckWait <= 0 {
		o.AckWait = DefaultAckWait
	}
	if o.SyncEvery <= 0 {
		o.SyncEvery = DefaultSyncEvery
	}
	if o.MarkEvery <= 0 {
		o.MarkEvery = DefaultMarkEvery
	}
	if o.Linger == 0 {
		o.Linger = DefaultLinger
	}
	mark, err := o.Marks.Get(ctx)
	if err != nil {
		return nil, err
	}
	l := &Link{o: o, log: o.Logger, clk: clock.Or(o.Clock), mark: mark,
		wake: make(chan struct{}, 1), poke: make(chan struct{}, 1), notice: make(chan struct{}, 1),
		synced: make(chan struct{}, 1)}
	if l.log == nil {
		l.log = slog.Default()
	}
	l.log = l.log.With("hub_center", o.Center)
	return l, nil
}

// Wake tells the link that events up to seq are committed.
func (l *Link) Wake(seq uint64) {
	l.mu.Lock()
	if seq > l.seq {
		l.seq = seq
	}
	l.mu.Unlock()
	signal(l.wake)
}

// Poke tells the link the center's status changed (a printer, a scanner).
func (l *Link) Poke() { signal(l.poke) }

// State is the link's state now.
func (l *Link) State() State {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := State{Connected: l.connected, ConfigVersion: l.mark.ConfigVersion, Acked: l.mark.Acked}
	if l.seq > l.mark.Acked {
		st.Pending = l.seq - l.mark.Acked
	}
	return st
}

// Mark is what the link keeps, as it is now.
func (l *Link) Mark() Mark {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.mark
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Run connects and ships until ctx ends. The link never gives up: a hub
// that cannot be reached is dialled again and again.
func (l *Link) Run(ctx context.Context) error {
	kp, err := nkeys.FromSeed(l.o.Seed)
	if err != nil {
		return fmt.Errorf("link: %w", err)
	}
	pub, err := kp.PublicKey()
	if err != nil {
		return fmt.Errorf("link: %w", err)
	}
	changed := make(chan struct{}, 1)
	opts := []nats.Option{
		nats.Name("motcua center " + l.o.Center),
		nats.Nkey(pub, kp.Sign),
		nats.CustomInboxPrefix(wire.InboxPrefix(l.o.Center)),
		nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true),
		nats.ReconnectWait(time.Second),
		nats.ReconnectJitter(500*time.Millisecond, time.Second),
		nats.Timeout(5 * time.Second),
		nats.PingInterval(20 * time.Second),
		nats.MaxPingsOutstanding(3),
		// Nothing waits in a buffer while the link is down: the store is
		// the buffer, and a frame is sent again from it.
		nats.ReconnectBufSize(-1),
		nats.ConnectHandler(func(*nats.Conn) { l.setConnected(true); signal(changed) }),
		nats.ReconnectHandler(func(*nats.Conn) { l.setConnected(true); signal(changed) }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if l.setConnected(false) {
				l.log.Warn("hub link down", "err", err)
			}
			signal(changed)
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			l.log.Warn("hub link", "err", err)
		}),
	}
	if l.o.Dial != nil {
		opts = append(opts, nats.SetCustomDialer(l.o.Dial))
	}
	if l.o.TLS != nil {
		opts = append(opts, nats.Secure(l.o.TLS))
	}
	url := ""
	for i, u := range l.o.URLs {
		if i > 0 {
			url += ","
		}
		url += u
	}
	if url == "" {
		url = nats.DefaultURL
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return fmt.Errorf("link: %w", err)
	}
	defer nc.Close()
	l.setConn(nc)
	defer l.setConn(nil)
	if nc.IsConnected() {
		l.setConnected(true)
	}
	sub, err := nc.Subscribe(wire.NoticeSubject(l.o.Center), func(*nats.Msg) { signal(l.notice) })
	if err != nil {
		return fmt.Errorf("link: %w", err)
	}
	defer sub.Unsubscribe()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("link: %w", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		l.talk(ctx, nc, changed)
	}()
	l.ship(ctx, nc, js, changed)
	wg.Wait()
	// What was acknowledged since the last write, kept for the next start
	// (a kill skips this: those frames go again).
	wctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	l.writeMark(wctx)
	return nil
}

// writeMark writes the mark if it moved since it was last written.
func (l *Link) writeMark(ctx context.Context) {
	if !l.markDirty {
		return
	}
	l.mu.Lock()
	mark := l.mark
	l.mu.Unlock()
	if err := l.o.Marks.Put(ctx, mark); err != nil {
		l.log.Error("hub link: cannot keep the acknowledged seq", "err", err, "acked", mark.Acked)
		return
	}
	l.markDirty, l.markWritten = false, l.clk.Now()
}

func (l *Link) setConnected(up bool) (was bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	was = l.connected
	l.connected = up
	return was
}

// ship sends frames of committed events after the acknowledged one.
func (l *Link) ship(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, changed chan struct{}) {
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		if backoff > 0 {
			select {
			case <-ctx.Done():
				return
			case <-l.clk.After(backoff):
			}
		}
		if !nc.IsConnected() {
			select {
			case <-ctx.Done():
				return
			case <-changed:
			case <-l.clk.After(time.Second):
			}
			continue
		}
		mark := l.Mark()
		if !mark.Synced {
			// A database that never talked to the hub learns its offset
			// first: it may be a center's new database after a loss.
			select {
			case <-ctx.Done():
				return
			case <-l.synced:
			case <-changed:
			case <-l.clk.After(time.Second):
			}
			continue
		}
		acked := mark.Acked
		events, err := l.o.Events.Events(ctx, acked, l.o.Batch)
		if err != nil {
			l.log.Error("hub link: cannot read events", "err", err)
			backoff = next(backoff)
			continue
		}
		if len(events) == 0 {
			backoff = 0
			l.writeMark(ctx) // caught up: the mark is what the hub has
			select {
			case <-ctx.Done():
				return
			case <-l.wake:
				// More may follow at once: a frame for them all.
				if l.o.Linger > 0 {
					select {
					case <-ctx.Done():
						return
					case <-l.clk.After(l.o.Linger):
					}
				}
			case <-changed:
			case <-l.clk.After(l.o.Heartbeat):
			}
			continue
		}
		frame, events, err := l.frame(events, mark.Offset)
		if err != nil {
			l.log.Error("hub link: cannot encode events", "err", err, "after", acked)
			backoff = next(backoff)
			continue
		}
		if err := l.send(ctx, js, frame, events, mark.Offset); err != nil {
			if ctx.Err() == nil {
				l.log.Warn("hub link: frame not acknowledged, sending again", "err", err,
					"first", events[0].Seq, "last", events[len(events)-1].Seq)
			}
			backoff = next(backoff)
			continue
		}
		backoff = 0
	}
}

// frame encodes as many of events as fit in one frame, their seqs moved by
// offset.
func (l *Link) frame(events []queue.Event, offset uint64) ([]byte, []queue.Event, error) {
	for {
		b, err := wire.EncodeFrame(shifted(events, offset))
		if err != nil {
			return nil, nil, err
		}
		if len(b) <= l.o.FrameSize || len(events) == 1 {
			return b, events, nil
		}
		events = events[:len(events)/2]
	}
}

// shifted is events with offset added to their seqs (a copy when offset
// is not 0).
func shifted(events []queue.Event, offset uint64) []queue.Event {
	if offset == 0 {
		return events
	}
	out := make([]queue.Event, len(events))
	for i, e := range events {
		e.Seq += offset
		out[i] = e
	}
	return out
}

func (l *Link) send(ctx context.Context, js jetstream.JetStream, frame []byte, events []queue.Event, offset uint64) error {
	last := events[len(events)-1].Seq
	actx, cancel := context.WithTimeout(ctx, l.o.AckWait)
	defer cancel()
	msg := &nats.Msg{Subject: wire.EventsSubject(l.o.Center), Data: frame}
	id := wire.MsgID(l.o.Center, wire.Frame{Events: []wire.Event{{Seq: events[0].Seq + offset}, {Seq: last + offset}}})
	if _, err := js.PublishMsg(actx, msg, jetstream.WithMsgID(id), jetstream.WithExpectStream(wire.Stream)); err != nil {
		return err
	}
	l.mu.Lock()
	if last > l.mark.Acked {
		l.mark.Acked = last
	}
	if last > l.seq {
		l.seq = last
	}
	l.mu.Unlock()
	// The stream holds the frame: a mark not written only sends it again,
	// which the stream and the hub's store drop.
	l.markDirty = true
	if l.clk.Now().Sub(l.markWritten) >= l.o.MarkEvery {
		l.writeMark(ctx)
	}
	return nil
}

func next(d time.Duration) time.Duration {
	switch {
	case d <= 0:
		return 250 * time.Millisecond
	case d >= 15*time.Second:
		return 15 * time.Second
	}
	return 2 * d
}

// talk sends the status and fetches the bundle: on connect, on notice, on
// status change and on its timers.
func (l *Link) talk(ctx context.Context, nc *nats.Conn, changed chan struct{}) {
	needSync := true
	lastSync := time.Time{}
	for ctx.Err() == nil {
		if nc.IsConnected() {
			if needSync || l.clk.Now().Sub(lastSync) >= l.o.SyncEvery {
				if err := l.sync(ctx, nc); err != nil {
					l.log.Warn("hub link: sync", "err", err)
				} else {
					needSync = false
					lastSync = l.clk.Now()
				}
			}
			l.sendStatus(nc)
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
			needSync = true
		case <-l.notice:
			needSync = true
		case <-l.poke:
		case <-l.clk.After(l.o.Heartbeat):
		}
	}
}

func (l *Link) sendStatus(nc *nats.Conn) {
	st := l.o.Status()
	l.mu.Lock()
	st.Acked = l.mark.Acked
	if l.seq > st.Seq {
		st.Seq = l.seq
	}
	st.ConfigVersion = l.mark.ConfigVersion
	st.Refused = nil
	if l.mark.RefusedVersion > l.mark.ConfigVersion {
		st.Refused = &wire.Refusal{Version: l.mark.RefusedVersion, Reason: l.mark.RefusedReason}
	}
	l.mu.Unlock()
	if st.At.IsZero() {
		st.At = l.clk.Now()
	}
	b, err := json.Marshal(st)
	if err == nil {
		err = nc.Publish(wire.StatusSubject(l.o.Center), b)
	}
	if err != nil {
		l.log.Debug("hub link: status not sent", "err", err)
	}
}

// first takes the offset of a database that never synced: the hub's last
// seq of this center when this database has sent nothing (a center that
// lost its database and started an empty one numbers again from 1, and the
// hub would take its new events for repeats of the old).
func (l *Link) first(ctx context.Context, b wire.Bundle) error {
	l.mu.Lock()
	if l.mark.Synced {
		l.mu.Unlock()
		return nil
	}
	if l.mark.Acked == 0 && b.Held > 0 {
		l.mark.Offset = b.Held
		l.log.Warn("hub link: the hub holds events of this center that this database never sent (a new or restored database): numbering after them",
			"held", b.Held)
	}
	l.mark.Synced = true
	mark := l.mark
	l.mu.Unlock()
	if err := l.o.Marks.Put(ctx, mark); err != nil {
		l.mu.Lock()
		l.mark.Synced = false
		l.mu.Unlock()
		return err
	}
	signal(l.synced)
	return nil
}

// sync asks the hub for the bundle and applies it when it is new.
func (l *Link) sync(ctx context.Context, nc *nats.Conn) error {
	rctx, cancel := context.WithTimeout(ctx, l.o.AckWait)
	defer cancel()
	reply, err := nc.RequestWithContext(rctx, wire.SyncSubject(l.o.Center), nil)
	if err != nil {
		return err
	}
	var b wire.Bundle
	if err := json.Unmarshal(reply.Data, &b); err != nil {
		return fmt.Errorf("bad bundle: %w", err)
	}
	if b.Error != "" {
		return fmt.Errorf("hub: %s", b.Error)
	}
	if err := l.first(ctx, b); err != nil {
		return err
	}
	if b.BookingKey != "" && l.o.BookingKey != nil {
		if err := l.o.BookingKey(b.BookingKey, b.RetiredBookingKeys); err != nil {
			l.log.Warn("hub booking key not taken", "err", err)
		}
	}
	if b.Bookings != nil && l.o.Bookings != nil {
		if err := l.o.Bookings(*b.Bookings); err != nil {
			l.log.Warn("hub bookings not kept", "err", err)
		}
	}
	mark := l.Mark()
	newConfig := b.ConfigVersion > 0 && b.ConfigVersion != mark.ConfigVersion && b.ConfigVersion != mark.RefusedVersion
	newAccounts := b.Accounts != nil && b.Accounts.Version != mark.AccountsVersion
	if !newConfig && !newAccounts {
		return nil
	}
	if !newConfig {
		b.Config, b.ConfigVersion = "", mark.ConfigVersion
	}
	err = l.o.Apply(ctx, b)
	l.mu.Lock()
	switch {
	case err != nil && newConfig:
		l.log.Warn("hub config refused", "version", b.ConfigVersion, "err", err)
		l.mark.RefusedVersion, l.mark.RefusedReason = b.ConfigVersion, err.Error()
	case err != nil:
		l.log.Warn("hub accounts refused", "version", b.Accounts.Version, "err", err)
	default:
		if newConfig {
			l.log.Info("hub config applied", "version", b.ConfigVersion)
			l.mark.ConfigVersion = b.ConfigVersion
		}
		if newAccounts {
			l.mark.AccountsVersion = b.Accounts.Version
		}
	}
	mark = l.mark
	l.mu.Unlock()
	return l.o.Marks.Put(ctx, mark)
}
