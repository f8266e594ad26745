package counterboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"motcua/internal/clock"
)

// Defaults of BusOpts.
const (
	DefaultBaud        = 9600
	DefaultRetryAfter  = 2 * time.Second
	DefaultMaxSkips    = 3
	DefaultMarkFor     = 5 * time.Second
	DefaultFlashes     = 3
	DefaultFlashPeriod = 400 * time.Millisecond
	DefaultMinBackoff  = 100 * time.Millisecond
	DefaultMaxBackoff  = 2 * time.Second
	DefaultRefresh     = time.Minute
	// idleCheck is how often an idle bus reads its port, to see an adapter
	// that was pulled (the read fails) before the next call needs it.
	idleCheck = time.Second
)

// ErrUnknownBoard reports a Show for a board the bus does not have.
var ErrUnknownBoard = errors.New("counterboard: không có bảng này trên đường truyền")

// BusOpts configure a Bus. Open and Boards are required; zero fields take
// the defaults above.
type BusOpts struct {
	// Name identifies the bus in states and logs (its device path).
	Name string
	// Open opens the port; it is called again after the port fails.
	Open func() (Port, error)
	// Baud is the line's speed: after each frame the bus waits for the
	// frame to have left the wire (10 bits a byte) and for 3.5 characters
	// of silence. Default 9600.
	Baud int
	// Boards are the boards on the bus; names and addresses are unique.
	Boards []Board
	// RetryAfter is how long a board that did not answer twice running
	// waits before its display is sent again (the first retry is at once);
	// default 2 s.
	RetryAfter time.Duration
	// MaxSkips is how many times a board's change may be passed over for
	// newer ones before it goes first; default 3.
	MaxSkips int
	// MarkFor is how long a board's own recall mark is held; default 5 s.
	MarkFor time.Duration
	// Flashes and FlashPeriod flash a recalled number on boards without a
	// mark: Flashes times blank then the number, FlashPeriod apart.
	// Defaults 3 and 400 ms.
	Flashes     int
	FlashPeriod time.Duration
	// MinBackoff and MaxBackoff space the attempts to reopen a failed port;
	// defaults 100 ms and 2 s.
	MinBackoff, MaxBackoff time.Duration
	// Refresh sends every board its display again after the bus has been
	// idle this long (a board powered on after its last frame, which boards
	// that never answer cannot tell); default 1 minute, negative: never.
	Refresh time.Duration
	Clock   clock.Clock  // default clock.System
	Logger  *slog.Logger // default slog.Default()
}

// State is what the service knows of one board, for /healthz and metrics.
type State struct {
	Bus     string `json:"bus"`
	Address int    `json:"address"`
	// Connected is set while the bus's port is open.
	Connected bool `json:"connected"`
	// Answering is set when the board's last frame was written and, for a
	// board that answers (Modbus), answered rightly.
	Answering bool `json:"answering"`
	// Showing is what the board shows since its last good frame ("" blank).
	Showing string `json:"showing"`
	// Pending is set while a display waits to be sent (or retried).
	Pending bool `json:"pending"`
	// LastAnswer is when the board last took a frame (answered, Modbus).
	LastAnswer time.Time `json:"last_answer,omitzero"`
	// Errors counts frames not taken (no answer, bad answer, not
	// encodable) since start.
	Errors uint64 `json:"errors"`
	Error  string `json:"error,omitempty"`
}

// Bus drives the boards on one serial line from one goroutine.
type Bus struct {
	opts   BusOpts
	log    *slog.Logger
	clk    clock.Clock
	wake   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once

	mu        sync.Mutex
	slots     []*slot
	byName    map[string]*slot
	stamp     uint64
	connected bool
	portErr   string
}

// slot is one board and what it should show next.
type slot struct {
	b     Board
	state State
	// steps are the displays still to send, in order; each step's wait is
	// how long after it was sent the next one goes.
	steps     []step
	gen       uint64 // bumped by every Show: a send finishing late keeps the newer steps
	stamp     uint64 // when the pending change came, in Show order
	skips     int
	notBefore time.Time
	sent      Display
	hasSent   bool
	failing   bool
}

