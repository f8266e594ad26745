package spool_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/devices/printer"
	"motcua/devices/printer/printertest"
	"motcua/devices/serialtest"
	"motcua/devices/spool"
)

// settledEvent waits for the job to print, be sent or fail, moving the
// clock past the spooler's backoffs.
func (h *harness) settledEvent(ctx context.Context) spool.Event {
	h.t.Helper()
	for ctx.Err() == nil {
		e := h.eventOrWait(time.Minute)
		if e != nil && (e.State == spool.Printed || e.State == spool.Sent || e.State == spool.Failed) {
			return *e
		}
	}
	h.t.Fatal("the job never settled")
	return spool.Event{}
}

// A printer on a 2-wire serial cable never answers its status. With the
// default status mode it prints all the same, and says it could not
// confirm; with status: always it waits.
func TestSilentPrinterPrints(t *testing.T) {
	for _, mode := range []spool.StatusMode{"", spool.StatusNever, spool.StatusAlways} {
		t.Run(string(mode), func(t *testing.T) {
			pty := serialtest.New(t)
			end, err := pty.OpenDevice()
			if err != nil {
				t.Fatal(err)
			}
			dev := printertest.NewDevice(end)
			dev.Silent(true)
			defer dev.Close()
			h := newHarness(t)
			p := printer.NewRedial("kiosk1", func() (printer.Printer, error) {
				return printer.OpenSerial(printer.SerialOpts{Name: "kiosk1", Path: pty.Port, Baud: 115200, StatusTimeout: 50 * time.Millisecond})
			})
			s := h.start(map[string]printer.Printer{"kiosk1": p}, func(o *spool.Opts) {
				o.StatusModes = map[string]spool.StatusMode{"kiosk1": mode}
				o.MaxAttempts = 3
			})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			data := escposJob(t, "A001", 24)
			if _, err := s.Submit(ctx, spool.Submission{Printer: "kiosk1", Kind: "ticket", Ref: "A001", Data: data}); err != nil {
				t.Fatal(err)
			}
			e := h.settledEvent(ctx)
			if mode == spool.StatusAlways {
				if e.State != spool.Failed || len(dev.Received()) != 0 {
					t.Fatalf("status always: %+v with %d bytes at the printer; want failed and nothing sent", e, len(dev.Received()))
				}
				return
			}
			if e.State != spool.Sent {
				t.Fatalf("silent printer: %+v, want sent (printed without confirmation)", e)
			}
			if err := dev.WaitCuts(ctx, 1); err != nil || !bytes.Equal(dev.Received(), data) {
				t.Fatalf("the printer got %d of %d bytes: %v", len(dev.Received()), len(data), err)
			}
			// The next job does not ask again: the printer is known silent.
			if _, err := s.Submit(ctx, spool.Submission{Printer: "kiosk1", Kind: "ticket", Ref: "A002", Data: data}); err != nil {
				t.Fatal(err)
			}
			if e := h.settledEvent(ctx); e.State != spool.Sent || e.Attempts != 1 {
				t.Fatalf("second job: %+v", e)
			}
		})
	}
}

