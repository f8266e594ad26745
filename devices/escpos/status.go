package escpos

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// ErrNoAnswer means the printer did not answer a status query in time.
var ErrNoAnswer = errors.New("escpos: printer did not answer")

// ErrNoTimeout means the link cannot bound a read, so a status query could
// block forever; the caller should treat the printer's status as unknown.
var ErrNoTimeout = errors.New("escpos: link cannot time out a read")

// DeadlineReader is a link whose reads can be bounded by a deadline
// (net.Conn, *os.File on a pollable device).
type DeadlineReader interface {
	SetReadDeadline(t time.Time) error
}

// TimeoutReader is a link whose reads return (0, nil) after a timeout
// (go.bug.st/serial.Port).
type TimeoutReader interface {
	SetReadTimeout(d time.Duration) error
}

// Status is what a printer reports through DLE EOT 1..4.
type Status struct {
	Offline         bool // DLE EOT 1, bit 3
	CoverOpen       bool // DLE EOT 2, bit 2
	FeedButton      bool // DLE EOT 2, bit 3: paper being fed by the button
	PaperEndStop    bool // DLE EOT 2, bit 5: printing stopped by paper end
	Error           bool // DLE EOT 2, bit 6
	AutocutterError bool // DLE EOT 3, bit 3
	Unrecoverable   bool // DLE EOT 3, bit 5
	AutoRecoverable bool // DLE EOT 3, bit 6: e.g. head too hot
	PaperNearEnd    bool // DLE EOT 4, bits 2-3
	PaperEnd        bool // DLE EOT 4, bits 5-6
}

// A DLE EOT answer has bit 1 and bit 4 set, bits 0 and 7 clear.
func isRealtimeAnswer(b byte) bool { return b&0x93 == 0x12 }

// A GS r answer has bits 4 and 7 clear.
func isGSrAnswer(b byte) bool { return b&0x90 == 0 }

// DecodeStatus decodes the answers to DLE EOT 1, 2, 3 and 4.
func DecodeStatus(printer, offline, errs, paper byte) Status {
	return Status{
		Offline:         printer&0x08 != 0,
		CoverOpen:       offline&0x04 != 0,
		FeedButton:      offline&0x08 != 0,
		PaperEndStop:    offline&0x20 != 0,
		Error:           offline&0x40 != 0,
		AutocutterError: errs&0x08 != 0,
		Unrecoverable:   errs&0x20 != 0,
		AutoRecoverable: errs&0x40 != 0,
		PaperNearEnd:    paper&0x0c == 0x0c,
		PaperEnd:        paper&0x60 == 0x60,
	}
}

// StatusAnswers returns the bytes a printer in state s answers to
// DLE EOT 1, 2, 3 and 4: the inverse of DecodeStatus, for fake printers.
func StatusAnswers(s Status) [4]byte {
	a := [4]byte{0x12, 0x12, 0x12, 0x12}
	set := func(i int, on bool, bits byte) {
		if on {
			a[i] |= bits
		}
	}
	set(0, s.Offline, 0x08)
	set(1, s.CoverOpen, 0x04)
	set(1, s.FeedButton, 0x08)
	set(1, s.PaperEndStop, 0x20)
	set(1, s.Error, 0x40)
	set(2, s.AutocutterError, 0x08)
	set(2, s.Unrecoverable, 0x20)
	set(2, s.AutoRecoverable, 0x40)
	set(3, s.PaperNearEnd, 0x0c)
	set(3, s.PaperEnd, 0x60)
	return a
}

// PaperAnswer returns the byte a printer answers to GS r 1.
func PaperAnswer(nearEnd, end bool) byte {
	var b byte
	if nearEnd {
		b |= 0x03
	}
	if end {
		b |= 0x0c
	}
	return b
}

// Resynchronisation of status reads. A printer answers DLE EOT the moment
// its three bytes arrive, even inside image or barcode data, so a job may
// leave unasked answers on the link; a reader that took them for answers
// would stay one question late for good.
const (
	// statusAttempts is how many times ReadStatus asks the four questions
	// before it gives up on a link that keeps talking.
	statusAttempts = 3
	// maxSettle bounds how long ReadStatus listens for unasked bytes before
	// and after its questions.
	maxSettle = 30 * time.Millisecond
)

// ErrUnsynchronised means the printer kept sending bytes nobody asked for,
// so no answer could be matched to its question.
var ErrUnsynchronised = errors.New("escpos: status answers out of step")

