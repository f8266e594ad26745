package profile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"motcua/devices/escpos"
)

// Answers are what a printer said when probed; a question it did not
// answer within the timeout is left at its zero value (ok false).
type Answers struct {
	// Status is the DLE EOT 1-4 answer; StatusOK false when none came.
	Status   escpos.Status
	StatusOK bool
	// PaperOK: it answered GS r 1 (so it can confirm that a job is out).
	PaperOK bool
	// ModelID, TypeID and ROMID are the GS I 1, 2 and 3 bytes; IDsOK is
	// false when the printer answered none of them.
	ModelID, TypeID, ROMID byte
	IDsOK                  bool
	// Firmware, Maker and Model answer GS I 65, 66 and 67 (Epson and some
	// others; "" when not).
	Firmware, Maker, Model string
}

// Suggestion is the profile the answers point to: by GS I 66 and 67, else
// Generic.
func (a Answers) Suggestion() string { return Suggest(a.Maker, a.Model) }

// Probe asks the printer on rw, each question waiting at most timeout:
// DLE EOT 1-4, GS r 1, GS I 1, 2, 3 and GS I 65, 66, 67. It prints
// nothing. It fails only when the link fails or cannot bound a read
// (escpos.ErrNoTimeout): a question left unanswered is not an error.
func Probe(rw io.ReadWriter, timeout time.Duration) (Answers, error) {
	var a Answers
	if timeout <= 0 {
		return a, fmt.Errorf("profile: probe timeout %v", timeout)
	}
	st, err := escpos.ReadStatus(rw, timeout)
	switch {
	case err == nil:
		a.Status, a.StatusOK = st, true
	case errors.Is(err, escpos.ErrNoTimeout):
		return a, fmt.Errorf("profile: probe: %w", err)
	}
	if _, _, err := escpos.ReadPaper(rw, timeout); err == nil {
		a.PaperOK = true
	} else if errors.Is(err, escpos.ErrNoTimeout) {
		return a, fmt.Errorf("profile: probe: %w", err)
	}
	l := link{rw: rw}
	defer l.reset()
	ids := []*byte{&a.ModelID, &a.TypeID, &a.ROMID}
	for i, id := range ids {
		if err := l.drain(); err != nil {
			return a, err
		}
		b, ok, err := l.ask(byte(i+1), timeout)
		if err != nil {
			return a, err
		}
		if ok && len(b) == 1 {
			*id, a.IDsOK = b[0], true
		}
	}
	names := []*string{&a.Firmware, &a.Maker, &a.Model}
	for i, name := range names {
		if err := l.drain(); err != nil {
			return a, err
		}
		b, ok, err := l.ask(byte(65+i), timeout)
		if err != nil {
			return a, err
		}
		if ok {
			*name = strings.TrimSpace(string(b))
		}
	}
	return a, nil
}

// link reads a printer's answers with bounded reads.
type link struct{ rw io.ReadWriter }

// read reads one byte before deadline; ok is false when none came.
func (l link) read(deadline time.Time) (byte, bool, error) {
	var err error
	switch r := l.rw.(type) {
	case escpos.DeadlineReader:
		err = r.SetReadDeadline(deadline)
	case escpos.TimeoutReader:
		err = r.SetReadTimeout(max(time.Until(deadline), time.Millisecond))
	default:
		return 0, false, fmt.Errorf("profile: probe: %w", escpos.ErrNoTimeout)
	}
	if err != nil {
		return 0, false, fmt.Errorf("profile: probe: %w: %w", escpos.ErrNoTimeout, err)
	}
	var buf [1]byte
	n, err := l.rw.Read(buf[:])
	if n == 1 {
		return buf[0], true, nil
	}
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, false, nil
	}
	return 0, false, fmt.Errorf("profile: probe: read: %w", err)
}

func (l link) reset() {
	if r, ok := l.rw.(escpos.DeadlineReader); ok {
		_ = r.SetReadDeadline(time.Time{})
	}
}

// drain drops what a late answer left on the link.
func (l link) drain() error {
	for range 64 {
		_, ok, err := l.read(time.Now().Add(20 * time.Millisecond))
		if err != nil || !ok {
			return err
		}
	}
	return nil
}

// ask sends GS I n. For n below 65 the answer is one byte; from 65 on it
// is "_", the text, and NUL (Epson's "printer information B").
func (l link) ask(n byte, timeout time.Duration) ([]byte, bool, error) {
	if _, err := l.rw.Write([]byte{escpos.GS, 'I', n}); err != nil {
		return nil, false, fmt.Errorf("profile: probe: GS I %d: %w", n, err)
	}
	deadline := time.Now().Add(timeout)
	b, ok, err := l.read(deadline)
	if err != nil || !ok {
		return nil, false, err
	}
	if n < 65 {
		return []byte{b}, true, nil
	}
	if b != '_' {
		return nil, false, nil // not the header: something else answered
	}
	var text []byte
	for len(text) < 80 {
		b, ok, err := l.read(deadline)
		if err != nil || !ok {
			return nil, false, err
		}
		if b == 0 {
			return text, true, nil
		}
		text = append(text, b)
	}
	return nil, false, nil
}
