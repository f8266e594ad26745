package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"

	goserial "go.bug.st/serial"

	"motcua/cmd/motcua/internal/config"
	"motcua/cmd/motcua/internal/server"
	"motcua/devices/button"
	"motcua/devices/counterboard"
	"motcua/devices/scanner"
	"motcua/province/wire"
	"motcua/queue"
)

// hardware is the counter hardware of a center: the buses of LED boards,
// which follow the queue's board, and the call-button receivers and rating
// boxes, whose presses go to the server's rules.
type hardware struct {
	buses     []*counterboard.Bus
	follower  *boardFollower
	keymap    *button.Keymap
	debounce  *button.Debounce
	receivers map[string]*button.Receiver
	// presses carries presses from the receivers' goroutines to the one
	// that acts on them (an engine call waits for its commit).
	presses chan press
}

// press is a call-button press, or a rating box's key (box set).
type press struct {
	p       button.Press
	box     string
	counter string
	level   int
}

// startBoards opens a bus per path of cfg.Boards and makes its boards
// follow the engine's events; it also opens the learned button codes.
func (s *service) startBoards(cfg *config.Config, engine *queue.Engine, log *slog.Logger) (*hardware, error) {
	keymap, err := button.OpenKeymap(filepath.Join(cfg.DataDir, "buttons.json"))
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	hw := &hardware{keymap: keymap, debounce: button.NewDebounce(cfg.Buttons.Window), receivers: map[string]*button.Receiver{},
		presses: make(chan press, 64)}
	var paths []string
	byPath := map[string][]config.Board{}
	for _, b := range cfg.Boards {
		if _, ok := byPath[b.Path]; !ok {
			paths = append(paths, b.Path)
		}
		byPath[b.Path] = append(byPath[b.Path], b)
	}
	refs := map[string][]boardRef{}
	for _, path := range paths {
		var boards []counterboard.Board
		for _, b := range byPath[path] {
			d, err := b.Driver() // checked by config
			if err != nil {
				return nil, fmt.Errorf("serve: board %s: %w", b.Name, err)
			}
			boards = append(boards, counterboard.Board{Name: b.Name, Address: b.Address, Counter: b.Counter, Driver: d})
		}
		baud := byPath[path][0].Baud
		bus, err := counterboard.Start(context.Background(), counterboard.BusOpts{Name: path, Baud: baud, Boards: boards, Logger: log,
			Open: func() (counterboard.Port, error) {
				return goserial.Open(path, &goserial.Mode{BaudRate: baud, DataBits: 8, Parity: goserial.NoParity, StopBits: goserial.OneStopBit})
			}})
		if err != nil {
			return nil, fmt.Errorf("serve: boards on %s: %w", path, err)
		}
		s.onClose(func() { bus.Close() })
		hw.buses = append(hw.buses, bus)
		for _, b := range boards {
			refs[b.Counter] = append(refs[b.Counter], boardRef{bus: bus, name: b.Name})
		}
	}
	if len(refs) > 0 {
		hw.follower = followBoards(engine, refs, log)
	}
	return hw, nil
}

// serverHardware is what the server reports and acts on.
func (hw *hardware) serverHardware(cfg *config.Config) *server.Hardware {
	out := &server.Hardware{Keymap: hw.keymap, Debounce: hw.debounce}
	if len(hw.buses) > 0 {
		out.Boards = hw.boardStates
	}
	if len(cfg.Buttons.Receivers)+len(cfg.RatingBoxes) > 0 {
		out.Receivers = hw.receiverStates
	}
	return out
}

func (hw *hardware) boardStates() map[string]counterboard.State {
	out := map[string]counterboard.State{}
	for _, b := range hw.buses {
		for name, st := range b.States() {
			out[name] = st
		}
	}
	return out
}

func (hw *hardware) receiverStates() map[string]button.State {
	out := map[string]button.State{}
	for name, r := range hw.receivers {
		out[name] = r.State()
	}
	return out
}

// wireStatus adds the boards and the receivers to the center's status for
// its hub.
func (hw *hardware) wireStatus(st *wire.Status) {
	if hw == nil {
		return
	}
	if states := hw.boardStates(); len(states) > 0 {
		st.Boards = map[string]wire.Board{}
		for name, b := range states {
			state := "answering"
			switch {
			case !b.Connected:
				state = "disconnected"
			case !b.Answering && b.Errors > 0:
				state = "silent"
			case !b.Answering:
				state = "starting" // nothing sent yet
			}
			st.Boards[name] = wire.Board{State: state, Errors: b.Errors, Error: b.Error}
		}
	}
	if states := hw.receiverStates(); len(states) > 0 {
		st.Buttons = map[string]wire.Scanner{}
		for name, r := range states {
			ws := wire.Scanner{State: "connected", Error: r.Error}
			if !r.Connected {
				ws.State = "disconnected"
			}
			st.Buttons[name] = ws
		}
	}
}