type step struct {
	d    Display
	wait time.Duration
}

// Start checks opts and starts the bus's goroutine, which runs until ctx
// ends or Close. A port that cannot be opened yet is retried.
func Start(ctx context.Context, opts BusOpts) (*Bus, error) {
	if opts.Open == nil {
		return nil, fmt.Errorf("counterboard %s: thiếu Open", opts.Name)
	}
	if len(opts.Boards) == 0 {
		return nil, fmt.Errorf("counterboard %s: không có bảng nào", opts.Name)
	}
	if opts.Baud <= 0 {
		opts.Baud = DefaultBaud
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = DefaultRetryAfter
	}
	if opts.MaxSkips <= 0 {
		opts.MaxSkips = DefaultMaxSkips
	}
	if opts.MarkFor <= 0 {
		opts.MarkFor = DefaultMarkFor
	}
	if opts.Flashes <= 0 {
		opts.Flashes = DefaultFlashes
	}
	if opts.FlashPeriod <= 0 {
		opts.FlashPeriod = DefaultFlashPeriod
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(DefaultMaxBackoff, opts.MinBackoff)
	}
	if opts.Refresh == 0 {
		opts.Refresh = DefaultRefresh
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	b := &Bus{opts: opts, log: opts.Logger.With("bus", opts.Name), clk: clock.Or(opts.Clock),
		wake: make(chan struct{}, 1), done: make(chan struct{}), byName: map[string]*slot{}}
	addrs := map[int]string{}
	for _, bd := range opts.Boards {
		if bd.Name == "" || bd.Driver == nil {
			return nil, fmt.Errorf("counterboard %s: bảng thiếu tên hoặc giao thức", opts.Name)
		}
		if _, dup := b.byName[bd.Name]; dup {
			return nil, fmt.Errorf("counterboard %s: hai bảng cùng tên %q", opts.Name, bd.Name)
		}
		if other, dup := addrs[bd.Address]; dup {
			return nil, fmt.Errorf("counterboard %s: bảng %q và %q cùng địa chỉ %d", opts.Name, other, bd.Name, bd.Address)
		}
		addrs[bd.Address] = bd.Name
		s := &slot{b: bd, state: State{Bus: opts.Name, Address: bd.Address, Error: "chưa gửi"}}
		b.slots = append(b.slots, s)
		b.byName[bd.Name] = s
	}
	ctx, b.cancel = context.WithCancel(ctx)
	go b.run(ctx)
	return b, nil
}

// Close stops the goroutine and closes the port; idempotent.
func (b *Bus) Close() error {
	b.once.Do(b.cancel)
	<-b.done
	return nil
}

// Show makes the named board show d: at once, or after the changes before
// it when the bus is busy. A change that replaces one not yet sent takes its
// place; showing again what the board already shows sends nothing, except a
// recall, which is always shown.
func (b *Bus) Show(board string, d Display) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.byName[board]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownBoard, board)
	}
	if !d.Mark && len(s.steps) == 0 && s.hasSent && s.sent == d && !s.failing {
		return nil
	}
	if !d.Mark && len(s.steps) == 1 && s.steps[0].d == d {
		return nil // already waiting to go
	}
	s.steps = b.plan(s, d)
	s.gen++
	b.stamp++
	s.stamp, s.skips, s.notBefore = b.stamp, 0, time.Time{}
	s.state.Pending = true
	select {
	case b.wake <- struct{}{}:
	default:
	}
	return nil
}

// plan is the frames that show d: one, or for a recall the mark and its
// end, or the flashes.
func (b *Bus) plan(s *slot, d Display) []step {
	if !d.Mark || d.Blank() {
		d.Mark = false
		return []step{{d: d}}
	}
	steady := Display{Text: d.Text}
	if s.b.Driver.Marks() {
		return []step{{d: d, wait: b.opts.MarkFor}, {d: steady}}
	}
	out := []step{{d: steady, wait: b.opts.FlashPeriod}}
	for range b.opts.Flashes {
		out = append(out, step{d: Display{}, wait: b.opts.FlashPeriod}, step{d: steady, wait: b.opts.FlashPeriod})
	}
	out[len(out)-1].wait = 0
	return out
}

