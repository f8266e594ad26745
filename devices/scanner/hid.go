package scanner

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A scanner in its factory setting is a USB keyboard (HID): it types the
// code and Enter. Read through the browser, a code is at the mercy of
// whatever has focus, the keyboard layout and a Vietnamese input method
// (Unikey or EVKey in Telex turns "dd" into "đ" and "as" into "á"). With
// Opts.HID the scanner is read straight from its Linux input device
// (/dev/input/eventN, the evdev protocol), grabbed (EVIOCGRAB) so that its
// keystrokes reach nothing else, and its keys are turned into characters
// here, as a US keyboard would type them: the scanner's own keyboard
// emulation, whatever the PC's layout, CapsLock or input method.

// evdev event types and the keys a scanner types.
const (
	evKey = 0x01

	keyEsc        = 1
	keyBackspace  = 14
	keyTab        = 15
	keyEnter      = 28
	keyLeftShift  = 42
	keyRightShift = 54
	keyCapsLock   = 58
	keyKPEnter    = 96
)

// usKeys maps a key code to what a US keyboard types, without and with
// Shift.
var usKeys = func() map[uint16][2]byte {
	m := map[uint16][2]byte{}
	rows := []struct {
		first        uint16
		plain, shift string
	}{
		{2, "1234567890-=", "!@#$%^&*()_+"},
		{16, "qwertyuiop[]", "QWERTYUIOP{}"},
		{30, "asdfghjkl;'`", "ASDFGHJKL:\"~"},
		{43, "\\zxcvbnm,./", "|ZXCVBNM<>?"},
	}
	for _, r := range rows {
		for i := range len(r.plain) {
			m[r.first+uint16(i)] = [2]byte{r.plain[i], r.shift[i]}
		}
	}
	m[57] = [2]byte{' ', ' '}
	m[keyTab] = [2]byte{'\t', '\t'}
	m[keyEnter] = [2]byte{'\r', '\r'}
	m[keyKPEnter] = [2]byte{'\r', '\r'}
	// The keypad, which some scanners use for digits (NumLock is theirs).
	for code, c := range map[uint16]byte{71: '7', 72: '8', 73: '9', 74: '-', 75: '4', 76: '5', 77: '6', 78: '+',
		79: '1', 80: '2', 81: '3', 82: '0', 83: '.', 55: '*', 98: '/'} {
		m[code] = [2]byte{c, c}
	}
	return m
}()

// keyboard turns evdev key events into the bytes they type.
type keyboard struct {
	shift, caps bool
}

// key returns what a key event types (0 for none): presses and repeats of
// printable keys, Enter as CR, Tab as Tab.
func (k *keyboard) key(code uint16, value int32) byte {
	switch code {
	case keyLeftShift, keyRightShift:
		k.shift = value != 0
		return 0
	case keyCapsLock:
		if value == 1 {
			k.caps = !k.caps
		}
		return 0
	}
	if value == 0 { // a release
		return 0
	}
	c, ok := usKeys[code]
	if !ok {
		return 0
	}
	upper := k.shift
	if isLetter(c[0]) && k.caps {
		upper = !upper
	}
	if upper {
		return c[1]
	}
	return c[0]
}

// eventSize is the size of a struct input_event: a timeval of two longs,
// then type, code and value.
var eventSize = 2*strconv.IntSize/8 + 8

// hidLink reads a grabbed input device as the bytes its keys type. Reads
// return (0, nil) after readTimeout without a key, as a serial port does,
// so line timeouts and pauses work the same.
type hidLink struct {
	r    io.ReadCloser
	kb   keyboard
	buf  []byte
	have int                   // bytes of buf holding events not yet decoded
	dead func(time.Time) error // SetReadDeadline of the device, nil for a plain reader
}

func newHIDLink(r io.ReadCloser) *hidLink {
	l := &hidLink{r: r, buf: make([]byte, 64*eventSize)}
	if d, ok := r.(interface{ SetReadDeadline(time.Time) error }); ok {
		l.dead = d.SetReadDeadline
	}
	return l
}

// Read fills p with the characters typed by the events read. The kernel
// hands whole events; a plain reader (a recorded stream) may not, so a
// part of an event waits for the rest.
func (l *hidLink) Read(p []byte) (int, error) {
	if l.dead != nil {
		if err := l.dead(time.Now().Add(readTimeout)); err != nil {
			l.dead = nil
		}
	}
	n, err := l.r.Read(l.buf[l.have:])
	if errors.Is(err, os.ErrDeadlineExceeded) {
		n, err = 0, nil
	}
	l.have += n
	out, i := 0, 0
	for ; i+eventSize <= l.have && out < len(p); i += eventSize {
		e := l.buf[i+eventSize-8 : i+eventSize]
		typ := binary.NativeEndian.Uint16(e[0:2])
		code := binary.NativeEndian.Uint16(e[2:4])
		value := int32(binary.NativeEndian.Uint32(e[4:8]))
		if typ != evKey {
			continue
		}
		if c := l.kb.key(code, value); c != 0 {
			p[out] = c
			out++
		}
	}
	l.have = copy(l.buf, l.buf[i:l.have])
	if err != nil && out == 0 {
		return 0, err
	}
	return out, nil
}

func (l *hidLink) Close() error { return l.r.Close() }

// InputOpener opens a Linux input device for reading and grabs it.
type InputOpener func(path string) (io.ReadCloser, error)

// FindInputs returns the event devices under sysRoot ("/sys") of the USB
// device with these ids (hex, any case), sorted by path: "/dev/input/event7".
func FindInputs(sysRoot, vid, pid string) ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(sysRoot, "class", "input", "event*"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dirs {
		v, err1 := os.ReadFile(filepath.Join(d, "device", "id", "vendor"))
		p, err2 := os.ReadFile(filepath.Join(d, "device", "id", "product"))
		if err1 != nil || err2 != nil {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(string(v)), vid) && strings.EqualFold(strings.TrimSpace(string(p)), pid) {
			out = append(out, filepath.Join("/dev", "input", filepath.Base(d)))
		}
	}
	slices.Sort(out)
	return out, nil
}

// connectHID opens the scanner's input device: Path, or the first event
// device of VID:PID.
func (s *Scanner) connectHID() (io.ReadCloser, string, error) {
	paths := []string{s.opts.Path}
	if s.opts.Path == "" {
		found, err := FindInputs(s.opts.SysRoot, s.opts.VID, s.opts.PID)
		if err != nil {
			return nil, "", fmt.Errorf("scanner: liệt kê thiết bị nhập: %w", err)
		}
		if paths = found; len(paths) == 0 {
			return nil, "", fmt.Errorf("%w HID %s:%s", ErrNotPresent, s.opts.VID, s.opts.PID)
		}
	}
	var firstErr error
	for _, p := range paths {
		r, err := s.opts.OpenInput(p)
		if err == nil {
			return newHIDLink(r), p, nil
		}
		if firstErr == nil {
			firstErr = fmt.Errorf("scanner: mở %s: %w", p, err)
		}
	}
	return nil, paths[0], firstErr
}
