package counterboard_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.bug.st/serial"

	"motcua/devices/counterboard"
	"motcua/devices/counterboard/boardtest"
	"motcua/devices/serialtest"
)

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// openCable opens the port end of c as the service would.
func openCable(c *serialtest.Cable) func() (counterboard.Port, error) {
	return func() (counterboard.Port, error) {
		return serial.Open(c.Port, &serial.Mode{BaudRate: 9600, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	}
}

func startBus(t *testing.T, o counterboard.BusOpts) *counterboard.Bus {
	t.Helper()
	if o.Logger == nil {
		o.Logger = quiet()
	}
	b, err := counterboard.Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// eventually polls cond until it holds, failing after a long time; it
// asserts what happens, never how fast.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func modbusBoards(t *testing.T, o counterboard.ModbusOpts, addrs ...int) []counterboard.Board {
	t.Helper()
	m, err := counterboard.NewModbus(o)
	if err != nil {
		t.Fatal(err)
	}
	var out []counterboard.Board
	for _, a := range addrs {
		out = append(out, counterboard.Board{Name: "b" + string(rune('0'+a)), Address: a, Counter: string(rune('0' + a)), Driver: m})
	}
	return out
}

func TestModbusCallReachesItsBoard(t *testing.T) {
	cable := serialtest.New(t)
	dev, err := cable.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	slave := boardtest.ServeModbus(t, dev, false, 1, 2, 3)
	bus := startBus(t, counterboard.BusOpts{Name: "rs485", Open: openCable(cable), Boards: modbusBoards(t, counterboard.ModbusOpts{Timeout: time.Second}, 1, 2, 3)})

	if err := bus.Show("b2", counterboard.Display{Text: "A012"}); err != nil {
		t.Fatal(err)
	}
	f := slave.Next(t)
	want := counterboard.AppendCRC([]byte{2, 0x10, 0, 0, 0, 4, 8, 0, 'A', 0, '0', 0, '1', 0, '2'})
	if f.Address != 2 || !bytes.Equal(f.Raw, want) {
		t.Fatalf("frame to %d: % X, want % X", f.Address, f.Raw, want)
	}
	eventually(t, "board b2 reported answering A012", func() bool {
		st := bus.States()["b2"]
		return st.Answering && st.Showing == "A012" && !st.Pending && !st.LastAnswer.IsZero()
	})
	if st := bus.States()["b1"]; st.Showing != "" || st.Answering {
		t.Errorf("board b1 took no frame but reports %+v", st)
	}
	// The same display again sends nothing; a blank does.
	bus.Show("b2", counterboard.Display{Text: "A012"})
	bus.Show("b2", counterboard.Display{})
	if f := slave.Next(t); f.Address != 2 || f.Text != "    " {
		t.Errorf("after a blank the board got %q at %d", f.Text, f.Address)
	}
	if err := bus.Show("b9", counterboard.Display{Text: "A1"}); !errors.Is(err, counterboard.ErrUnknownBoard) {
		t.Errorf("Show on an unknown board: %v", err)
	}
	if slave.BadCRC() != 0 {
		t.Errorf("slave saw %d bad CRCs", slave.BadCRC())
	}
}

func TestModbusBoardStopsAnswering(t *testing.T) {
	cable := serialtest.New(t)
	dev, err := cable.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	slave := boardtest.ServeModbus(t, dev, false, 1, 2)
	bus := startBus(t, counterboard.BusOpts{Name: "rs485", Open: openCable(cable), RetryAfter: 20 * time.Millisecond,
		Boards: modbusBoards(t, counterboard.ModbusOpts{Timeout: 150 * time.Millisecond}, 1, 2)})

	slave.Silence(1, true)
	bus.Show("b1", counterboard.Display{Text: "A001"})
	if f := slave.Next(t); f.Address != 1 || f.Answered {
		t.Fatalf("first frame %+v", f)
	}
	// Unanswered, the display is sent again, and the other board is not
	// held up by the silent one.
	bus.Show("b2", counterboard.Display{Text: "B001"})
	sawB2, retries := false, 0
	for !sawB2 || retries < 2 {
		f := slave.Next(t)
		switch {
		case f.Address == 2 && f.Answered:
			sawB2 = true
		case f.Address == 1 && f.Text == "A001":
			retries++
		}
	}
	st := bus.States()["b1"]
	if st.Answering || st.Errors < 2 || !strings.Contains(st.Error, "timeout") || !st.Pending || st.Showing != "" {
		t.Errorf("silent board's state: %+v", st)
	}
	eventually(t, "b2 answering", func() bool { return bus.States()["b2"].Answering })

	// Back on, the retried display lands.
	slave.Silence(1, false)
	eventually(t, "b1 answering again with A001", func() bool {
		st := bus.States()["b1"]
		return st.Answering && st.Showing == "A001" && !st.Pending && st.Error == ""
	})

	// An answer with a wrong CRC is no answer.
	slave.CorruptAnswers(2, true)
	bus.Show("b2", counterboard.Display{Text: "B002"})
	eventually(t, "b2 reported for its bad CRC", func() bool {
		st := bus.States()["b2"]
		return !st.Answering && strings.Contains(st.Error, "bad crc")
	})
}

func TestQSystemRecallFlashes(t *testing.T) {
	cable := serialtest.New(t)
	dev, err := cable.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	sim := boardtest.ServeQSystem(t, dev, 0)
	q, _ := counterboard.NewQSystem(counterboard.QSystemOpts{Pause: time.Millisecond})
	bus := startBus(t, counterboard.BusOpts{Name: "rs485", Open: openCable(cable), Flashes: 2, FlashPeriod: 10 * time.Millisecond,
		Boards: []counterboard.Board{{Name: "q2", Address: 2, Driver: q}, {Name: "q4", Address: 4, Driver: q}}})

	bus.Show("q4", counterboard.Display{Text: "C007"})
	if f := sim.Next(t); f.Address != 4 || f.Text != "C007" || !bytes.Equal(f.Raw, []byte("\x01\x04C007\x07")) {
		t.Fatalf("call: %+v", f)
	}
	bus.Show("q4", counterboard.Display{Text: "C007", Mark: true})
	var got []string
	for range 5 {
		f := sim.Next(t)
		if f.Address != 4 {
			t.Fatalf("recall went to board %d", f.Address)
		}
		got = append(got, f.Text)
	}
	if want := []string{"C007", "    ", "C007", "    ", "C007"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("recall frames %q, want %q", got, want)
	}
	eventually(t, "q4 steady on C007", func() bool { st := bus.States()["q4"]; return st.Showing == "C007" && !st.Pending })
}

func TestModbusRecallBlinkRegister(t *testing.T) {
	cable := serialtest.New(t)
	dev, err := cable.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	slave := boardtest.ServeModbus(t, dev, false, 7)
	bus := startBus(t, counterboard.BusOpts{Name: "rs485", Open: openCable(cable), MarkFor: 10 * time.Millisecond,
		Boards: modbusBoards(t, counterboard.ModbusOpts{Blink: true, Timeout: time.Second}, 7)})
	bus.Show("b7", counterboard.Display{Text: "A5", Mark: true})
	on, off := slave.Next(t), slave.Next(t)
	if len(on.Registers) != 5 || on.Registers[4] != 1 || on.Text[:4] != "  A5" {
		t.Errorf("recall frame registers %v", on.Registers)
	}
	if len(off.Registers) != 5 || off.Registers[4] != 0 || off.Text[:4] != "  A5" {
		t.Errorf("after the mark registers %v", off.Registers)
	}
}

// gatePort is a port whose writes wait for the test: it decides when the
// bus is free again, so the order of frames does not depend on timing.
type gatePort struct {
	writes chan string
	next   chan struct{}
}

func (g *gatePort) Write(p []byte) (int, error) {
	g.writes <- string([]byte{p[1] - 10}) // the address byte of a QSystem frame, less 10
	<-g.next
	return len(p), nil
}
func (g *gatePort) Read([]byte) (int, error)           { return 0, nil }
func (g *gatePort) SetReadTimeout(time.Duration) error { return nil }
func (g *gatePort) ResetInputBuffer() error            { return nil }
func (g *gatePort) Close() error                       { return nil }

func TestBusNewestFirstNoneStarves(t *testing.T) {
	g := &gatePort{writes: make(chan string), next: make(chan struct{})}
	q, _ := counterboard.NewQSystem(counterboard.QSystemOpts{Pause: time.Microsecond})
	var boards []counterboard.Board
	for a := 1; a <= 6; a++ {
		boards = append(boards, counterboard.Board{Name: string(rune('0' + a)), Address: a + 10, Driver: q})
	}
	bus := startBus(t, counterboard.BusOpts{Name: "gate", Baud: 10_000_000, MaxSkips: 3,
		Open: func() (counterboard.Port, error) { return g, nil }, Boards: boards})
	bus.Show("1", counterboard.Display{Text: "A1"})
	first := <-g.writes // the bus is busy with board 1
	for _, n := range []string{"2", "3", "4", "5", "6"} {
		bus.Show(n, counterboard.Display{Text: "A" + n})
	}
	order := []string{string(rune('0' + first[0]))}
	for range 5 {
		g.next <- struct{}{}
		w := <-g.writes
		order = append(order, string(rune('0'+w[0])))
	}
	g.next <- struct{}{}
	// Newest first (6, 5, 4); board 2, passed over three times, then goes
	// before 3.
	if got, want := strings.Join(order, ","), "1,6,5,4,2,3"; got != want {
		t.Errorf("order %s, want %s", got, want)
	}
}

func TestBusReopensAndResends(t *testing.T) {
	dir := t.TempDir()
	cable := serialtest.NewAt(t, dir+"/port", dir+"/device")
	dev, err := cable.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	sim := boardtest.ServeQSystem(t, dev, 0)
	q, _ := counterboard.NewQSystem(counterboard.QSystemOpts{Pause: time.Millisecond})
	var mu sync.Mutex
	path := cable.Port
	bus := startBus(t, counterboard.BusOpts{Name: "rs485", MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		Open: func() (counterboard.Port, error) {
			mu.Lock()
			defer mu.Unlock()
			return serial.Open(path, &serial.Mode{BaudRate: 9600})
		},
		Boards: []counterboard.Board{{Name: "q2", Address: 2, Driver: q}}})
	bus.Show("q2", counterboard.Display{Text: "A9"})
	if f := sim.Next(t); f.Text != "  A9" {
		t.Fatalf("first frame %q", f.Text)
	}
	cable.Kill() // the adapter is pulled
	eventually(t, "bus reported disconnected", func() bool { return !bus.States()["q2"].Connected })
	cable2 := serialtest.NewAt(t, dir+"/port", dir+"/device")
	dev2, err := cable2.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	sim2 := boardtest.ServeQSystem(t, dev2, 0)
	if f := sim2.Next(t); f.Address != 2 || f.Text != "  A9" {
		t.Errorf("after the replug the board got %+v", f)
	}
	eventually(t, "bus connected again", func() bool { return bus.States()["q2"].Connected })
}

// A bus left idle sends each board its display again: a board that never
// answers and was switched on after its frame shows its number.
func TestIdleBusRefreshesBoards(t *testing.T) {
	cable := serialtest.New(t)
	dev, err := cable.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	sim := boardtest.ServeQSystem(t, dev, 0)
	q, _ := counterboard.NewQSystem(counterboard.QSystemOpts{Pause: time.Millisecond})
	bus := startBus(t, counterboard.BusOpts{Name: "rs485", Open: openCable(cable), Refresh: 10 * time.Millisecond,
		Boards: []counterboard.Board{{Name: "q2", Address: 2, Driver: q}, {Name: "q3", Address: 3, Driver: q}}})
	bus.Show("q2", counterboard.Display{Text: "A7"})
	if f := sim.Next(t); f.Address != 2 || f.Text != "  A7" {
		t.Fatalf("first frame %+v", f)
	}
	if f := sim.Next(t); f.Address != 2 || f.Text != "  A7" {
		t.Errorf("refresh %+v, want q2's A7 again (q3 was never given anything)", f)
	}
}