// States returns each board's state by name.
func (b *Bus) States() map[string]State {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]State, len(b.slots))
	for _, s := range b.slots {
		st := s.state
		st.Connected = b.connected
		if !b.connected && b.portErr != "" && st.Error == "" {
			st.Error = b.portErr
		}
		out[s.b.Name] = st
	}
	return out
}

// next picks the change to send now: the newest, unless one was passed over
// MaxSkips times (the oldest such then). Without one it returns how long
// until a waiting retry or flash is due (0: nothing is waiting).
func (b *Bus) next(now time.Time) (*slot, step, uint64, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var pick, starved *slot
	var wait time.Duration
	for _, s := range b.slots {
		if len(s.steps) == 0 {
			continue
		}
		if s.notBefore.After(now) {
			if d := s.notBefore.Sub(now); wait == 0 || d < wait {
				wait = d
			}
			continue
		}
		if s.skips >= b.opts.MaxSkips && (starved == nil || s.stamp < starved.stamp) {
			starved = s
		}
		if pick == nil || s.stamp > pick.stamp {
			pick = s
		}
	}
	if starved != nil {
		pick = starved
	}
	if pick == nil {
		return nil, step{}, 0, wait
	}
	for _, s := range b.slots {
		if s != pick && len(s.steps) > 0 && !s.notBefore.After(now) {
			s.skips++
		}
	}
	return pick, pick.steps[0], pick.gen, 0
}

// finished records the outcome of sending st to s.
func (b *Bus) finished(s *slot, st step, gen uint64, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clk.Now()
	if err != nil {
		s.state.Errors++
		s.state.Answering = false
		s.state.Error = err.Error()
		var na *NoAnswerError
		if errors.As(err, &na) {
			// A frame lost once (noise on the line) is sent again at once;
			// a board still silent then waits RetryAfter between tries.
			retry := now
			if s.failing {
				retry = now.Add(b.opts.RetryAfter)
			} else {
				b.log.Warn("counterboard: board does not answer; retrying", "board", s.b.Name, "address", s.b.Address, "err", err)
			}
			s.failing = true
			if s.gen == gen {
				s.notBefore = retry
				s.skips = 0
			}
			return
		}
		// Not encodable: nothing to retry.
		b.log.Error("counterboard: display not sent", "board", s.b.Name, "text", st.d.Text, "err", err)
		if s.gen == gen {
			s.steps = nil
			s.state.Pending = false
		}
		return
	}
	if s.failing {
		b.log.Info("counterboard: board answers again", "board", s.b.Name, "address", s.b.Address)
	}
	s.failing = false
	s.sent, s.hasSent = st.d, true
	s.state.Showing, s.state.Answering, s.state.LastAnswer, s.state.Error = st.d.Text, true, now, ""
	if s.gen != gen {
		return // a newer change came while this one was on the wire
	}
	s.steps = s.steps[1:]
	s.skips = 0
	if len(s.steps) == 0 {
		s.steps = nil
		s.state.Pending = false
		return
	}
	s.notBefore = now.Add(st.wait)
}

func (b *Bus) setPort(connected bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.connected = connected
	b.portErr = ""
	if err != nil {
		b.portErr = err.Error()
	}
	if connected {
		// A reopened port (an adapter replugged, boards maybe powered
		// again): each board is sent what it should show.
		b.resend(false)
	}
}

// resend gives each board that has nothing to send its display again:
// newest-first among themselves, or, for a refresh, older than any change
// (a call that comes meanwhile goes first).
func (b *Bus) resend(refresh bool) {
	for _, s := range b.slots {
		if len(s.steps) == 0 && s.hasSent {
			s.steps = []step{{d: s.sent}}
			s.gen++
			s.stamp = 0
			if !refresh {
				b.stamp++
				s.stamp = b.stamp
			}
			s.skips, s.notBefore = 0, time.Time{}
			s.state.Pending = true
		}
	}
}

