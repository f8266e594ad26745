package printer_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"motcua/devices/printer"
	"motcua/devices/printer/printertest"
	"motcua/devices/serialtest"
)

// bigJob is far more than any link buffers (a 2-copy receipt is 70 KB).
func bigJob() printer.Job {
	return printer.Job{ID: 9, Kind: "receipt", Ref: "X", Data: bytes.Repeat([]byte("0123456789abcdef"), 16<<10)}
}

// printReturns runs Print on a printer that took the first bytes and then
// stopped taking any, with a context that ends soon: Print must give up,
// say how much the link accepted, and report the printer offline.
func printReturns(t *testing.T, p printer.Printer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	j := bigJob()
	go func() {
		n, err := p.Print(ctx, j)
		done <- result{n, err}
	}()
	select {
	case r := <-done:
		if r.n >= len(j.Data) || !errors.Is(r.err, printer.ErrOffline) {
			t.Fatalf("Print on a stuck printer = %d of %d bytes, %v; want a part and ErrOffline", r.n, len(j.Data), r.err)
		}
		if !errors.Is(r.err, context.DeadlineExceeded) && !errors.Is(r.err, printer.ErrWriteTimeout) {
			t.Fatalf("Print on a stuck printer: %v, want the deadline as the cause", r.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Print on a printer that takes no data never returned")
	}
	// Close does not wait for the stuck write either.
	closed := make(chan error, 1)
	go func() { closed <- p.Close() }()
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("Close blocked behind a stuck write")
	}
}

func TestSerialWriteHasADeadline(t *testing.T) {
	pty := serialtest.New(t)
	end, err := pty.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	dev := printertest.NewDevice(end)
	defer dev.Close()
	dev.PauseAfter(4096) // a printer whose buffer is full: it stops reading
	p, err := printer.OpenSerial(printer.SerialOpts{Name: "kiosk1", Path: pty.Port, Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	printReturns(t, p)
}

func TestUSBWriteHasADeadline(t *testing.T) {
	// A pipe nobody reads stands for a usblp device whose printer stopped
	// taking data: once the pipe's buffer is full, writes block.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	printReturns(t, printer.NewConn(w, printer.ConnOpts{Name: "quay1"}))
}