// startButtons starts the receivers and rating boxes and the goroutine
// that hands their presses to srv.
func (s *service) startButtons(cfg *config.Config, hw *hardware, srv *server.Server, log *slog.Logger) error {
	if len(cfg.Buttons.Receivers)+len(cfg.RatingBoxes) == 0 {
		return nil
	}
	s.goRun(func(ctx context.Context) {
		for {
			select {
			case <-ctx.Done():
				return
			case p := <-hw.presses:
				if p.box != "" {
					srv.RatingPress(ctx, p.box, p.counter, p.level)
				} else {
					srv.ButtonPress(ctx, p.p)
				}
			}
		}
	})
	deliver := func(p press) {
		select {
		case hw.presses <- p:
		default:
			log.Warn("button: press dropped, the previous ones are still being handled", "receiver", p.p.Receiver)
		}
	}
	start := func(o button.ReceiverOpts) error {
		ctx, cancel := context.WithCancel(context.Background())
		r, err := button.StartReceiver(ctx, o)
		if err != nil {
			cancel()
			return fmt.Errorf("serve: %s: %w", o.Name, err)
		}
		s.onClose(func() {
			cancel()
			r.Close()
		})
		hw.receivers[o.Name] = r
		return nil
	}
	for _, rc := range cfg.Buttons.Receivers {
		err := start(button.ReceiverOpts{Name: rc.Name, Path: rc.Path, VID: strings.ToLower(rc.VID), PID: strings.ToLower(rc.PID),
			Serial: rc.Serial, Baud: rc.Baud, Suffix: scanner.Suffix(strings.ToLower(rc.Suffix)), Logger: log,
			OnPress: func(p button.Press) { deliver(press{p: p}) }})
		if err != nil {
			return err
		}
	}
	for _, rb := range cfg.RatingBoxes {
		err := start(button.ReceiverOpts{Name: rb.Name, Path: rb.Path, VID: strings.ToLower(rb.VID), PID: strings.ToLower(rb.PID),
			Serial: rb.Serial, Baud: rb.Baud, Suffix: scanner.Suffix(strings.ToLower(rb.Suffix)), HID: rb.Type == config.ScannerHID, Logger: log,
			OnPress: func(p button.Press) {
				level, ok := rb.Keys[p.Code]
				if !ok {
					log.Warn("button: rating box key not in its keys, ignored", "box", rb.Name, "code", p.Code)
					return
				}
				deliver(press{p: p, box: rb.Name, counter: rb.Counter, level: level})
			}})
		if err != nil {
			return err
		}
	}
	return nil
}

// boardRef is one board of a bus.
type boardRef struct {
	bus  *counterboard.Bus
	name string
}

// boardFollower keeps each counter's boards on the ticket the counter
// holds, through a queue.Board that follows the engine's events: the
// number when called (marked on a recall), blank once the counter holds
// none (completed, no-show, transferred, a new day).
type boardFollower struct {
	engine *queue.Engine
	log    *slog.Logger
	boards map[string][]boardRef // by counter id

	mu    sync.Mutex
	b     *queue.Board
	shown map[string]string // counter → the number its boards were last given
}

// followBoards subscribes to the engine, then takes the snapshot it starts
// from (no event falls between the two) and shows it.
func followBoards(e *queue.Engine, boards map[string][]boardRef, log *slog.Logger) *boardFollower {
	f := &boardFollower{engine: e, log: log, boards: boards, shown: map[string]string{}}
	f.mu.Lock()
	defer f.mu.Unlock()
	e.OnEvents(f.apply)
	f.b = queue.NewBoard(e.Snapshot())
	f.showAll()
	return f
}

// apply runs on the engine's committer goroutine: Show never blocks.
func (f *boardFollower) apply(events []queue.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ev := range events {
		if ev.Seq <= f.b.Seq() {
			continue
		}
		if ev.Seq != f.b.Seq()+1 {
			f.log.Warn("boards: events missed; showing a fresh snapshot", "have", f.b.Seq(), "got", ev.Seq)
			f.b.Reset(f.engine.Snapshot())
			f.showAll()
			continue
		}
		ch := f.b.Apply(ev)
		recall := ev.Type == queue.EventCalled && ev.Recall
		for _, id := range ch.Counters {
			f.show(id, recall && id == ev.Counter)
		}
		if ev.Type == queue.EventDayReset {
			f.showAll()
		}
	}
}

func (f *boardFollower) showAll() {
	for id := range f.boards {
		f.show(id, false)
	}
}

// show gives counter's boards its current number, when it changed or on
// a recall (which must show even though the number is the same).
func (f *boardFollower) show(counter string, recall bool) {
	refs := f.boards[counter]
	if len(refs) == 0 {
		return
	}
	text := ""
	if c, ok := f.b.Counter(counter); ok && c.Current != nil {
		text = c.Current.Number
	}
	if prev, ok := f.shown[counter]; ok && prev == text && !recall {
		return
	}
	f.shown[counter] = text
	for _, r := range refs {
		if err := r.bus.Show(r.name, counterboard.Display{Text: text, Mark: recall}); err != nil {
			f.log.Error("boards: show", "board", r.name, "err", err)
		}
	}
}