// refresh resends every board's display (Refresh).
func (b *Bus) refresh() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.resend(true)
}

func (b *Bus) run(ctx context.Context) {
	defer close(b.done)
	backoff := b.opts.MinBackoff
	var lastErr string
	for ctx.Err() == nil {
		port, err := b.opts.Open()
		if err != nil {
			b.setPort(false, err)
			if msg := err.Error(); msg != lastErr {
				b.log.Warn("counterboard: cannot open the bus; retrying", "err", err)
				lastErr = msg
			}
			_ = clock.Sleep(ctx, b.clk, backoff)
			backoff = min(backoff*2, b.opts.MaxBackoff)
			continue
		}
		lastErr = ""
		b.setPort(true, nil)
		b.log.Info("counterboard: bus open")
		opened := b.clk.Now()
		err = b.serve(ctx, port)
		port.Close()
		if ctx.Err() != nil {
			b.setPort(false, errors.New("đã dừng"))
			return
		}
		b.setPort(false, err)
		b.log.Warn("counterboard: bus failed; reopening", "err", err)
		if b.clk.Now().Sub(opened) > 5*time.Second {
			backoff = b.opts.MinBackoff
		}
		_ = clock.Sleep(ctx, b.clk, backoff)
		backoff = min(backoff*2, b.opts.MaxBackoff)
	}
}

// serve sends changes until ctx ends or the port fails.
func (b *Bus) serve(ctx context.Context, port Port) error {
	busy := b.clk.Now() // when the bus last sent a frame
	for {
		s, st, gen, wait := b.next(b.clk.Now())
		if s == nil {
			if wait <= 0 || wait > idleCheck {
				wait = idleCheck
			}
			select {
			case <-ctx.Done():
				return nil
			case <-b.wake:
			case <-b.clk.After(wait):
				if err := probe(port); err != nil {
					return err
				}
				if b.opts.Refresh > 0 && b.clk.Now().Sub(busy) >= b.opts.Refresh {
					b.refresh()
					busy = b.clk.Now()
				}
			}
			continue
		}
		busy = b.clk.Now()
		frame, err := s.b.Driver.Frame(s.b, st.d)
		if err != nil {
			b.finished(s, st, gen, err)
			continue
		}
		_ = port.ResetInputBuffer() // a late answer to an earlier frame
		if _, err := port.Write(frame); err != nil {
			return fmt.Errorf("counterboard: write: %w", err)
		}
		// The frame leaves the adapter at the line's speed; the answer can
		// only follow it.
		if err := clock.Sleep(ctx, b.clk, b.wire(len(frame))); err != nil {
			return nil
		}
		err = s.b.Driver.Answer(port, s.b, frame)
		var na *NoAnswerError
		if err != nil && !errors.As(err, &na) {
			return fmt.Errorf("counterboard: read: %w", err)
		}
		b.finished(s, st, gen, err)
		if err := clock.Sleep(ctx, b.clk, b.silence()+s.b.Driver.Pause()); err != nil {
			return nil
		}
	}
}

// probe reads what is waiting on an idle port (nothing should be): a
// pulled adapter fails the read.
func probe(port Port) error {
	if err := port.SetReadTimeout(time.Millisecond); err != nil {
		return fmt.Errorf("counterboard: %w", err)
	}
	var buf [64]byte
	if _, err := port.Read(buf[:]); err != nil {
		return fmt.Errorf("counterboard: read: %w", err)
	}
	return nil
}

// wire is how long n bytes take on the line (8N1: 10 bits a byte).
func (b *Bus) wire(n int) time.Duration {
	return time.Duration(n) * 10 * time.Second / time.Duration(b.opts.Baud)
}

// silence is Modbus RTU's gap between frames: 3.5 characters (at least
// 1.75 ms above 19200 baud).
func (b *Bus) silence() time.Duration {
	return max(35*time.Second/time.Duration(b.opts.Baud), 1750*time.Microsecond)
}
