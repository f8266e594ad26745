package printer

import (
	"fmt"
	"io"
	"sync"
	"time"

	"go.bug.st/serial"
)

// Flow control settings of a serial printer: what tells us its buffer is
// full.
const (
	FlowNone    = "none"
	FlowRTSCTS  = "rtscts"  // the printer drops CTS (hardware handshake)
	FlowXonXoff = "xonxoff" // the printer sends XOFF (0x13), then XON (0x11)
	FlowDTRDSR  = "dtrdsr"  // the printer drops its DTR, our DSR ("busy" on many Epson and clone cables)
)

// SerialOpts open a printer on a serial port.
type SerialOpts struct {
	Name string
	// Path is the device, e.g. /dev/ttyUSB0 or a stable udev link
	// /dev/motcua-printer-kiosk1.
	Path string
	// Baud is the printer's speed (DIP switches or its self-test page):
	// 9600 to 115200. 0 means DefaultBaud.
	Baud int
	// FlowControl is FlowNone, FlowRTSCTS, FlowXonXoff or FlowDTRDSR, as
	// the printer is set (DIP switches, its self-test page): needed at high
	// speeds by printers with a small buffer. "" means FlowNone.
	FlowControl   string
	StatusTimeout time.Duration
}

// DefaultBaud is the factory speed of most ESC/POS serial printers.
const DefaultBaud = 9600

// OpenSerial opens the port 8N1 at o.Baud and returns a printer on it.
func OpenSerial(o SerialOpts) (*Conn, error) {
	if o.Baud == 0 {
		o.Baud = DefaultBaud
	}
	if o.Baud < 1200 || o.Baud > 921600 {
		return nil, fmt.Errorf("printer %s: baud %d", o.Name, o.Baud)
	}
	switch o.FlowControl {
	case "", FlowNone, FlowRTSCTS, FlowXonXoff, FlowDTRDSR:
	default:
		return nil, fmt.Errorf("printer %s: flow control %q (want %s, %s, %s or %s)", o.Name, o.FlowControl, FlowNone, FlowRTSCTS, FlowXonXoff, FlowDTRDSR)
	}
	port, err := serial.Open(o.Path, &serial.Mode{BaudRate: o.Baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return nil, offline(o.Name, fmt.Errorf("open %s: %w", o.Path, err))
	}
	if o.FlowControl == FlowRTSCTS || o.FlowControl == FlowXonXoff {
		if err := setFlow(o.Path, o.FlowControl); err != nil {
			port.Close()
			return nil, fmt.Errorf("printer %s: %s on %s: %w", o.Name, o.FlowControl, o.Path, err)
		}
	}
	co := ConnOpts{Name: o.Name, StatusTimeout: o.StatusTimeout, Baud: o.Baud}
	if o.FlowControl == FlowDTRDSR {
		return NewConn(newDSRGate(port), co), nil
	}
	return NewConn(port, co), nil
}

// modemPort is a serial port that reports its modem lines.
type modemPort interface {
	io.ReadWriteCloser
	GetModemStatusBits() (*serial.ModemStatusBits, error)
	ResetOutputBuffer() error
	SetReadTimeout(t time.Duration) error
}

// dsrGate writes to a port only while DSR is up: Linux has no DTR/DSR flow
// control, so the gate checks the line before each small slice (a busy
// printer drops DTR with a few hundred bytes of buffer left).
type dsrGate struct {
	port   modemPort
	poll   time.Duration
	slice  int
	closed chan struct{}
	once   sync.Once
}

func newDSRGate(p modemPort) *dsrGate {
	return &dsrGate{port: p, poll: 2 * time.Millisecond, slice: 64, closed: make(chan struct{})}
}

// Write waits for DSR before each slice of p; it returns early only when
// the gate is closed or the line cannot be read.
func (g *dsrGate) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		for {
			bits, err := g.port.GetModemStatusBits()
			if err != nil {
				return n, fmt.Errorf("DSR: %w", err)
			}
			if bits.DSR {
				break
			}
			select {
			case <-g.closed:
				return n, ErrClosed
			case <-time.After(g.poll):
			}
		}
		k, err := g.port.Write(p[n:min(n+g.slice, len(p))])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (g *dsrGate) Read(p []byte) (int, error)           { return g.port.Read(p) }
func (g *dsrGate) SetReadTimeout(t time.Duration) error { return g.port.SetReadTimeout(t) }
func (g *dsrGate) ResetOutputBuffer() error             { return g.port.ResetOutputBuffer() }
func (g *dsrGate) Close() error                         { g.once.Do(func() { close(g.closed) }); return g.port.Close() }
