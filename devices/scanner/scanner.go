package scanner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"

	"motcua/internal/clock"
)

// Defaults of Opts.
const (
	DefaultBaud        = 9600
	DefaultMinLen      = 3
	DefaultMaxLen      = 512
	DefaultLineTimeout = time.Second
	DefaultPause       = 150 * time.Millisecond
	DefaultMinBackoff  = 100 * time.Millisecond
	DefaultMaxBackoff  = time.Second
	// readTimeout is how long one Read waits: how quickly the goroutine sees
	// its context end and a partial line time out.
	readTimeout = 100 * time.Millisecond
	// stableConnection is how long a connection must last for the backoff
	// to start again from MinBackoff.
	stableConnection = 5 * time.Second
)

// ErrNotPresent reports that no port matches the scanner's USB ids (it is
// unplugged); the scanner keeps looking.
var ErrNotPresent = errors.New("scanner: không thấy máy quét")

// Code is one code a scanner read.
type Code struct {
	Scanner string // the scanner's name (Opts.Name)
	Kiosk   string // the kiosk it belongs to (Opts.Kiosk)
	Text    string // what was scanned, without the line ending nor an AIM identifier
	// Symbology is the AIM identifier the scanner put before the code
	// ("]C0" Code128, "]Q1" QR, "]d2" Data Matrix), "" when it sends none.
	Symbology string
	At        time.Time // when its line ending arrived
}

// Enumerator lists the serial ports with their USB details
// (enumerator.GetDetailedPortsList).
type Enumerator func() ([]*enumerator.PortDetails, error)

// Opener opens a serial port (serial.Open).
type Opener func(path string, mode *serial.Mode) (serial.Port, error)

// Opts configures a Scanner: a device Path, or USB VID and PID (with Serial
// to tell identical scanners apart). Zero fields take the defaults above.
type Opts struct {
	// Name identifies the scanner in codes and logs (the config key).
	Name string
	// Kiosk is the kiosk whose page gets this scanner's codes.
	Kiosk string
	// Path is the device ("/dev/ttyACM0", "/dev/serial/by-id/…"); reopened
	// after each disconnect.
	Path string
	// VID and PID are the USB ids in hex ("0c2e", "0b6a"); the port is looked
	// up again on each reconnect, so a new /dev/ttyACM* name is found.
	VID, PID string
	// Serial is the USB serial number, when several identical scanners are plugged.
	Serial string
	// Baud is the speed of an RS-232 scanner (USB-CDC ignores it); default 9600.
	Baud int
	// Suffix is the line ending the scanner sends; default SuffixAuto.
	Suffix Suffix
	// MinLen and MaxLen bound a code in characters and bytes.
	MinLen, MaxLen int
	// LineTimeout drops a line left without its ending this long.
	LineTimeout time.Duration
	// Pause ends a code of a scanner that sends no suffix (SuffixNone):
	// no byte for this long after one. Default DefaultPause.
	Pause time.Duration
	// MinBackoff and MaxBackoff space reconnection attempts; the delay
	// doubles up to MaxBackoff, so a replugged scanner reads again within
	// MaxBackoff plus the time to open it.
	MinBackoff, MaxBackoff time.Duration
	// OnCode receives each code, from the scanner's goroutine: it must not
	// block (hand the code to a channel or hub and return). Required.
	OnCode func(Code)
	// Logger gets connections, disconnections and dropped lines (their length
	// and reason, never their content); default slog.Default().
	Logger *slog.Logger
	// Clock is the clock of Code.At, line timeouts and the reconnection
	// backoff; default clock.System.
	Clock clock.Clock
	// Enumerate and Open reach the hardware; defaults
	// enumerator.GetDetailedPortsList and serial.Open.
	Enumerate Enumerator
	Open      Opener
}

// State is what a scanner is doing, for /healthz.
type State struct {
	Connected bool      `json:"connected"`
	Path      string    `json:"path,omitempty"`  // the port in use or last tried
	Since     time.Time `json:"since"`           // when Connected last changed
	Error     string    `json:"error,omitempty"` // why it is not connected
}

// Scanner reads codes from one serial or USB-CDC barcode scanner in its own
// goroutine, reconnecting whenever the device goes away.
type Scanner struct {
	opts   Opts
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once

	mu    sync.Mutex
	state State
}

