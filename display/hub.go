package display

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"motcua/display/voice"
	"motcua/internal/clock"
	"motcua/internal/connlimit"
	"motcua/queue"
)

// Source is what the hub and pages need of the queue engine; *queue.Engine
// implements it.
type Source interface {
	// Snapshot is the queue now, consistent with the event sequence.
	Snapshot() queue.Snapshot
	// Fields and Counters are the configuration, in order.
	Fields() []queue.Field
	Counters() []queue.Counter
	// Ticket finds a ticket by id; the phone's websocket must name one.
	Ticket(ctx context.Context, id string) (queue.TicketInfo, error)
}

// Opts configure a Hub. Source is required.
type Opts struct {
	Source Source
	// Screens are the configured displays. Default: DefaultScreen, showing
	// everything without a token.
	Screens []Screen
	// Voice speaks the calls on the server; nil: pages use the browser's
	// speech synthesis.
	Voice *voice.Speaker
	// Title heads the lobby page. Default "Bộ phận tiếp nhận và trả kết quả".
	Title string
	// TicketAPI is the path before a ticket id that the phone page fetches.
	// Default "/api/v1/tickets/".
	TicketAPI string
	// Categories names the priority categories of tickets (code → name,
	// "elderly" → "Người cao tuổi"), for frames' "category".
	Categories map[string]string
	// Location formats times in frames. Default Asia/Ho_Chi_Minh.
	Location *time.Location
	Clock    clock.Clock  // tells pages the server's time; default clock.System
	Logger   *slog.Logger // default slog.Default()
	// Replay is how many events are kept for ?since=. Default 4096.
	Replay int
	// SendQueue is how many frames wait for one connection before it is
	// dropped as too slow. Default 256.
	SendQueue int
	// PingInterval between pings; at most 20 s by the protocol. Default 15 s.
	PingInterval time.Duration
	// WriteTimeout bounds one frame's write. Default 10 s.
	WriteTimeout time.Duration
	// MaxConns and MaxConnsPerAddr cap the sockets held by everyone and by
	// one address (the request's RemoteAddr); over a cap the upgrade is
	// answered 503 too_many_connections. Defaults 1024 and 32.
	MaxConns        int
	MaxConnsPerAddr int
}

// Defaults of Opts.
const (
	DefaultScreen       = "lobby"
	DefaultTitle        = "Bộ phận tiếp nhận và trả kết quả"
	DefaultTicketAPI    = "/api/v1/tickets/"
	DefaultReplay       = 4096
	DefaultSendQueue    = 256
	DefaultPingInterval = 15 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultMaxConns     = 1024
	DefaultMaxPerAddr   = 32
	readLimit           = 512 // clients have nothing to say
)

// Hub serves the screens: it owns every websocket connection, keeps the
// recent events for resumption and fans each event out. Create it with New,
// subscribe it to the engine (engine.OnEvents(hub.Publish)) and start Run.
type Hub struct {
	opts     Opts
	src      Source
	loc      *time.Location
	clock    clock.Clock
	log      *slog.Logger
	screens  map[string]*screen
	upgrader *websocket.Upgrader
	limit    *connlimit.Limiter
	phone    *screen // what a phone following a ticket receives: everything

	// Publish hands events to the hub goroutine through in.
	inMu sync.Mutex
	in   []queue.Event
	wake chan struct{}

	register   chan *client
	unregister chan *client
	ctrl       chan func()
	done       chan struct{} // closed when Run stops serving
	started    atomic.Bool

	connected atomic.Int64
	dropped   atomic.Uint64
	seq       atomic.Uint64

	// Owned by the hub goroutine.
	board   *queue.Board
	frames  frames
	ring    *ring
	clients map[*client]struct{}
	snaps   map[*screen]*websocket.PreparedMessage // snapshot frames of the current seq
	wg      sync.WaitGroup                         // connection goroutines
}

