package button_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"motcua/devices/button"
	"motcua/devices/serialtest"
	"motcua/internal/clock/clocktest"
)

var t0 = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

func TestDebounceCountsRepeatsOnce(t *testing.T) {
	d := button.NewDebounce(time.Second)
	steps := []struct {
		key  string
		at   time.Duration
		want bool
	}{
		{"A1", 0, true},
		{"A1", 200 * time.Millisecond, false},  // the remote repeats while held
		{"B2", 300 * time.Millisecond, true},   // another key is another press
		{"A1", 1100 * time.Millisecond, false}, // still held: a second since the last repeat only
		{"A1", 2200 * time.Millisecond, true},  // released, pressed again
		{"A1", 1500 * time.Millisecond, true},  // the clock went back: counts
	}
	for i, s := range steps {
		if got := d.First(s.key, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d (%s at %v): First = %v, want %v", i, s.key, s.at, got, s.want)
		}
	}
}

func TestKeymapLearnsAndKeeps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "buttons.json")
	k, err := button.OpenKeymap(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := k.Press(button.Press{Code: "X9", At: t0}); !errors.Is(err, button.ErrUnknown) {
		t.Fatalf("unknown code: %v", err)
	}
	if u := k.Unknown(); len(u) != 1 || u[0].Code != "X9" {
		t.Errorf("unknown codes %v", u)
	}
	if err := k.Learn("3", "jump", t0.Add(time.Minute)); !errors.Is(err, button.ErrBadAction) {
		t.Errorf("bad action: %v", err)
	}
	if err := k.Learn("3", button.ActionRecall, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if l, ok := k.Learning(t0); !ok || l.Counter != "3" || l.Action != button.ActionRecall {
		t.Errorf("learning %+v %v", l, ok)
	}
	b, learned, err := k.Press(button.Press{Code: "X9", At: t0.Add(time.Second)})
	if err != nil || !learned || b.Counter != "3" || b.Action != button.ActionRecall {
		t.Fatalf("learn press: %+v %v %v", b, learned, err)
	}
	if _, ok := k.Learning(t0); ok {
		t.Error("learn mode still armed after one code")
	}
	if len(k.Unknown()) != 0 {
		t.Error("the learned code is still among the unknown")
	}
	// The next press acts.
	if b, learned, err := k.Press(button.Press{Code: "X9", At: t0.Add(2 * time.Second)}); err != nil || learned || b.Action != button.ActionRecall {
		t.Errorf("press after learning: %+v %v %v", b, learned, err)
	}
	// An expired learn mode binds nothing.
	k.Learn("1", button.ActionNext, t0.Add(time.Minute))
	if _, learned, err := k.Press(button.Press{Code: "Y1", At: t0.Add(2 * time.Minute)}); learned || !errors.Is(err, button.ErrUnknown) {
		t.Errorf("press after the learn mode expired: learned %v, %v", learned, err)
	}
	// Kept across a restart.
	k2, err := button.OpenKeymap(path)
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := k2.Lookup("X9"); !ok || b.Counter != "3" || b.Action != button.ActionRecall {
		t.Errorf("after reopening: %+v %v", b, ok)
	}
	if err := k2.Forget("X9"); err != nil {
		t.Fatal(err)
	}
	if err := k2.Forget("X9"); !errors.Is(err, button.ErrUnknown) {
		t.Errorf("forget twice: %v", err)
	}
	k3, _ := button.OpenKeymap(path)
	if len(k3.Bindings()) != 0 {
		t.Errorf("forgotten binding came back: %v", k3.Bindings())
	}
}

func TestKeymapRefusesABrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "buttons.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := button.OpenKeymap(path); err == nil {
		t.Error("a broken file was accepted")
	}
}

func TestKeymapLearnNotSavedIsNotKept(t *testing.T) {
	dir := t.TempDir()
	k, _ := button.OpenKeymap(filepath.Join(dir, "missing", "buttons.json")) // its directory does not exist
	k.Learn("2", button.ActionNext, t0.Add(time.Minute))
	if _, learned, err := k.Press(button.Press{Code: "Z", At: t0}); err == nil || learned {
		t.Fatalf("learning without saving: learned %v, err %v", learned, err)
	}
	if _, ok := k.Lookup("Z"); ok {
		t.Error("a binding that was not saved is in use")
	}
}

func TestReceiverDeliversCodes(t *testing.T) {
	cable := serialtest.New(t)
	dev, err := cable.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	presses := make(chan button.Press, 10)
	clk := clocktest.New(t0)
	r, err := button.StartReceiver(context.Background(), button.ReceiverOpts{Name: "rx1", Path: cable.Port, Clock: clk,
		Logger: slog.New(slog.DiscardHandler), OnPress: func(p button.Press) { presses <- p }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	deadline := time.Now().Add(20 * time.Second)
	for !r.State().Connected {
		if time.Now().After(deadline) {
			t.Fatal("receiver never connected")
		}
		time.Sleep(5 * time.Millisecond)
	}
	dev.Write([]byte(" 5A3F01\r\n5A3F01\r\n"))
	for i := range 2 {
		select {
		case p := <-presses:
			if p.Code != "5A3F01" || p.Receiver != "rx1" || !p.At.Equal(t0) {
				t.Errorf("press %d: %+v", i, p)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("press %d never came", i)
		}
	}
	if st := r.State(); !st.Connected || st.Presses != 2 || !st.LastPress.Equal(t0) {
		t.Errorf("state %+v", st)
	}
}

// A rating box that is a USB keyboard (HID): its key and Enter, read from
// its input device, arrive as the key's code.
func TestHIDBoxDeliversItsKey(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	presses := make(chan button.Press, 4)
	rx, err := button.StartReceiver(context.Background(), button.ReceiverOpts{Name: "hop1", Path: "/dev/input/event7", HID: true,
		Clock: clocktest.New(t0), Logger: slog.New(slog.DiscardHandler),
		OpenInput: func(string) (io.ReadCloser, error) { return r, nil },
		OnPress:   func(p button.Press) { presses <- p }})
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	// evdev events (struct input_event: a timeval of two C longs, type,
	// code, value): key 3 (code 4) and Enter (28), each down and up.
	var ev bytes.Buffer
	for _, code := range []uint16{4, 28} {
		for _, value := range []int32{1, 0} {
			ev.Write(make([]byte, 2*strconv.IntSize/8))
			binary.Write(&ev, binary.NativeEndian, uint16(1))
			binary.Write(&ev, binary.NativeEndian, code)
			binary.Write(&ev, binary.NativeEndian, value)
		}
	}
	w.Write(ev.Bytes())
	select {
	case p := <-presses:
		if p.Code != "3" || p.Receiver != "hop1" {
			t.Errorf("press %+v", p)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the key never came")
	}
}
