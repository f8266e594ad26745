package scanner

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"

	"motcua/devices/serialtest"
	"motcua/internal/clock/clocktest"
)

// logBuffer collects log output safely across goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// pty is a serialtest cable: the scanner end, which the Scanner opens, and
// the host end, where the test types what the scanner would send.
type pty struct {
	cable   *serialtest.Cable
	scanner string
	host    *os.File
}

// startPTY plugs a cable in with its scanner end at DIR/scannerName.
func startPTY(t *testing.T, dir, scannerName string) *pty {
	t.Helper()
	c := serialtest.NewAt(t, filepath.Join(dir, scannerName), filepath.Join(dir, "host"))
	f, err := c.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	p := &pty{cable: c, scanner: c.Port, host: f}
	t.Cleanup(p.stop)
	return p
}

func (p *pty) write(t *testing.T, s string) {
	t.Helper()
	if _, err := p.host.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// stop is an unplug: socat ends and both pseudo-terminals vanish.
func (p *pty) stop() {
	if p.host != nil {
		p.host.Close()
		p.host = nil
	}
	p.cable.Kill()
}

// collector gathers codes delivered by OnCode.
type collector struct {
	mu    sync.Mutex
	codes []Code
	ch    chan Code
}

func newCollector() *collector { return &collector{ch: make(chan Code, 100)} }

func (c *collector) on(code Code) {
	c.mu.Lock()
	c.codes = append(c.codes, code)
	c.mu.Unlock()
	select {
	case c.ch <- code:
	default:
	}
}

func (c *collector) texts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, code := range c.codes {
		out = append(out, code.Text)
	}
	return out
}

