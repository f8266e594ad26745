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

// ReadStatus asks the printer on rw with DLE EOT 1, 2, 3 and 4, waiting at
// most timeout for each answer. DLE EOT is answered in real time, even while
// the printer is offline or busy with earlier data.
func ReadStatus(rw io.ReadWriter, timeout time.Duration) (Status, error) {
	var a [4]byte
	for n := byte(1); n <= 4; n++ {
		b, err := query(rw, []byte{DLE, EOT, n}, isRealtimeAnswer, timeout)
		if err != nil {
			return Status{}, fmt.Errorf("escpos: DLE EOT %d: %w", n, err)
		}
		a[n-1] = b
	}
	return DecodeStatus(a[0], a[1], a[2], a[3]), nil
}

// ReadPaper asks the paper sensors with GS r 1. Unlike DLE EOT, GS r waits
// behind the data already sent, so the answer comes after earlier jobs.
func ReadPaper(rw io.ReadWriter, timeout time.Duration) (nearEnd, end bool, err error) {
	b, err := query(rw, []byte{GS, 'r', 1}, isGSrAnswer, timeout)
	if err != nil {
		return false, false, fmt.Errorf("escpos: GS r 1: %w", err)
	}
	return b&0x03 == 0x03, b&0x0c == 0x0c, nil
}

// query sends cmd and returns the first byte read that accept approves,
// discarding others (stray bytes, late answers), within timeout.
func query(rw io.ReadWriter, cmd []byte, accept func(byte) bool, timeout time.Duration) (byte, error) {
	if timeout <= 0 {
		return 0, invalid("status timeout %v", timeout)
	}
	deadline := time.Now().Add(timeout)
	dr, hasDeadline := rw.(DeadlineReader)
	tr, hasTimeout := rw.(TimeoutReader)
	switch {
	case hasDeadline:
		if err := dr.SetReadDeadline(deadline); err != nil {
			return 0, fmt.Errorf("%w: %w", ErrNoTimeout, err)
		}
		defer dr.SetReadDeadline(time.Time{})
	case hasTimeout:
		if err := tr.SetReadTimeout(timeout); err != nil {
			return 0, fmt.Errorf("%w: %w", ErrNoTimeout, err)
		}
	default:
		return 0, ErrNoTimeout
	}
	if _, err := rw.Write(cmd); err != nil {
		return 0, fmt.Errorf("write: %w", err)
	}
	var buf [1]byte
	for time.Now().Before(deadline) {
		if hasTimeout && !hasDeadline {
			if err := tr.SetReadTimeout(time.Until(deadline)); err != nil {
				return 0, err
			}
		}
		n, err := rw.Read(buf[:])
		if n == 1 && accept(buf[0]) {
			return buf[0], nil
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("read: %w", err)
		}
	}
	return 0, ErrNoAnswer
}
