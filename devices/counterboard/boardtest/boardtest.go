// Package boardtest simulates the devices on an RS-485 bus of counter
// boards, for tests on the device end of a serialtest cable: a Modbus RTU
// slave holding several unit ids that checks each request's CRC and
// answers (or stays silent, as a board that is off), and a QSystem-style
// board bus that decodes 0x01 ADDRESS TEXT 0x07 frames.
//
// Each simulator reads in its own goroutine until its device file is closed
// (the test's cleanup closes it). Frames received are delivered in order
// through Next; the setters are safe from any goroutine.
package boardtest

import (
	"encoding/binary"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"motcua/devices/counterboard"
)

// Frame is one frame a simulated bus received.
type Frame struct {
	Address int
	// Text is the text decoded: the QSystem text, or a Modbus board's
	// registers read as ASCII (one character per register, or two).
	Text string
	// Registers are a Modbus request's register values.
	Registers []uint16
	// First is a Modbus request's first register.
	First uint16
	// Raw is the whole frame.
	Raw []byte
	// At is when the frame was decoded (the system clock: benchmarks).
	At time.Time
	// Answered is set when the Modbus slave answered it (its unit is on).
	Answered bool
}

// waitLimit bounds how long Next waits: far beyond any frame's time, so a
// loaded machine never fails a test that works, while a frame that never
// comes fails it instead of hanging.
const waitLimit = 20 * time.Second

type recorder struct {
	frames chan Frame
}

func newRecorder() recorder { return recorder{frames: make(chan Frame, 4096)} }

// Next returns the next frame received, failing the test after a long
// time without one.
func (r recorder) Next(t testing.TB) Frame {
	t.Helper()
	select {
	case f := <-r.frames:
		return f
	case <-time.After(waitLimit):
		t.Fatalf("boardtest: no frame in %s", waitLimit)
		return Frame{}
	}
}

// Frames is the channel of frames, for benchmarks that wait themselves.
func (r recorder) Frames() <-chan Frame { return r.frames }

// None reports whether no frame is waiting now.
func (r recorder) None() bool { return len(r.frames) == 0 }

// Modbus is a Modbus RTU slave answering for several unit ids.
type Modbus struct {
	recorder
	f      io.ReadWriter
	packed bool

	mu     sync.Mutex
	units  map[int]bool // unit id → answers
	bad    map[int]bool // unit id → answers with a wrong CRC
	badCRC int
	baud   int
}

// ServeModbus answers function 16 requests for units on f. Packed decodes
// Text as two characters per register (counterboard.EncodingPacked).
func ServeModbus(t testing.TB, f *os.File, packed bool, units ...int) *Modbus {
	m := &Modbus{recorder: newRecorder(), f: f, packed: packed, units: map[int]bool{}, bad: map[int]bool{}}
	for _, u := range units {
		m.units[u] = true
	}
	t.Cleanup(func() { f.Close() })
	go m.read()
	return m
}

// Silence makes a unit stop answering (off: false) or answer again.
func (m *Modbus) Silence(unit int, off bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.units[unit] = !off
}

// CorruptAnswers makes a unit answer with a wrong CRC (on) or rightly.
func (m *Modbus) CorruptAnswers(unit int, on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bad[unit] = on
}

// LineSpeed makes the slave answer as on a real line at baud: after the
// request's time on the wire (a pseudo-terminal delivers it at once) and
// its answer's. 0: at once.
func (m *Modbus) LineSpeed(baud int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.baud = baud
}

// BadCRC is how many requests had a wrong CRC (ignored, as a slave does).
func (m *Modbus) BadCRC() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.badCRC
}

func (m *Modbus) read() {
	var buf []byte
	chunk := make([]byte, 512)
	for {
		n, err := m.f.Read(chunk)
		if err != nil {
			return
		}
		buf = append(buf, chunk[:n]...)
		for {
			used, ok := m.frame(buf)
			if !ok {
				break
			}
			buf = buf[used:]
		}
	}
}

// frame handles the request at the start of buf, if whole.
func (m *Modbus) frame(buf []byte) (int, bool) {
	if len(buf) < 7 {
		return 0, false
	}
	if buf[1] != 0x10 {
		return len(buf), true // not a request of ours: dropped
	}
	size := 7 + int(buf[6]) + 2
	if len(buf) < size {
		return 0, false
	}
	req := append([]byte(nil), buf[:size]...)
	if !counterboard.CheckCRC(req) {
		m.mu.Lock()
		m.badCRC++
		m.mu.Unlock()
		return size, true
	}
	fr := Frame{Address: int(req[0]), First: binary.BigEndian.Uint16(req[2:]), Raw: req, At: time.Now()}
	for i := 7; i+1 < size-2; i += 2 {
		fr.Registers = append(fr.Registers, binary.BigEndian.Uint16(req[i:]))
	}
	for _, r := range fr.Registers {
		if m.packed {
			fr.Text += string([]byte{byte(r >> 8), byte(r)})
		} else if r < 0x100 {
			fr.Text += string(rune(r))
		}
	}
	m.mu.Lock()
	answers, bad, baud := m.units[fr.Address], m.bad[fr.Address], m.baud
	m.mu.Unlock()
	fr.Answered = answers
	m.frames <- fr
	if !answers {
		return size, true // a unit that is off, or another's address
	}
	if baud > 0 { // the request's and the answer's time on the wire, in the simulated device
		time.Sleep(time.Duration(size+8) * 10 * time.Second / time.Duration(baud))
	}
	answer := counterboard.AppendCRC(append([]byte(nil), req[:6]...))
	if bad {
		answer[len(answer)-1] ^= 0xFF
	}
	m.f.Write(answer)
	return size, true
}

// QSystem is a bus of QSystem-style boards: it decodes 0x01 ADDRESS TEXT
// 0x07 frames (the address one byte, or addressDigits ASCII digits).
type QSystem struct {
	recorder
	f      io.Reader
	digits int
}

// ServeQSystem decodes the frames on f.
func ServeQSystem(t testing.TB, f *os.File, addressDigits int) *QSystem {
	q := &QSystem{recorder: newRecorder(), f: f, digits: addressDigits}
	t.Cleanup(func() { f.Close() })
	go q.read()
	return q
}

func (q *QSystem) read() {
	var buf []byte
	chunk := make([]byte, 512)
	for {
		n, err := q.f.Read(chunk)
		if err != nil {
			return
		}
		buf = append(buf, chunk[:n]...)
		for {
			start := indexByte(buf, 0x01)
			if start < 0 {
				buf = buf[:0]
				break
			}
			end := indexByte(buf[start:], 0x07)
			if end < 0 {
				buf = buf[start:]
				break
			}
			q.decode(buf[start : start+end+1])
			buf = buf[start+end+1:]
		}
	}
}

func (q *QSystem) decode(raw []byte) {
	body := raw[1 : len(raw)-1]
	fr := Frame{Raw: append([]byte(nil), raw...), At: time.Now()}
	if q.digits == 0 {
		if len(body) < 1 {
			return
		}
		fr.Address, fr.Text = int(body[0]), string(body[1:])
	} else {
		if len(body) < q.digits {
			return
		}
		for _, c := range body[:q.digits] {
			fr.Address = fr.Address*10 + int(c-'0')
		}
		fr.Text = string(body[q.digits:])
	}
	q.frames <- fr
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
