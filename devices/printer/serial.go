package printer

import (
	"fmt"
	"time"

	"go.bug.st/serial"
)

// Flow control settings of a serial printer.
const (
	FlowNone   = "none"
	FlowRTSCTS = "rtscts"
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
	// FlowControl is FlowNone or FlowRTSCTS (hardware handshake, needed at
	// high speeds by printers with a small buffer). "" means FlowNone.
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
	case "", FlowNone, FlowRTSCTS:
	default:
		return nil, fmt.Errorf("printer %s: flow control %q (want %q or %q)", o.Name, o.FlowControl, FlowNone, FlowRTSCTS)
	}
	port, err := serial.Open(o.Path, &serial.Mode{BaudRate: o.Baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return nil, offline(o.Name, fmt.Errorf("open %s: %w", o.Path, err))
	}
	if o.FlowControl == FlowRTSCTS {
		if err := setRTSCTS(o.Path); err != nil {
			port.Close()
			return nil, fmt.Errorf("printer %s: RTS/CTS on %s: %w", o.Name, o.Path, err)
		}
	}
	return NewConn(port, ConnOpts{Name: o.Name, StatusTimeout: o.StatusTimeout, Baud: o.Baud}), nil
}