// New checks the screens against the engine's configuration.
func New(o Opts) (*Hub, error) {
	if o.Source == nil {
		return nil, errors.New("display: no source")
	}
	if len(o.Screens) == 0 {
		o.Screens = []Screen{{Name: DefaultScreen}}
	}
	if o.Title == "" {
		o.Title = DefaultTitle
	}
	if o.TicketAPI == "" {
		o.TicketAPI = DefaultTicketAPI
	}
	if o.Location == nil {
		loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		if err != nil {
			loc = time.FixedZone("ICT", 7*3600)
		}
		o.Location = loc
	}
	o.Clock = clock.Or(o.Clock)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Replay <= 0 {
		o.Replay = DefaultReplay
	}
	if o.SendQueue <= 0 {
		o.SendQueue = DefaultSendQueue
	}
	if o.PingInterval <= 0 || o.PingInterval > 20*time.Second {
		o.PingInterval = DefaultPingInterval
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.MaxConns <= 0 {
		o.MaxConns = DefaultMaxConns
	}
	if o.MaxConnsPerAddr <= 0 {
		o.MaxConnsPerAddr = DefaultMaxPerAddr
	}
	h := &Hub{
		opts: o, src: o.Source, loc: o.Location, clock: o.Clock, log: o.Logger,
		screens: map[string]*screen{}, phone: &screen{Screen: Screen{Name: "phone", Recent: 10}},
		wake: make(chan struct{}, 1), register: make(chan *client), unregister: make(chan *client),
		ctrl: make(chan func()), done: make(chan struct{}),
		clients: map[*client]struct{}{}, snaps: map[*screen]*websocket.PreparedMessage{}, upgrader: newUpgrader(),
		limit: connlimit.New(connlimit.Opts{Total: o.MaxConns, PerAddr: o.MaxConnsPerAddr}),
	}
	fields, counters := o.Source.Fields(), o.Source.Counters()
	for _, s := range o.Screens {
		sc, err := newScreen(s, fields, counters)
		if err != nil {
			return nil, err
		}
		if _, dup := h.screens[s.Name]; dup {
			return nil, fmt.Errorf("display: screen %s listed twice", s.Name)
		}
		h.screens[s.Name] = sc
	}
	return h, nil
}

// Publish hands events to the hub. It never blocks, so it can be given to
// the engine's OnEvents directly; events must come in sequence order, as
// the engine delivers them.
func (h *Hub) Publish(events []queue.Event) {
	h.inMu.Lock()
	select {
	case <-h.done:
	default:
		h.in = append(h.in, events...)
	}
	h.inMu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Stats are the hub's counters, for metrics and tests.
type Stats struct {
	Connected int    // open connections
	Dropped   uint64 // connections closed for falling behind, since start
	Seq       uint64 // the last event the hub has sent
	Refused   uint64 // upgrades refused over the connection caps, since start
}

// Stats returns the counters now.
func (h *Hub) Stats() Stats {
	return Stats{Connected: int(h.connected.Load()), Dropped: h.dropped.Load(), Seq: h.seq.Load(), Refused: h.limit.Stats().Refused}
}

// CloseConnections closes every connection; screens reconnect and resume
// with since=. Used when the operator reloads the screens, and by tests.
func (h *Hub) CloseConnections() {
	done := make(chan struct{})
	select {
	case h.ctrl <- func() {
		for c := range h.clients {
			h.remove(c)
		}
		close(done)
	}:
		<-done
	case <-h.done:
	}
}

// Run serves the screens until ctx ends, then closes every connection and
// returns once all their goroutines have exited. It takes the engine's
// snapshot first: subscribe Publish before calling Run.
func (h *Hub) Run(ctx context.Context) error {
	if !h.started.CompareAndSwap(false, true) {
		return errors.New("display: Run called twice")
	}
	h.board, h.frames = queue.NewBoard(h.src.Snapshot()), frames{loc: h.loc, categories: h.opts.Categories}
	h.ring = newRing(h.opts.Replay, h.board.Seq())
	h.seq.Store(h.board.Seq())
	defer h.shutdown()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-h.wake:
			h.drain()
		case c := <-h.register:
			h.drain()
			h.add(c)
		case c := <-h.unregister:
			h.remove(c)
		case f := <-h.ctrl:
			f()
		}
	}
}

func (h *Hub) shutdown() {
	h.inMu.Lock()
	close(h.done)
	h.in = nil
	h.inMu.Unlock()
	var conns []*client
	for c := range h.clients {
		conns = append(conns, c)
		c.closeCode = closeGoingAway
		h.remove(c)
	}
	// The writers say goodbye; one stuck on a screen that does not read
	// is cut off after a grace period.
	exited := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(exited)
	}()
	select {
	case <-exited:
	case <-time.After(2 * time.Second):
		for _, c := range conns {
			c.conn.Close()
		}
		<-exited
	}
}

