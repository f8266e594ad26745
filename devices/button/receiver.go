package button

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"motcua/devices/scanner"
	"motcua/internal/clock"
)

// Press is one code a receiver read.
type Press struct {
	Receiver string    `json:"receiver"`
	Code     string    `json:"code"`
	At       time.Time `json:"at"`
}

// ReceiverOpts configure a Receiver: a device Path or USB VID and PID, as
// for a scanner.
type ReceiverOpts struct {
	// Name identifies the receiver in presses and logs (the config's name).
	Name             string
	Path             string
	VID, PID, Serial string
	// Baud is the serial speed; default 9600.
	Baud int
	// Suffix ends a code; default scanner.SuffixAuto (CR, LF or CRLF). A
	// box that sends a bare key uses scanner.SuffixNone.
	Suffix scanner.Suffix
	// HID reads a USB keyboard box from its input device (grabbed); it
	// must end each key with Enter.
	HID bool
	// OnPress gets each code, from the receiver's goroutine; it must not
	// block. Required.
	OnPress func(Press)
	Logger  *slog.Logger // default slog.Default()
	Clock   clock.Clock  // default clock.System
	// Open opens the serial port, OpenInput the input device of a HID box
	// (tests); defaults serial.Open and open-and-grab.
	Open      scanner.Opener
	OpenInput scanner.InputOpener
}

// Receiver reads one button receiver or rating box.
type Receiver struct {
	sc *scanner.Scanner

	mu      sync.Mutex
	last    time.Time
	presses uint64
}

// State is a receiver's port state and what it last heard, for /healthz.
type State struct {
	scanner.State
	// LastPress is when the last code came; Presses counts the codes
	// since start (repeats included).
	LastPress time.Time `json:"last_press,omitzero"`
	Presses   uint64    `json:"presses"`
}

// StartReceiver starts reading; a receiver not plugged in yet is looked for
// until it appears.
func StartReceiver(ctx context.Context, o ReceiverOpts) (*Receiver, error) {
	if o.OnPress == nil {
		return nil, errors.New("button: thiếu OnPress")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	r := &Receiver{}
	sc, err := scanner.Start(ctx, scanner.Opts{
		Name: o.Name, Path: o.Path, VID: o.VID, PID: o.PID, Serial: o.Serial, Baud: o.Baud, Suffix: o.Suffix,
		HID: o.HID, MinLen: 1, MaxLen: 64, Logger: o.Logger.With("device", "button receiver"), Clock: o.Clock, Open: o.Open, OpenInput: o.OpenInput,
		OnCode: func(c scanner.Code) {
			code := strings.TrimSpace(c.Text)
			if code == "" {
				return
			}
			r.mu.Lock()
			r.last, r.presses = c.At, r.presses+1
			r.mu.Unlock()
			o.OnPress(Press{Receiver: c.Scanner, Code: code, At: c.At})
		},
	})
	if err != nil {
		return nil, err
	}
	r.sc = sc
	return r, nil
}

// State reports whether the receiver's port is open and what it heard.
func (r *Receiver) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return State{State: r.sc.State(), LastPress: r.last, Presses: r.presses}
}

// Close stops reading and closes the port; idempotent.
func (r *Receiver) Close() error { return r.sc.Close() }

// DefaultWindow is how long a repeated code counts once.
const DefaultWindow = 1500 * time.Millisecond

// Debounce counts a code repeated within Window of its last sighting once.
type Debounce struct {
	window time.Duration
	mu     sync.Mutex
	last   map[string]time.Time
}

// NewDebounce makes a debounce of window (DefaultWindow when 0).
func NewDebounce(window time.Duration) *Debounce {
	if window <= 0 {
		window = DefaultWindow
	}
	return &Debounce{window: window, last: map[string]time.Time{}}
}

// First reports whether key seen at at counts: it was not seen within the
// window before. A key held down (seen again and again) keeps counting as
// the same press.
func (d *Debounce) First(key string, at time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	prev, seen := d.last[key]
	d.last[key] = at
	if len(d.last) > 4096 {
		for k, t := range d.last {
			if at.Sub(t) > d.window {
				delete(d.last, k)
			}
		}
	}
	return !seen || at.Sub(prev) >= d.window || at.Before(prev)
}
