package scanner

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// typeKeys is the evdev stream of a scanner typing text on its US keyboard
// emulation: each character's key pressed and released, Shift held for
// upper case and symbols, with the EV_SYN reports between.
func typeKeys(t *testing.T, text string) []byte {
	t.Helper()
	rev := map[byte]struct {
		code  uint16
		shift bool
	}{}
	for code, c := range usKeys {
		if _, seen := rev[c[0]]; !seen || code < 71 { // main keys over the keypad's
			rev[c[0]] = struct {
				code  uint16
				shift bool
			}{code, false}
		}
		if c[1] != c[0] {
			rev[c[1]] = struct {
				code  uint16
				shift bool
			}{code, true}
		}
	}
	var b bytes.Buffer
	ev := func(typ, code uint16, value int32) {
		b.Write(make([]byte, eventSize-8)) // the time stamp
		binary.Write(&b, binary.NativeEndian, typ)
		binary.Write(&b, binary.NativeEndian, code)
		binary.Write(&b, binary.NativeEndian, value)
	}
	syn := func() { ev(0, 0, 0) }
	for i := range len(text) {
		k, ok := rev[text[i]]
		if !ok {
			t.Fatalf("no key for %q", text[i])
		}
		if k.shift {
			ev(evKey, keyLeftShift, 1)
			syn()
		}
		ev(4, 4, int32(k.code)) // EV_MSC MSC_SCAN, as keyboards send: ignored
		ev(evKey, k.code, 1)
		syn()
		ev(evKey, k.code, 0)
		syn()
		if k.shift {
			ev(evKey, keyLeftShift, 0)
			syn()
		}
	}
	return b.Bytes()
}

// decode runs a stream through a hidLink in reads of chunk bytes.
func decode(t *testing.T, stream []byte, chunk int) string {
	t.Helper()
	l := newHIDLink(io.NopCloser(&chunkReader{b: stream, n: chunk}))
	var out []byte
	buf := make([]byte, 8)
	for {
		n, err := l.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return string(out)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

type chunkReader struct {
	b []byte
	n int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	k := min(r.n, len(p), len(r.b))
	copy(p, r.b[:k])
	r.b = r.b[k:]
	return k, nil
}

func TestKeysBecomeTheCode(t *testing.T) {
	signed := "https://motcua.example.gov.vn/h/000.00.14.H56-200203-0118?sig=7EABXHAF7GWX7CVG2PQEH7AB7Y\r"
	for _, chunk := range []int{1, 7, eventSize, 1000} {
		if got := decode(t, typeKeys(t, signed), chunk); got != signed {
			t.Fatalf("read in chunks of %d: %q", chunk, got)
		}
	}
	// Telex would have made "dd" "đ" and "as" "á"; read from the device,
	// the keys are the keys.
	if got := decode(t, typeKeys(t, "ddas aa ow\r"), 100); got != "ddas aa ow\r" {
		t.Fatalf("%q", got)
	}
	// A CapsLock press of the scanner itself flips letters, as on a keyboard.
	var caps bytes.Buffer
	ev := func(code uint16, value int32) {
		caps.Write(make([]byte, eventSize-8))
		binary.Write(&caps, binary.NativeEndian, uint16(evKey))
		binary.Write(&caps, binary.NativeEndian, code)
		binary.Write(&caps, binary.NativeEndian, value)
	}
	ev(keyCapsLock, 1)
	ev(keyCapsLock, 0)
	caps.Write(typeKeys(t, "h5A"))
	if got := decode(t, caps.Bytes(), 64); got != "H5a" {
		t.Fatalf("after CapsLock: %q", got)
	}
}

// A HID scanner found by its USB ids under /sys: its codes reach OnCode,
// the device is opened through OpenInput (which grabs it).
func TestHIDScanner(t *testing.T) {
	sys := t.TempDir()
	for dev, ids := range map[string][2]string{"event3": {"0c2e", "0b6a"}, "event1": {"046d", "c31c"}} {
		d := filepath.Join(sys, "class", "input", dev, "device", "id")
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d, "vendor"), []byte(ids[0]+"\n"), 0o644)
		os.WriteFile(filepath.Join(d, "product"), []byte(ids[1]+"\n"), 0o644)
	}
	if got, err := FindInputs(sys, "0C2E", "0b6a"); err != nil || !slices.Equal(got, []string{"/dev/input/event3"}) {
		t.Fatalf("FindInputs = %v, %v", got, err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	opened := make(chan string, 4)
	_, col, _ := start(t, Opts{HID: true, VID: "0c2e", PID: "0b6a", SysRoot: sys, Clock: newClock(),
		OpenInput: func(path string) (io.ReadCloser, error) { opened <- path; return r, nil }})
	if p := <-opened; p != "/dev/input/event3" {
		t.Fatalf("opened %s", p)
	}
	if _, err := w.Write(typeKeys(t, code1+"\r"+"]Q1"+code2+"\r")); err != nil {
		t.Fatal(err)
	}
	if got := col.wait(t, 2, 5*time.Second); !slices.Equal(got, []string{code1, code2}) {
		t.Fatalf("codes %q", got)
	}
}