// drain applies the published events in order and sends them out.
func (h *Hub) drain() {
	h.inMu.Lock()
	evs := h.in
	h.in = nil
	h.inMu.Unlock()
	for i := range evs {
		ev := &evs[i]
		if ev.Seq <= h.board.Seq() {
			continue // already in the snapshot the hub started from
		}
		if ev.Seq != h.board.Seq()+1 {
			h.log.Warn("display: events missed; resending snapshots", "have", h.board.Seq(), "got", ev.Seq)
			h.resync()
			if ev.Seq <= h.board.Seq() {
				continue
			}
		}
		frame := prepare(h.frames.event(h.board, *ev))
		h.ring.push(entry{seq: ev.Seq, typ: ev.Type, counter: ev.Counter, service: ev.Ticket.Service, from: ev.From, frame: frame})
		clear(h.snaps)
		if frame != nil {
			h.broadcast(ev, frame)
		}
	}
	h.seq.Store(h.board.Seq())
}

// resync starts over from a fresh snapshot of the engine and sends it to
// every screen.
func (h *Hub) resync() {
	h.board.Reset(h.src.Snapshot())
	h.ring = newRing(h.opts.Replay, h.board.Seq())
	clear(h.snaps)
	for c := range h.clients {
		c.last = h.board.Seq()
		h.send(c, h.snapshot(c.scr))
	}
}

func (h *Hub) broadcast(ev *queue.Event, frame *websocket.PreparedMessage) {
	want := map[*screen]bool{}
	for c := range h.clients {
		if c.last >= ev.Seq {
			continue
		}
		c.last = ev.Seq
		w, ok := want[c.scr]
		if !ok {
			w = c.scr.wants(ev)
			want[c.scr] = w
		}
		if w {
			h.send(c, frame)
		}
	}
}

// send queues a frame for c, or drops c when its queue is full: a screen
// that does not read never delays the others.
func (h *Hub) send(c *client, frame *websocket.PreparedMessage) {
	select {
	case c.send <- frame:
	default:
		h.dropped.Add(1)
		h.log.Warn("display: screen too slow, disconnected", "screen", c.scr.Name, "remote", c.remote)
		c.closeCode = closeTryAgain
		h.remove(c)
	}
}

func (h *Hub) snapshot(s *screen) *websocket.PreparedMessage {
	if m, ok := h.snaps[s]; ok {
		return m
	}
	m := prepare(h.frames.snapshot(h.board, s))
	h.snaps[s] = m
	return m
}

// prepare frames a message once for every connection that receives it.
func prepare(b []byte) *websocket.PreparedMessage {
	if b == nil {
		return nil
	}
	m, err := websocket.NewPreparedMessage(websocket.TextMessage, b)
	if err != nil { // only for a bad message type
		panic("display: " + err.Error())
	}
	return m
}

// add registers a new connection: what it missed (from the ring when it
// asked with since= and the ring still holds it, else a snapshot), then
// its writer and reader.
func (h *Hub) add(c *client) {
	switch {
	case c.hasSince && h.ring.covers(c.since, h.board.Seq()):
		for _, e := range h.ring.after(c.since) {
			if e.frame != nil && c.scr.wants(&queue.Event{Type: e.typ, Counter: e.counter, From: e.from, Ticket: queue.Ticket{Service: e.service}}) {
				c.initial = append(c.initial, e.frame)
			}
		}
	default:
		c.initial = []*websocket.PreparedMessage{h.snapshot(c.scr)}
	}
	c.last = h.board.Seq()
	h.clients[c] = struct{}{}
	h.connected.Add(1)
	h.wg.Add(2)
	go c.writeLoop()
	go c.readLoop()
}

// remove forgets c and closes its queue; its writer then says goodbye and
// closes the connection. Removing twice does nothing.
func (h *Hub) remove(c *client) {
	if _, ok := h.clients[c]; !ok {
		return
	}
	delete(h.clients, c)
	h.connected.Add(-1)
	close(c.send)
}
