package printertest

import (
	"errors"
	"io"
	"sync"
	"time"
)

// LineOpts describe a serial printer on a slow line.
type LineOpts struct {
	// Baud is the line's speed: Baud/10 bytes a second (8N1) go to the
	// printer. 9600 by default.
	Baud int
	// Buffer is the printer's receive buffer in bytes; bytes that arrive
	// when it is full are lost. 1024 by default.
	Buffer int
	// High and Low: the printer sends XOFF when its buffer holds High
	// bytes, and XON when it is down to Low. 3/4 and 1/4 of Buffer by
	// default.
	High, Low int
	// PrintRate is how many bytes a second the printer takes from its
	// buffer (it prints slower than a fast line feeds it, or while it cuts).
	// Half the line's rate by default.
	PrintRate int
	// XonXoff is the host's port obeying XOFF (IXON, as flow_control:
	// xonxoff sets it): its transmitter stops until XON and the XOFF and
	// XON bytes do not reach the program. Without it they do, and the host
	// keeps sending.
	XonXoff bool
	// OutQueue is the host kernel's output buffer (a UART's is a page):
	// Write returns once its bytes are in it. 4096 by default.
	OutQueue int
}

// Line is the host's end of a serial port with a printer on a slow line,
// as the serial core and the printer's manual describe them, in real
// time: Write queues bytes in the kernel's output buffer (blocking while
// it is full), the line takes them at the baud rate to the printer's
// buffer, the printer takes them from there at its print rate into a
// Device (which parses and answers DLE EOT, GS r, GS I), and XOFF/XON
// follow its buffer. Read gives what the printer sends back; after
// SetReadTimeout, a Read with nothing to give returns (0, nil) at the
// timeout, as go.bug.st/serial does. Safe for concurrent use; Close ends it.
type Line struct {
	o   LineOpts
	dev *Device
	pw  *io.PipeWriter

	mu       sync.Mutex
	cond     *sync.Cond
	out      []byte // the kernel's output buffer
	buf      []byte // the printer's receive buffer
	back     []byte // from the printer to the host
	stopped  bool   // the printer said XOFF
	xoffs    int
	lost     int
	timeout  time.Duration
	closed   bool
	done     chan struct{}
	stopOnce sync.Once
}

// NewLine starts a printer on a line with the figures of o.
func NewLine(o LineOpts) *Line {
	if o.Baud <= 0 {
		o.Baud = 9600
	}
	if o.Buffer <= 0 {
		o.Buffer = 1024
	}
	if o.High <= 0 || o.High > o.Buffer {
		o.High = o.Buffer * 3 / 4
	}
	if o.Low <= 0 || o.Low >= o.High {
		o.Low = o.Buffer / 4
	}
	if o.PrintRate <= 0 {
		o.PrintRate = o.Baud / 20
	}
	if o.OutQueue <= 0 {
		o.OutQueue = 4096
	}
	pr, pw := io.Pipe()
	l := &Line{o: o, pw: pw, done: make(chan struct{})}
	l.cond = sync.NewCond(&l.mu)
	l.dev = NewDevice(&deviceEnd{r: pr, l: l})
	go l.run()
	return l
}

// Device is the printer at the far end: what it printed, its cuts.
func (l *Line) Device() *Device { return l.dev }

// Lost is how many bytes arrived while the printer's buffer was full.
func (l *Line) Lost() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// XOFFs is how many times the printer said XOFF.
func (l *Line) XOFFs() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.xoffs
}

// Write queues p in the output buffer, waiting while it is full.
func (l *Line) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for n < len(p) {
		if l.closed {
			return n, errors.New("printertest: line closed")
		}
		room := l.o.OutQueue - len(l.out)
		if room == 0 {
			l.cond.Wait()
			continue
		}
		k := min(room, len(p)-n)
		l.out = append(l.out, p[n:n+k]...)
		n += k
	}
	return n, nil
}

// SetReadTimeout makes a Read with nothing to give return (0, nil) after d.
func (l *Line) SetReadTimeout(d time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timeout = d
	return nil
}

// Read gives what the printer sent back.
func (l *Line) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var deadline time.Time
	if l.timeout > 0 {
		deadline = time.Now().Add(l.timeout)
	}
	for len(l.back) == 0 {
		if l.closed {
			return 0, io.EOF
		}
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return 0, nil
		}
		l.mu.Unlock()
		time.Sleep(time.Millisecond)
		l.mu.Lock()
	}
	n := copy(p, l.back)
	l.back = l.back[n:]
	return n, nil
}

// ResetOutputBuffer drops what the kernel had not sent yet.
func (l *Line) ResetOutputBuffer() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.out = nil
	l.cond.Broadcast()
	return nil
}

// Close ends the line and the printer.
func (l *Line) Close() error {
	l.stopOnce.Do(func() {
		l.mu.Lock()
		l.closed = true
		l.cond.Broadcast()
		l.mu.Unlock()
		<-l.done
		l.pw.Close()
		l.dev.Close()
	})
	return nil
}

const (
	xon  = 0x11
	xoff = 0x13
)

// run moves the bytes every 2 ms: out to the printer's buffer at the
// line's rate (unless stopped by XOFF with XonXoff), the buffer to the
// Device at the print rate, and XOFF/XON as the buffer fills and empties.
func (l *Line) run() {
	defer close(l.done)
	const step = 2 * time.Millisecond
	line, print := 0.0, 0.0
	last := time.Now()
	for {
		time.Sleep(step)
		now := time.Now()
		dt := now.Sub(last).Seconds()
		last = now
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			return
		}
		line += float64(l.o.Baud) / 10 * dt
		if len(l.out) == 0 || (l.stopped && l.o.XonXoff) {
			line = min(line, 1) // an idle or stopped line saves no time
		}
		for line >= 1 && len(l.out) > 0 && !(l.stopped && l.o.XonXoff) {
			if len(l.buf) < l.o.Buffer {
				l.buf = append(l.buf, l.out[0])
			} else {
				l.lost++
			}
			l.out = l.out[1:]
			line--
			l.flow()
		}
		l.cond.Broadcast()
		print += float64(l.o.PrintRate) * dt
		k := min(int(print), len(l.buf))
		if len(l.buf) == 0 {
			print = min(print, 1)
		}
		printed := append([]byte(nil), l.buf[:k]...)
		l.buf = l.buf[k:]
		print -= float64(k)
		l.flow()
		l.mu.Unlock()
		if len(printed) > 0 {
			if _, err := l.pw.Write(printed); err != nil {
				return
			}
		}
	}
}

// flow says XOFF or XON as the buffer stands. Called with mu held.
func (l *Line) flow() {
	switch {
	case !l.stopped && len(l.buf) >= l.o.High:
		l.stopped = true
		l.xoffs++
		if !l.o.XonXoff {
			l.back = append(l.back, xoff)
		}
	case l.stopped && len(l.buf) <= l.o.Low:
		l.stopped = false
		if !l.o.XonXoff {
			l.back = append(l.back, xon)
		}
	}
}

// deviceEnd is the printer's side for its Device: it reads what the
// printer took from its buffer and sends its answers back on the line.
type deviceEnd struct {
	r *io.PipeReader
	l *Line
}

func (d *deviceEnd) Read(p []byte) (int, error) { return d.r.Read(p) }

func (d *deviceEnd) Write(p []byte) (int, error) {
	d.l.mu.Lock()
	defer d.l.mu.Unlock()
	d.l.back = append(d.l.back, p...)
	return len(p), nil
}

func (d *deviceEnd) Close() error { return d.r.Close() }
