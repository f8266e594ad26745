package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	goserial "go.bug.st/serial"

	"motcua/devices/counterboard"
	"motcua/devices/counterboard/boardtest"
	"motcua/devices/serialtest"
	"motcua/internal/database"
	"motcua/queue"
	"motcua/queue/sqlite"
)

// boardBench is an engine on SQLite (synchronous=FULL, as served) with
// n counters, each with a Modbus board on one 9600-baud bus whose slave
// (on a socat cable) answers after its answer's time on the wire.
type boardBench struct {
	engine *queue.Engine
	bus    *counterboard.Bus
	slave  *boardtest.Modbus
	qsys   *boardtest.QSystem
}

func newBoardBench(b *testing.B, n int, protocol string) *boardBench {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := b.TempDir()
	db, err := database.OpenWith(filepath.Join(dir, "motcua.db"), database.Opts{})
	if err != nil {
		b.Fatal(err)
	}
	store, err := sqlite.NewStoreWith(ctx, db, sqlite.Opts{})
	if err != nil {
		b.Fatal(err)
	}
	var counters []queue.Counter
	for i := 1; i <= n; i++ {
		counters = append(counters, queue.Counter{ID: strconv.Itoa(i), Name: "Quầy " + strconv.Itoa(i), Services: []string{"A"}})
	}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	log := slog.New(slog.DiscardHandler)
	engine, err := queue.New(ctx, queue.Opts{Fields: []queue.Field{{Code: "A", Name: "Hộ tịch", Digits: 4}}, Counters: counters,
		Store: store, Location: loc, Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); engine.Run(ctx) }()
	cable := serialtest.New(b)
	dev, err := cable.OpenDevice()
	if err != nil {
		b.Fatal(err)
	}
	bb := &boardBench{engine: engine}
	var driver counterboard.Driver
	if protocol == "modbus" {
		bb.slave = boardtest.ServeModbus(b, dev, false)
		bb.slave.LineSpeed(9600)
		driver, _ = counterboard.NewModbus(counterboard.ModbusOpts{Width: 5, Timeout: time.Second})
	} else {
		bb.qsys = boardtest.ServeQSystem(b, dev, 2)
		driver, _ = counterboard.NewQSystem(counterboard.QSystemOpts{Width: 5, AddressDigits: 2})
	}
	var boards []counterboard.Board
	refs := map[string][]boardRef{}
	for i := 1; i <= n; i++ {
		if bb.slave != nil {
			bb.slave.Silence(i, false)
		}
		boards = append(boards, counterboard.Board{Name: "b" + strconv.Itoa(i), Address: i, Counter: strconv.Itoa(i), Driver: driver})
	}
	bb.bus, err = counterboard.Start(ctx, counterboard.BusOpts{Name: "bench", Baud: 9600, Boards: boards, Logger: log,
		Open: func() (counterboard.Port, error) { return goserial.Open(cable.Port, &goserial.Mode{BaudRate: 9600}) }})
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		refs[strconv.Itoa(i)] = []boardRef{{bus: bb.bus, name: "b" + strconv.Itoa(i)}}
	}
	followBoards(engine, refs, log)
	b.Cleanup(func() {
		cancel()
		bb.bus.Close()
		<-done
		db.Close()
	})
	bb.idle(b) // the blank frames of the start
	return bb
}

func (bb *boardBench) frames() <-chan boardtest.Frame {
	if bb.slave != nil {
		return bb.slave.Frames()
	}
	return bb.qsys.Frames()
}

// idle waits until no board has a display to send and the silence after
// the last frame is over (a QSystem pause is 50 ms), and drops the frames
// received so far.
func (bb *boardBench) idle(b *testing.B) {
	b.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
		pending := false
		for _, st := range bb.bus.States() {
			pending = pending || st.Pending
		}
		if !pending {
			time.Sleep(100 * time.Millisecond) // outside the timer: the pause after the last frame
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("the bus never went idle")
		}
	}
	for {
		select {
		case <-bb.frames():
		default:
			return
		}
	}
}