// Over TCP the bytes of a job leave at once into the socket's buffers: the
// job is printed only when the printer says it processed them (GS r 1,
// answered behind the data), not when they were handed to the OS.
func TestPrintedOnlyWhenConfirmed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	devs := make(chan *printertest.Device, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		d := printertest.NewDevice(c)
		devs <- d
	}()
	p, err := printer.NewTCP(printer.TCPOpts{Name: "quay1", Addr: ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	s := h.start(map[string]printer.Printer{"quay1": p}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Connect and learn that the printer answers, then make it slow: it
	// takes the first 4 KB of the next job and stops, as a printer whose
	// buffer is full while it prints.
	if _, err := s.Submit(ctx, spool.Submission{Printer: "quay1", Kind: "test", Ref: "t", Data: escposJob(t, "T", 8)}); err != nil {
		t.Fatal(err)
	}
	if e := h.settledEvent(ctx); e.State != spool.Printed {
		t.Fatalf("first job: %+v", e)
	}
	dev := <-devs
	defer dev.Close()
	before := len(dev.Received())
	dev.PauseAfter(4096)
	data := escposJob(t, "000.00.14.H56-200203-0118", 480) // 35 KB
	j, err := s.Submit(ctx, spool.Submission{Printer: "quay1", Kind: "receipt", Ref: "000.00.14.H56-200203-0118", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	for ctx.Err() == nil { // until every byte is in the socket
		got, err := s.Job(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == spool.Printed {
			t.Fatalf("marked printed with %d of %d bytes at the printer", len(dev.Received())-before, len(data))
		}
		if got.State == spool.Written {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := len(dev.Received()) - before; n >= len(data) {
		t.Fatalf("the paused printer took all %d bytes", n)
	}
	dev.Resume()
	if e := h.settledEvent(ctx); e.State != spool.Printed || e.JobID != j.ID {
		t.Fatalf("after the printer caught up: %+v", e)
	}
	if n := len(dev.Received()) - before; n != len(data) {
		t.Fatalf("printed with %d of %d bytes at the printer", n, len(data))
	}
}

// slowLink is a printer on a link of a given speed: it takes bytes at
// bytesPerSec and gives up when its context ends, as a serial port at 9600
// baud would.
type slowLink struct {
	bytesPerSec int
	mu          sync.Mutex
	got         bytes.Buffer
	prints      int
}

func (l *slowLink) WireTime(n int) time.Duration {
	return time.Duration(n) * time.Second / time.Duration(l.bytesPerSec)
}

func (l *slowLink) Print(ctx context.Context, j printer.Job) (int, error) {
	l.mu.Lock()
	l.prints++
	l.mu.Unlock()
	const chunk = 512
	tick := time.Duration(chunk) * time.Second / time.Duration(l.bytesPerSec)
	n := 0
	for n < len(j.Data) {
		select {
		case <-ctx.Done():
			return n, &printer.DeviceError{Printer: "slow", Kind: printer.KindOffline, Err: ctx.Err()}
		case <-time.After(tick):
		}
		k := min(chunk, len(j.Data)-n)
		l.mu.Lock()
		l.got.Write(j.Data[n : n+k])
		l.mu.Unlock()
		n += k
	}
	return n, nil
}

func (l *slowLink) Status(context.Context) (printer.Status, error) {
	return printer.Status{}, printer.ErrNoStatus
}
func (l *slowLink) Close() error { return nil }

// A job longer on the wire than the job timeout is given the time its
// bytes need, and printed once: it was cut off and sent again from its
// first byte, over and over.
func TestLongJobOnASlowLinkPrintsOnce(t *testing.T) {
	link := &slowLink{bytesPerSec: 64 << 10}
	h := newHarness(t)
	s := h.start(map[string]printer.Printer{"quay1": link}, func(o *spool.Opts) { o.JobTimeout = 100 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	data := bytes.Repeat([]byte{0x1b, '@'}, 16<<10) // 32 KB: 0.5 s on this link, five times the job timeout
	if _, err := s.Submit(ctx, spool.Submission{Printer: "quay1", Kind: "receipt", Ref: "r", Data: data}); err != nil {
		t.Fatal(err)
	}
	e := h.settledEvent(ctx)
	link.mu.Lock()
	defer link.mu.Unlock()
	if e.State != spool.Sent || link.prints != 1 || !bytes.Equal(link.got.Bytes(), data) {
		t.Fatalf("%+v after %d sends, %d of %d bytes at the printer; want it sent once, whole", e, link.prints, link.got.Len(), len(data))
	}
}

// A job cut off after part of its bytes is printed again from the top
// once, and says so; cut off again, it fails instead of starting over.
func TestPartlyPrintedJobIsNotSilentlyRestarted(t *testing.T) {
	rec := printertest.NewRecorder()
	cut := &printer.DeviceError{Printer: "p", Kind: printer.KindOffline, Err: errors.New("cable pulled")}
	rec.FailNext(printertest.Failure{Written: 100, Err: cut}, printertest.Failure{Written: 200, Err: cut})
	h := newHarness(t)
	s := h.start(map[string]printer.Printer{"p": rec}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Submit(ctx, spool.Submission{Printer: "p", Kind: "receipt", Ref: "r", Data: make([]byte, 1000)}); err != nil {
		t.Fatal(err)
	}
	var requeued []string
	for ctx.Err() == nil {
		e := h.eventOrWait(time.Minute)
		if e == nil {
			continue
		}
		if e.State == spool.Queued && e.Err != "" {
			requeued = append(requeued, e.Err)
		}
		if e.State == spool.Failed {
			if !strings.Contains(e.Err, "cut off again after 200 of 1000 bytes") {
				t.Fatalf("failed with %q", e.Err)
			}
			break
		}
		if e.State == spool.Printed || e.State == spool.Sent {
			t.Fatalf("a job cut off twice was printed a third time: %+v", e)
		}
	}
	if len(requeued) != 1 || !strings.Contains(requeued[0], "100 of 1000 bytes sent, printing it again from the top") {
		t.Fatalf("requeues %q, want one that says it prints again from the top", requeued)
	}
	if n := len(rec.Jobs()); n != 0 {
		t.Fatalf("%d jobs printed whole", n)
	}
}

// The mark of a job cut off once survives the ordinary waits that follow
// (the printer offline before the next try): cut off a second time, the
// job fails instead of being started over again.
func TestPartlyPrintedMarkSurvivesAWait(t *testing.T) {
	rec := printertest.NewRecorder()
	cut := &printer.DeviceError{Printer: "p", Kind: printer.KindOffline, Err: errors.New("cable pulled")}
	rec.FailNext(printertest.Failure{Written: 100, Err: cut})
	h := newHarness(t)
	s := h.start(map[string]printer.Printer{"p": rec}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Submit(ctx, spool.Submission{Printer: "p", Kind: "receipt", Ref: "r", Data: make([]byte, 1000)}); err != nil {
		t.Fatal(err)
	}
	// First cut: queued again to print from the top; the printer is then
	// out of paper for one try.
	for ctx.Err() == nil {
		if e := h.eventOrWait(time.Minute); e != nil && e.State == spool.Queued && strings.Contains(e.Err, "partly printed") {
			break
		}
	}
	rec.SetStatus(printer.Status{State: printer.StateOffline, Paper: printer.PaperOut})
	for ctx.Err() == nil {
		if e := h.eventOrWait(time.Minute); e != nil && e.State == spool.Queued && strings.Contains(e.Err, "paper out") {
			break
		}
	}
	rec.SetStatus(printer.Status{State: printer.StateOnline, Paper: printer.PaperOK})
	rec.FailNext(printertest.Failure{Written: 200, Err: cut})
	for ctx.Err() == nil {
		e := h.eventOrWait(time.Minute)
		if e == nil {
			continue
		}
		if e.State == spool.Failed {
			if !strings.Contains(e.Err, "cut off again") {
				t.Fatalf("failed with %q", e.Err)
			}
			return
		}
		if e.State == spool.Printed || e.State == spool.Sent {
			t.Fatalf("cut off twice, it was started over a third time and %s", e.State)
		}
	}
	t.Fatal("the job never settled")
}

// A receipt to a 9600-baud printer with a 1 KB buffer, printing slower
// than the line feeds it, with XON/XOFF: the spooler marks it printed only
// once the printer answered GS r 1, which it does when it gets there, after
// every byte of the job (some 6 s): not "sent", not printed early, once.
func TestASlowSerialPrinterIsConfirmedWhenItHasPrinted(t *testing.T) {
	line := printertest.NewLine(printertest.LineOpts{Baud: 9600, Buffer: 1024, PrintRate: 480, XonXoff: true})
	defer line.Close()
	p := printer.NewConn(line, printer.ConnOpts{Name: "quay1", Baud: 9600})
	h := newHarness(t)
	s := h.start(map[string]printer.Printer{"quay1": p}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data := escposJob(t, "A001", 40) // 40 raster rows of 576 dots: 2.9 KB
	if _, err := s.Submit(ctx, spool.Submission{Printer: "quay1", Kind: "receipt", Ref: "r1", Data: data}); err != nil {
		t.Fatal(err)
	}
	e := h.settledEvent(ctx)
	got := line.Device().Received()
	if e.State != spool.Printed {
		t.Fatalf("%+v: want printed, confirmed by the printer", e)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("marked printed with %d of %d bytes at the printer", len(got), len(data))
	}
	if line.XOFFs() == 0 || line.Lost() != 0 {
		t.Fatalf("%d XOFF, %d bytes lost: the job did not fill the printer's buffer, or overflowed it", line.XOFFs(), line.Lost())
	}
}