// Start checks opts and starts reading in a goroutine that runs until ctx
// ends or Close is called. A scanner that is not plugged in yet is not an
// error: it is looked for until it appears.
func Start(ctx context.Context, opts Opts) (*Scanner, error) {
	if opts.Name == "" {
		return nil, errors.New("scanner: thiếu tên máy quét")
	}
	if opts.OnCode == nil {
		return nil, fmt.Errorf("scanner %s: thiếu OnCode", opts.Name)
	}
	if (opts.Path == "") == (opts.VID == "" && opts.PID == "") {
		return nil, fmt.Errorf("scanner %s: cần đúng một trong hai: path, hoặc vid và pid", opts.Name)
	}
	if opts.Path == "" && (!hexID(opts.VID) || !hexID(opts.PID)) {
		return nil, fmt.Errorf("scanner %s: vid %q và pid %q phải là 4 chữ số hex (ví dụ 0c2e)", opts.Name, opts.VID, opts.PID)
	}
	if opts.Suffix == "" {
		opts.Suffix = SuffixAuto
	}
	opts.Suffix = Suffix(strings.ToLower(string(opts.Suffix)))
	if !opts.Suffix.valid() {
		return nil, fmt.Errorf("scanner %s: suffix %q không hợp lệ (auto, cr, lf, crlf, tab, none, stx-etx)", opts.Name, opts.Suffix)
	}
	if opts.Baud <= 0 {
		opts.Baud = DefaultBaud
	}
	if opts.MinLen <= 0 {
		opts.MinLen = DefaultMinLen
	}
	if opts.MaxLen <= 0 {
		opts.MaxLen = DefaultMaxLen
	}
	if opts.LineTimeout <= 0 {
		opts.LineTimeout = DefaultLineTimeout
	}
	if opts.Pause <= 0 {
		opts.Pause = DefaultPause
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(DefaultMaxBackoff, opts.MinBackoff)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	opts.Clock = clock.Or(opts.Clock)
	if opts.Enumerate == nil {
		opts.Enumerate = func() ([]*enumerator.PortDetails, error) { return enumerator.GetDetailedPortsList() }
	}
	if opts.Open == nil {
		opts.Open = serial.Open
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Scanner{
		opts:   opts,
		log:    opts.Logger.With("scanner", opts.Name, "kiosk", opts.Kiosk),
		cancel: cancel,
		done:   make(chan struct{}),
		state:  State{Since: opts.Clock.Now(), Error: "chưa kết nối"},
	}
	go s.run(ctx)
	return s, nil
}

// Close stops the goroutine and closes the port; it returns once both are
// done. Safe to call more than once and concurrently.
func (s *Scanner) Close() error {
	s.once.Do(s.cancel)
	<-s.done
	return nil
}

// Done is closed when the scanner's goroutine has ended.
func (s *Scanner) Done() <-chan struct{} { return s.done }

// State reports whether the scanner is connected, and on which port.
func (s *Scanner) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *Scanner) setState(connected bool, path string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.Connected != connected {
		s.state.Since = s.opts.Clock.Now()
	}
	s.state.Connected, s.state.Path, s.state.Error = connected, path, ""
	if err != nil {
		s.state.Error = err.Error()
	}
}

func (s *Scanner) run(ctx context.Context) {
	defer close(s.done)
	defer s.cancel()
	backoff := s.opts.MinBackoff
	var lastErr string
	for ctx.Err() == nil {
		port, path, err := s.connect()
		if err != nil {
			s.setState(false, path, err)
			if msg := err.Error(); msg != lastErr { // once per kind of failure, not every 100 ms
				s.log.Warn("scanner: chưa mở được máy quét, sẽ thử lại", "path", path, "err", err)
				lastErr = msg
			}
			_ = clock.Sleep(ctx, s.opts.Clock, backoff) // ctx ending ends the loop
			backoff = min(backoff*2, s.opts.MaxBackoff)
			continue
		}
		lastErr = ""
		s.setState(true, path, nil)
		s.log.Info("scanner: đã kết nối máy quét", "path", path)
		connectedAt := s.opts.Clock.Now()
		err = s.read(ctx, port)
		port.Close()
		if ctx.Err() != nil {
			s.setState(false, path, errors.New("đã dừng"))
			return
		}
		s.setState(false, path, err)
		s.log.Warn("scanner: mất kết nối máy quét, đang chờ cắm lại", "path", path, "err", err)
		// A port that opens and fails at once (a flaky cable, a driver in
		// trouble) must not turn into a busy loop: keep backing off until a
		// connection lasts.
		if s.opts.Clock.Now().Sub(connectedAt) > stableConnection {
			backoff = s.opts.MinBackoff
		}
		_ = clock.Sleep(ctx, s.opts.Clock, backoff)
		backoff = min(backoff*2, s.opts.MaxBackoff)
	}
}

// connect opens the configured path, or the first free port with the
// configured USB ids.
func (s *Scanner) connect() (serial.Port, string, error) {
	mode := &serial.Mode{BaudRate: s.opts.Baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit}
	paths := []string{s.opts.Path}
	if s.opts.Path == "" {
		ports, err := s.opts.Enumerate()
		if err != nil {
			return nil, "", fmt.Errorf("scanner: liệt kê cổng: %w", err)
		}
		if paths = Match(ports, s.opts.VID, s.opts.PID, s.opts.Serial); len(paths) == 0 {
			return nil, "", fmt.Errorf("%w USB %s:%s%s", ErrNotPresent, s.opts.VID, s.opts.PID, serialSuffix(s.opts.Serial))
		}
	}
	var firstErr error
	for _, p := range paths {
		port, err := s.opts.Open(p, mode)
		if err == nil {
			if err = port.SetReadTimeout(readTimeout); err == nil {
				return port, p, nil
			}
			port.Close()
		}
		if firstErr == nil {
			firstErr = fmt.Errorf("scanner: mở %s: %w", p, err)
		}
	}
	return nil, paths[0], firstErr
}

// read delivers codes until the port fails or ctx ends.
func (s *Scanner) read(ctx context.Context, port serial.Port) error {
	sp := newSplitter(s.opts.Suffix, s.opts.MinLen, s.opts.MaxLen)
	deliver := func(text string) {
		sym, text := aim(text)
		s.opts.OnCode(Code{Scanner: s.opts.Name, Kiosk: s.opts.Kiosk, Text: text, Symbology: sym, At: s.opts.Clock.Now()})
	}
	drop := func(d discard) {
		s.log.Warn("scanner: bỏ một dòng", "reason", d.reason, "bytes", d.length)
	}
	buf := make([]byte, 256)
	var lastByte time.Time
	for ctx.Err() == nil {
		n, err := port.Read(buf)
		if n > 0 {
			lastByte = s.opts.Clock.Now()
			sp.feed(buf[:n], deliver, drop)
		}
		if err != nil {
			sp.flush("dòng dở dang khi mất kết nối", drop)
			return fmt.Errorf("scanner: đọc: %w", err)
		}
		if n == 0 && sp.pending() {
			quiet := s.opts.Clock.Now().Sub(lastByte)
			switch {
			case s.opts.Suffix == SuffixNone && quiet >= s.opts.Pause:
				sp.pause(deliver, drop)
			case quiet >= s.opts.LineTimeout:
				sp.flush(fmt.Sprintf("dòng dở dang, không có ký tự kết thúc sau %v", s.opts.LineTimeout), drop)
			}
		}
	}
	return nil
}

// Match returns the paths of the USB ports with the ids (hex, any case) and,
// if serialNumber is set, that serial number, sorted by path.
func Match(ports []*enumerator.PortDetails, vid, pid, serialNumber string) []string {
	var paths []string
	for _, p := range ports {
		if p == nil || !p.IsUSB || !strings.EqualFold(p.VID, vid) || !strings.EqualFold(p.PID, pid) {
			continue
		}
		if serialNumber != "" && p.SerialNumber != serialNumber {
			continue
		}
		paths = append(paths, p.Name)
	}
	slices.Sort(paths)
	return paths
}

func hexID(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, c := range strings.ToLower(s) {
		if !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func serialSuffix(sn string) string {
	if sn == "" {
		return ""
	}
	return " số sê-ri " + sn
}