// ReadStatus asks the printer on rw with DLE EOT 1, 2, 3 and 4, waiting at
// most timeout for each answer. DLE EOT is answered in real time, even while
// the printer is offline or busy with earlier data.
//
// It resynchronises: it first discards whatever waits on the link (answers
// to bytes of an image that looked like DLE EOT, a stale byte), takes as an
// answer only a byte with the fixed bits of a DLE EOT answer, and listens
// briefly after the fourth answer: a byte more than it asked for means an
// unasked answer came in between, so the four are asked again.
func ReadStatus(rw io.ReadWriter, timeout time.Duration) (Status, error) {
	if timeout <= 0 {
		return Status{}, invalid("status timeout %v", timeout)
	}
	l, err := newLink(rw)
	if err != nil {
		return Status{}, err
	}
	defer l.reset()
	// What already waits comes at once; what is on its way needs longer.
	waiting, inFlight := min(timeout/4, maxSettle/3), min(timeout/4, maxSettle*2/3)
	for range statusAttempts {
		if _, err := l.drain(waiting); err != nil {
			return Status{}, fmt.Errorf("escpos: status: %w", err)
		}
		var a [4]byte
		for n := byte(1); n <= 4; n++ {
			b, err := l.query([]byte{DLE, EOT, n}, isRealtimeAnswer, timeout)
			if err != nil {
				return Status{}, fmt.Errorf("escpos: DLE EOT %d: %w", n, err)
			}
			a[n-1] = b
		}
		extra, err := l.drain(inFlight)
		if err != nil {
			return Status{}, fmt.Errorf("escpos: status: %w", err)
		}
		if extra == 0 {
			return DecodeStatus(a[0], a[1], a[2], a[3]), nil
		}
	}
	return Status{}, ErrUnsynchronised
}

// ReadPaper asks the paper sensors with GS r 1. Unlike DLE EOT, GS r waits
// behind the data already sent, so the answer comes after earlier jobs.
func ReadPaper(rw io.ReadWriter, timeout time.Duration) (nearEnd, end bool, err error) {
	if timeout <= 0 {
		return false, false, invalid("status timeout %v", timeout)
	}
	l, err := newLink(rw)
	if err != nil {
		return false, false, err
	}
	defer l.reset()
	b, err := l.query([]byte{GS, 'r', 1}, isGSrAnswer, timeout)
	if err != nil {
		return false, false, fmt.Errorf("escpos: GS r 1: %w", err)
	}
	return b&0x03 == 0x03, b&0x0c == 0x0c, nil
}

// link is a status conversation on rw, whose reads can be bounded.
type link struct {
	rw io.ReadWriter
	dr DeadlineReader // set when reads take a deadline
	tr TimeoutReader  // else reads take a timeout
}

func newLink(rw io.ReadWriter) (*link, error) {
	l := &link{rw: rw}
	if dr, ok := rw.(DeadlineReader); ok {
		l.dr = dr
	} else if tr, ok := rw.(TimeoutReader); ok {
		l.tr = tr
	} else {
		return nil, ErrNoTimeout
	}
	return l, nil
}

// bound makes the next reads give up at deadline.
func (l *link) bound(deadline time.Time) error {
	var err error
	if l.dr != nil {
		err = l.dr.SetReadDeadline(deadline)
	} else {
		err = l.tr.SetReadTimeout(max(time.Until(deadline), time.Millisecond))
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNoTimeout, err)
	}
	return nil
}

// reset lifts the read deadline so that the link's other users are not
// cut off by it.
func (l *link) reset() {
	if l.dr != nil {
		_ = l.dr.SetReadDeadline(time.Time{})
	}
}

// read reads one byte before the bound; ok is false when none came.
func (l *link) read(deadline time.Time) (b byte, ok bool, err error) {
	if err := l.bound(deadline); err != nil {
		return 0, false, err
	}
	var buf [1]byte
	n, err := l.rw.Read(buf[:])
	if n == 1 {
		return buf[0], true, nil
	}
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, false, nil
	}
	return 0, false, fmt.Errorf("read: %w", err)
}

// drain discards what arrives within quiet of the last byte (at most a few
// times quiet in all) and returns how many bytes it dropped.
func (l *link) drain(quiet time.Duration) (int, error) {
	dropped := 0
	end := time.Now().Add(4 * quiet)
	for time.Now().Before(end) {
		until := time.Now().Add(quiet)
		if until.After(end) {
			until = end
		}
		_, ok, err := l.read(until)
		if err != nil {
			return dropped, err
		}
		if !ok {
			return dropped, nil
		}
		dropped++
	}
	return dropped, nil
}

// query sends cmd and returns the first byte read that accept approves,
// discarding others (stray bytes, late answers), within timeout.
func (l *link) query(cmd []byte, accept func(byte) bool, timeout time.Duration) (byte, error) {
	deadline := time.Now().Add(timeout)
	if _, err := l.rw.Write(cmd); err != nil {
		return 0, fmt.Errorf("write: %w", err)
	}
	for time.Now().Before(deadline) {
		b, ok, err := l.read(deadline)
		if err != nil {
			return 0, err
		}
		if ok && accept(b) {
			return b, nil
		}
	}
	return 0, ErrNoAnswer
}