// wait waits until n codes have arrived in all.
func (c *collector) wait(t *testing.T, n int, timeout time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if got := c.texts(); len(got) >= n {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("got %q within %v, want %d codes", c.texts(), timeout, n)
	return nil
}

func start(t *testing.T, opts Opts) (*Scanner, *collector, *logBuffer) {
	t.Helper()
	col := newCollector()
	logs := &logBuffer{}
	opts.OnCode = col.on
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if opts.Name == "" {
		opts.Name = "quay1"
	}
	opts.Kiosk = "k1"
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	waitConnected(t, s, 3*time.Second)
	return s, col, logs
}

func waitConnected(t *testing.T, s *Scanner, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !s.State().Connected {
		if time.Now().After(deadline) {
			t.Fatalf("not connected after %v: %+v", timeout, s.State())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func waitDisconnected(t *testing.T, s *Scanner, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for s.State().Connected {
		if time.Now().After(deadline) {
			t.Fatalf("the unplug was not noticed within %v", timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newClock is a fake clock for the tests that time the scanner.
func newClock() *clocktest.Fake { return clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)) }

// waitBackoff waits until the scanner waits on clk and returns for how long.
func waitBackoff(t *testing.T, clk *clocktest.Fake) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !clk.WaitForWaiters(ctx, 1) {
		t.Fatal("the scanner never waited to reconnect")
	}
	next, _ := clk.Next()
	return next.Sub(clk.Now())
}

// advanceUntilConnected ends each wait of the scanner on clk until it is
// connected, and returns how much clock time that took.
func advanceUntilConnected(t *testing.T, s *Scanner, clk *clocktest.Fake) time.Duration {
	t.Helper()
	var waited time.Duration
	deadline := time.Now().Add(5 * time.Second)
	for !s.State().Connected {
		if time.Now().After(deadline) {
			t.Fatalf("not connected after %v of clock time: %+v", waited, s.State())
		}
		if next, ok := clk.Next(); ok {
			d := next.Sub(clk.Now())
			waited += d
			clk.Advance(d)
			continue
		}
		time.Sleep(5 * time.Millisecond)
	}
	return waited
}

const code1 = "000.00.14.H56-200203-0118"
const code2 = "000.17.22.H56-210531-0001"

func TestReadsEachSuffix(t *testing.T) {
	for _, tc := range []struct {
		suffix Suffix
		input  string
	}{
		{SuffixCR, code1 + "\r" + code2 + "\r"},
		{SuffixLF, code1 + "\n" + code2 + "\n"},
		{SuffixCRLF, code1 + "\r\n" + code2 + "\r\n"},
		{SuffixAuto, code1 + "\r" + code2 + "\n" + code1 + "\r\n" + code2 + "\r"},
	} {
		t.Run(string(tc.suffix), func(t *testing.T) {
			p := startPTY(t, t.TempDir(), "scanner")
			_, col, _ := start(t, Opts{Path: p.scanner, Suffix: tc.suffix, Baud: 115200})
			p.write(t, tc.input)
			want := strings.Count(tc.input, "-0118") + strings.Count(tc.input, "-0001")
			got := col.wait(t, want, 2*time.Second)
			for i, g := range got {
				if g != code1 && g != code2 {
					t.Fatalf("code %d = %q", i, g)
				}
			}
			col.mu.Lock()
			c := col.codes[0]
			col.mu.Unlock()
			if c.Scanner != "quay1" || c.Kiosk != "k1" || c.At.IsZero() {
				t.Fatalf("code %+v lacks its scanner, kiosk or time", c)
			}
		})
	}
}

func TestGarbageAndOverlongLinesAreDropped(t *testing.T) {
	p := startPTY(t, t.TempDir(), "scanner")
	_, col, logs := start(t, Opts{Path: p.scanner})
	rng := rand.New(rand.NewPCG(5, 2026))
	burst := make([]byte, 2048)
	for i := range burst {
		burst[i] = byte(rng.UintN(256))
	}
	p.write(t, string(burst)+"\r")
	p.write(t, strings.Repeat("9", 5000)+"\r\n")
	p.write(t, code1+"\r\n")
	p.write(t, code2+"\r\n")
	p.write(t, code1+"\r\n") // read last: whatever came before it is in
	got := col.wait(t, 3, 2*time.Second)
	if !slices.Equal(got, []string{code1, code2, code1}) {
		t.Fatalf("got %q, want only the good codes", got)
	}
	l := logs.String()
	if !strings.Contains(l, "dòng dài quá 512 byte") || !strings.Contains(l, "bỏ một dòng") {
		t.Fatalf("drops not logged:\n%s", l)
	}
}

func TestPartialLineTimesOut(t *testing.T) {
	p := startPTY(t, t.TempDir(), "scanner")
	clk := newClock()
	const timeout = 200 * time.Millisecond
	_, col, logs := start(t, Opts{Path: p.scanner, LineTimeout: timeout, Clock: clk})
	// While the clock stands still a code may come in pieces.
	p.write(t, code1[:12])
	p.write(t, code1[12:]+"\r")
	if got := col.wait(t, 1, 2*time.Second); got[0] != code1 {
		t.Fatalf("got %q, want the code sent in two pieces", got)
	}
	// Once LineTimeout has passed with no ending, the piece is dropped.
	p.write(t, "000.00.14.H5")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "dòng dở dang") {
		if time.Now().After(deadline) {
			t.Fatalf("partial line not dropped:\n%s", logs.String())
		}
		clk.Advance(timeout)
		time.Sleep(5 * time.Millisecond)
	}
	p.write(t, code2+"\r")
	if got := col.wait(t, 2, 2*time.Second); got[1] != code2 {
		t.Fatalf("got %q: the partial line must not prefix the next code", got)
	}
}

func TestReplugSamePath(t *testing.T) {
	dir := t.TempDir()
	p := startPTY(t, dir, "scanner")
	clk := newClock()
	s, col, logs := start(t, Opts{Path: p.scanner, Clock: clk})
	p.write(t, code1+"\r")
	col.wait(t, 1, 2*time.Second)

	p.write(t, "000.00.14") // unplugged in the middle of a code
	time.Sleep(50 * time.Millisecond)
	p.stop()
	waitDisconnected(t, s, 2*time.Second)
	// Unplugged long enough for the backoff to reach its maximum.
	for i := 0; ; i++ {
		d := waitBackoff(t, clk)
		if d == DefaultMaxBackoff {
			break
		}
		if i == 10 {
			t.Fatalf("backoff %v after %d attempts, want %v", d, i, DefaultMaxBackoff)
		}
		clk.Advance(d)
	}

	p = startPTY(t, dir, "scanner")
	if d := advanceUntilConnected(t, s, clk); d > DefaultMaxBackoff {
		t.Fatalf("reconnected %v after the replug, want within %v", d, DefaultMaxBackoff)
	}
	typeUntilRead(t, p, col, 2, code2)
	if got := col.texts(); !slices.Equal(got[:2], []string{code1, code2}) {
		t.Fatalf("got %q", got)
	}
	if l := logs.String(); !strings.Contains(l, "mất kết nối") || !strings.Contains(l, "dòng dở dang khi mất kết nối") {
		t.Fatalf("logs:\n%s", l)
	}
}

// typeUntilRead types code every 100 ms until the collector holds n codes.
func typeUntilRead(t *testing.T, p *pty, col *collector, n int, code string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		p.write(t, code+"\r")
		select {
		case <-col.ch:
			if len(col.texts()) >= n {
				return
			}
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("no code read within 5 s of the replug; got %q", col.texts())
}

// usbDir is a fake enumerator: every DIR/ttyACM* link is the USB scanner
// 0c2e:0b6a with serial number SN1.
func usbDir(dir string) Enumerator {
	return func() ([]*enumerator.PortDetails, error) {
		links, _ := filepath.Glob(filepath.Join(dir, "ttyACM*"))
		var ports []*enumerator.PortDetails
		for _, l := range links {
			ports = append(ports, &enumerator.PortDetails{Name: l, IsUSB: true, VID: "0C2E", PID: "0B6A", SerialNumber: "SN1"})
		}
		return ports, nil
	}
}

func TestReplugUSBUnderNewName(t *testing.T) {
	dir := t.TempDir()
	p := startPTY(t, dir, "ttyACM0")
	clk := newClock()
	s, col, _ := start(t, Opts{VID: "0c2e", PID: "0b6a", Serial: "SN1", Enumerate: usbDir(dir), Clock: clk})
	p.write(t, code1+"\r")
	col.wait(t, 1, 2*time.Second)
	p.stop()
	waitDisconnected(t, s, 2*time.Second)
	p = startPTY(t, dir, "ttyACM1")
	if d := advanceUntilConnected(t, s, clk); d > DefaultMaxBackoff {
		t.Fatalf("reconnected %v after the replug, want within %v", d, DefaultMaxBackoff)
	}
	typeUntilRead(t, p, col, 2, code2)
	if st := s.State(); st.Path != filepath.Join(dir, "ttyACM1") {
		t.Fatalf("state %+v, want the new name", st)
	}
}

func TestMatch(t *testing.T) {
	ports := []*enumerator.PortDetails{
		{Name: "/dev/ttyS0"},
		{Name: "/dev/ttyACM1", IsUSB: true, VID: "0C2E", PID: "0B6A", SerialNumber: "B"},
		{Name: "/dev/ttyACM0", IsUSB: true, VID: "0c2e", PID: "0b6a", SerialNumber: "A"},
		{Name: "/dev/ttyUSB0", IsUSB: true, VID: "1a86", PID: "7523"},
		nil,
	}
	for _, tc := range []struct {
		name, vid, pid, serial string
		want                   []string
	}{
		{"any serial, sorted", "0C2E", "0b6a", "", []string{"/dev/ttyACM0", "/dev/ttyACM1"}},
		{"by serial", "0c2e", "0b6a", "B", []string{"/dev/ttyACM1"}},
		{"unknown serial", "0c2e", "0b6a", "C", nil},
		{"other ids", "1a86", "7523", "", []string{"/dev/ttyUSB0"}},
		{"absent", "dead", "beef", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Match(ports, tc.vid, tc.pid, tc.serial); !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAbsentUSBScannerKeepsLooking(t *testing.T) {
	dir := t.TempDir()
	col := newCollector()
	clk := newClock()
	s, err := Start(context.Background(), Opts{Name: "q", VID: "0c2e", PID: "0b6a", OnCode: col.on,
		Enumerate: usbDir(dir), Logger: slog.New(slog.DiscardHandler), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if d := waitBackoff(t, clk); d != DefaultMinBackoff {
		t.Fatalf("first retry in %v, want %v", d, DefaultMinBackoff)
	}
	if st := s.State(); st.Connected || !strings.Contains(st.Error, "không thấy máy quét") {
		t.Fatalf("state %+v", st)
	}
	p := startPTY(t, dir, "ttyACM3")
	advanceUntilConnected(t, s, clk)
	p.write(t, code1+"\n")
	col.wait(t, 1, time.Second)
}

func TestCloseAndContext(t *testing.T) {
	p := startPTY(t, t.TempDir(), "scanner")
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, Opts{Name: "q", Path: p.scanner, OnCode: func(Code) {}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	waitConnected(t, s, 2*time.Second)
	cancel()
	select {
	case <-s.Done():
	case <-time.After(time.Second):
		t.Fatal("the goroutine did not stop with its context")
	}
	if s.State().Connected {
		t.Fatal("still connected after stopping")
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); s.Close() }()
	}
	wg.Wait()
	s.Close()
}

func TestStartRefusesBadOpts(t *testing.T) {
	on := func(Code) {}
	for name, o := range map[string]Opts{
		"no name":       {Path: "/dev/x", OnCode: on},
		"no callback":   {Name: "q", Path: "/dev/x"},
		"no device":     {Name: "q", OnCode: on},
		"both":          {Name: "q", Path: "/dev/x", VID: "0c2e", PID: "0b6a", OnCode: on},
		"bad vid":       {Name: "q", VID: "xyz", PID: "0b6a", OnCode: on},
		"bad suffix":    {Name: "q", Path: "/dev/x", Suffix: "semicolon", OnCode: on},
		"pid without v": {Name: "q", PID: "0b6a", OnCode: on},
	} {
		if s, err := Start(context.Background(), o); err == nil {
			s.Close()
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestList(t *testing.T) {
	root := t.TempDir()
	// A USB printer: /dev/usb/lp0 and its sysfs class link to the interface.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "dev/usb"), 0o755))
	must(os.WriteFile(filepath.Join(root, "dev/usb/lp0"), nil, 0o644))
	dev := filepath.Join(root, "sys/devices/pci0000:00/usb1/1-1")
	must(os.MkdirAll(filepath.Join(dev, "1-1:1.0"), 0o755))
	for f, v := range map[string]string{"idVendor": "04B8\n", "idProduct": "0202\n", "serial": "X5ZK\n", "product": "TM-T82\n", "manufacturer": "EPSON\n"} {
		must(os.WriteFile(filepath.Join(dev, f), []byte(v), 0o644))
	}
	must(os.MkdirAll(filepath.Join(root, "sys/class/usbmisc/lp0"), 0o755))
	must(os.Symlink(filepath.Join(dev, "1-1:1.0"), filepath.Join(root, "sys/class/usbmisc/lp0/device")))

	// A scanner in keyboard mode on USB, and the PC's own keyboard (i8042),
	// which is not listed.
	for ev, files := range map[string]map[string]string{
		"event5": {"id/bustype": "0003\n", "id/vendor": "0C2E\n", "id/product": "0B61\n", "name": "Honeywell Imaging & Mobility 1900\n", "uniq": "21123B4F\n"},
		"event0": {"id/bustype": "0011\n", "id/vendor": "0001\n", "id/product": "0001\n", "name": "AT Translated Set 2 keyboard\n"},
	} {
		for f, v := range files {
			path := filepath.Join(root, "sys/class/input", ev, "device", f)
			must(os.MkdirAll(filepath.Dir(path), 0o755))
			must(os.WriteFile(path, []byte(v), 0o644))
		}
	}

	ports, err := List(ListOpts{Root: root, Enumerate: func() ([]*enumerator.PortDetails, error) {
		return []*enumerator.PortDetails{
			{Name: "/dev/ttyS0"},
			{Name: "/dev/ttyACM0", IsUSB: true, VID: "0C2E", PID: "0B6A", SerialNumber: "SN1", Product: "Honeywell Scanner"},
		}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Port{
		{Path: "/dev/input/event5", Kind: KindInput, USB: true, VID: "0c2e", PID: "0b61", SerialNumber: "21123B4F", Product: "Honeywell Imaging & Mobility 1900"},
		{Path: "/dev/ttyACM0", Kind: KindSerial, USB: true, VID: "0c2e", PID: "0b6a", SerialNumber: "SN1", Product: "Honeywell Scanner"},
		{Path: "/dev/ttyS0", Kind: KindSerial},
		{Path: "/dev/usb/lp0", Kind: KindUSBPrinter, USB: true, VID: "04b8", PID: "0202", SerialNumber: "X5ZK", Manufacturer: "EPSON", Product: "TM-T82"},
	}
	if !slices.Equal(ports, want) {
		t.Fatalf("got  %+v\nwant %+v", ports, want)
	}
}

// flakyPort opens fine and fails on the first read.
type flakyPort struct{ serial.Port }

func (flakyPort) SetReadTimeout(time.Duration) error { return nil }
func (flakyPort) Read([]byte) (int, error)           { return 0, errors.New("EIO") }
func (flakyPort) Close() error                       { return nil }

// TestFlakyPortBacksOff: a port that opens and fails at once is retried
// after 100, 200, 400, 800 ms, then every second, once per wait.
func TestFlakyPortBacksOff(t *testing.T) {
	clk := newClock()
	var opens atomic.Int32
	s, err := Start(context.Background(), Opts{Name: "q", Path: "/dev/ttyACM9", OnCode: func(Code) {},
		Logger: slog.New(slog.DiscardHandler), Clock: clk,
		Open: func(string, *serial.Mode) (serial.Port, error) {
			opens.Add(1)
			return flakyPort{}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	var got []time.Duration
	for i := range want {
		d := waitBackoff(t, clk)
		got = append(got, d/time.Millisecond)
		if n := opens.Load(); n != int32(i+1) {
			t.Fatalf("%d opens before wait %d, want %d", n, i+1, i+1)
		}
		clk.Advance(d)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("backoff %v ms, want %v ms", got, want)
	}
}

// heldPort reads nothing until fail is closed, then fails.
type heldPort struct {
	serial.Port
	fail <-chan struct{}
}

func (heldPort) SetReadTimeout(time.Duration) error { return nil }
func (heldPort) Close() error                       { return nil }
func (p heldPort) Read([]byte) (int, error) {
	select {
	case <-p.fail:
		return 0, errors.New("EIO")
	case <-time.After(readTimeout / 10): // a read timing out, in real time like a port's
		return 0, nil
	}
}

func TestBackoffStartsOverAfterAStableConnection(t *testing.T) {
	clk := newClock()
	var opens atomic.Int32
	fail := make(chan struct{})
	s, err := Start(context.Background(), Opts{Name: "q", Path: "/dev/ttyACM9", OnCode: func(Code) {},
		Logger: slog.New(slog.DiscardHandler), Clock: clk,
		Open: func(string, *serial.Mode) (serial.Port, error) {
			if opens.Add(1) == 5 {
				return heldPort{fail: fail}, nil
			}
			return flakyPort{}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []time.Duration
	for range 4 {
		d := waitBackoff(t, clk)
		got = append(got, d/time.Millisecond)
		clk.Advance(d)
	}
	waitConnected(t, s, 2*time.Second) // the fifth open holds
	clk.Advance(stableConnection + time.Second)
	close(fail)
	for range 2 {
		d := waitBackoff(t, clk)
		got = append(got, d/time.Millisecond)
		clk.Advance(d)
	}
	if want := []time.Duration{100, 200, 400, 800, 100, 200}; !slices.Equal(got, want) {
		t.Fatalf("backoff %v ms, want %v ms", got, want)
	}
}

// A scanner set to send no suffix: each code ends with the pause after it,
// measured on the scanner's clock; an AIM identifier goes to Symbology.
func TestNoSuffixEndsWithAPause(t *testing.T) {
	p := startPTY(t, t.TempDir(), "scanner")
	clk := newClock()
	_, col, _ := start(t, Opts{Path: p.scanner, Suffix: SuffixNone, Clock: clk})
	for i, code := range []string{code1, "]C0" + code2} {
		p.write(t, code)
		deadline := time.Now().Add(5 * time.Second)
		for len(col.texts()) < i+1 {
			if time.Now().After(deadline) {
				t.Fatalf("code %d never ended: %q", i+1, col.texts())
			}
			time.Sleep(20 * time.Millisecond) // let the reader take the bytes, then the pause passes
			clk.Advance(DefaultPause)
		}
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	if len(col.codes) != 2 || col.codes[0].Text != code1 || col.codes[0].Symbology != "" ||
		col.codes[1].Text != code2 || col.codes[1].Symbology != "]C0" {
		t.Fatalf("codes %+v", col.codes)
	}
}