// await waits for the frame that shows text at address.
func (bb *boardBench) await(b *testing.B, address int, text string) boardtest.Frame {
	b.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case f := <-bb.frames():
			if f.Address == address && f.Text == text {
				return f
			}
		case <-timeout:
			b.Fatalf("no frame %q to %d", text, address)
		}
	}
}

func pct(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// onLine is how long a frame takes on a 9600-baud line: the pseudo-terminal
// delivers it at once, a real line its last byte that much later.
func onLine(f boardtest.Frame) time.Duration {
	return time.Duration(len(f.Raw)) * 10 * time.Second / 9600
}

// BenchmarkCallToBoard: a clerk's call (engine.Next: the commit, then the
// event) until its board's frame starts on the bus (first_p99_ms) and
// until its last byte has crossed a 9600-baud line (end_p99_ms); 4
// counters on one bus, idle between calls.
func BenchmarkCallToBoard(b *testing.B) {
	for _, protocol := range []string{"modbus", "qsystem"} {
		b.Run(protocol, func(b *testing.B) {
			bb := newBoardBench(b, 4, protocol)
			ctx := context.Background()
			var lat, end []time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				t, err := bb.engine.Issue(ctx, queue.IssueRequest{Service: "A"})
				if err != nil {
					b.Fatal(err)
				}
				bb.idle(b)
				counter := i%4 + 1
				b.StartTimer()
				start := time.Now()
				if _, err := bb.engine.Next(ctx, strconv.Itoa(counter)); err != nil {
					b.Fatal(err)
				}
				f := bb.await(b, counter, fmt.Sprintf("%5s", t.Number))
				lat = append(lat, f.At.Sub(start))
				end = append(end, f.At.Sub(start)+onLine(f))
			}
			b.ReportMetric(ms(pct(lat, .5)), "first_p50_ms")
			b.ReportMetric(ms(pct(lat, .99)), "first_p99_ms")
			b.ReportMetric(ms(pct(end, .99)), "end_p99_ms")
		})
	}
}

// BenchmarkBurstTo30Boards: 10 counters call at once on a bus of 30
// boards at 9600 baud; the time from the first call until the last of the
// 10 boards has its whole frame (its last byte across the line).
func BenchmarkBurstTo30Boards(b *testing.B) {
	for _, protocol := range []string{"modbus", "qsystem"} {
		b.Run(protocol, func(b *testing.B) {
			bb := newBoardBench(b, 30, protocol)
			ctx := context.Background()
			var lastBoard, firstBoard []time.Duration
			burst := 0
			for b.Loop() {
				b.StopTimer()
				counters := []int{}
				for k := range 10 {
					if _, err := bb.engine.Issue(ctx, queue.IssueRequest{Service: "A"}); err != nil {
						b.Fatal(err)
					}
					counters = append(counters, (burst*10+k)%30+1)
				}
				burst++
				bb.idle(b)
				b.StartTimer()
				start := time.Now()
				type called struct {
					counter int
					t       queue.Ticket
					err     error
				}
				calls := make(chan called, 10)
				for _, c := range counters {
					go func() { t, err := bb.engine.Next(ctx, strconv.Itoa(c)); calls <- called{c, t, err} }()
				}
				// Which counter got which number is the engine's order; the
				// frames wait in their channel, stamped when they came.
				want := map[int]string{}
				for range 10 {
					r := <-calls
					if r.err != nil {
						b.Fatal(r.err)
					}
					want[r.counter] = fmt.Sprintf("%5s", r.t.Number)
				}
				var first, last time.Duration
				for len(want) > 0 {
					select {
					case f := <-bb.frames():
						if want[f.Address] == f.Text {
							delete(want, f.Address)
							if first == 0 {
								first = f.At.Sub(start)
							}
							last = f.At.Sub(start) + onLine(f)
						}
					case <-time.After(time.Minute):
						b.Fatalf("boards never shown: %v", want)
					}
				}
				firstBoard, lastBoard = append(firstBoard, first), append(lastBoard, last)
			}
			b.ReportMetric(ms(pct(firstBoard, .5)), "first_start_p50_ms")
			b.ReportMetric(ms(pct(lastBoard, .5)), "last_p50_ms")
			b.ReportMetric(ms(pct(lastBoard, .99)), "last_p99_ms")
		})
	}
}
