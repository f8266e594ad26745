package printer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"go.bug.st/serial"

	"motcua/devices/serialtest"
)

// A printer set to XON/XOFF sends XOFF when its buffer fills: nothing more
// reaches it until its XON, and then the job goes on where it stopped.
//
// The XOFF takes effect when the kernel's line discipline has read it, which
// a loaded machine can delay past the test's wait: an attempt whose job got
// through before it is tried again on a new port, and the test fails only
// when three attempts in a row let bytes past the XOFF (a port without
// XON/XOFF lets them past every time).
func TestXonXoffStopsAndRestarts(t *testing.T) {
	var leaked []int
	for range 3 {
		n := xoffAttempt(t)
		if n == 0 {
			return
		}
		leaked = append(leaked, n)
	}
	t.Fatalf("the printer said XOFF and still got %v bytes (three attempts)", leaked)
}

// xoffAttempt prints a job to a port held by XOFF and returns how many
// bytes got past it; when none did, it sends XON and checks that the
// whole job arrives, unaltered.
func xoffAttempt(t *testing.T) int {
	t.Helper()
	pty := serialtest.New(t)
	dev, err := pty.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	p, err := OpenSerial(SerialOpts{Name: "kiosk1", Path: pty.Port, Baud: 9600, FlowControl: FlowXonXoff})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var mu sync.Mutex
	var got bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := dev.Read(buf)
			mu.Lock()
			got.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	received := func() int { mu.Lock(); defer mu.Unlock(); return got.Len() }
	if _, err := dev.Write([]byte{0x13}); err != nil { // XOFF: "my buffer is full"
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)                      // the XOFF reaches the port's line discipline
	data := bytes.Repeat([]byte("0123456789abcdef"), 256*4) // 16 KB
	done := make(chan error, 1)
	go func() {
		_, err := p.Print(context.Background(), Job{Kind: "receipt", Ref: "r", Data: data})
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	if n := received(); n != 0 {
		dev.Write([]byte{0x11}) // let the job end before the port closes
		<-done
		return n
	}
	if _, err := dev.Write([]byte{0x11}); err != nil { // XON
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the job never went on after XON")
	}
	for deadline := time.Now().Add(10 * time.Second); received() < len(data); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the printer got %d of %d bytes after XON", received(), len(data))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !bytes.Equal(got.Bytes(), data) {
		t.Fatal("the job arrived altered")
	}
	return 0
}

// fakeModem is a port whose DSR line the test sets.
type fakeModem struct {
	mu     sync.Mutex
	dsr    bool
	out    bytes.Buffer
	closed bool
}

func (m *fakeModem) setDSR(on bool) { m.mu.Lock(); m.dsr = on; m.mu.Unlock() }
func (m *fakeModem) GetModemStatusBits() (*serial.ModemStatusBits, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, errors.New("closed")
	}
	return &serial.ModemStatusBits{DSR: m.dsr}, nil
}
func (m *fakeModem) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.out.Write(p)
}
func (m *fakeModem) written() int                       { m.mu.Lock(); defer m.mu.Unlock(); return m.out.Len() }
func (m *fakeModem) Read([]byte) (int, error)           { return 0, io.EOF }
func (m *fakeModem) ResetOutputBuffer() error           { return nil }
func (m *fakeModem) SetReadTimeout(time.Duration) error { return nil }
func (m *fakeModem) Close() error                       { m.mu.Lock(); m.closed = true; m.mu.Unlock(); return nil }

// DTR/DSR: while the printer holds its DTR (our DSR) down, nothing is
// written; a stuck line gives up at the job's deadline; up again, the job
// goes on.
func TestDSRGate(t *testing.T) {
	m := &fakeModem{}
	c := NewConn(newDSRGate(m), ConnOpts{Name: "kiosk1", WriteTimeout: time.Minute})
	data := bytes.Repeat([]byte{0xaa}, 1000)
	done := make(chan error, 1)
	go func() {
		_, err := c.Print(context.Background(), Job{Data: data})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if n := m.written(); n != 0 {
		t.Fatalf("%d bytes written while DSR was down", n)
	}
	m.setDSR(true)
	select {
	case err := <-done:
		if err != nil || m.written() != len(data) {
			t.Fatalf("after DSR: %v, %d of %d bytes", err, m.written(), len(data))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the job never went on after DSR rose")
	}

	stuck := &fakeModem{}
	sc := NewConn(newDSRGate(stuck), ConnOpts{Name: "kiosk1"})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if n, err := sc.Print(ctx, Job{Data: data}); n != 0 || !errors.Is(err, ErrOffline) {
		t.Fatalf("a printer busy for good: %d bytes, %v; want offline", n, err)
	}
	if err := sc.Close(); err != nil {
		t.Fatal(err)
	}
}
