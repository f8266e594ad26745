package spool_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"motcua/devices/escpos"
	"motcua/devices/printer"
	"motcua/devices/printer/printertest"
	"motcua/devices/serialtest"
	"motcua/devices/spool"
)

// escposJob is a job as the layout makes them: init, a raster, a cut. Its
// raster is all black, so it is full of bytes a naive parser would take for
// commands.
func escposJob(t *testing.T, ref string, rows int) []byte {
	var b bytes.Buffer
	e := escpos.NewEncoder(&b)
	bm, _ := escpos.NewBitmap(576, rows)
	bm.FillRect(bm.Bounds())
	for _, err := range []error{e.Init(), e.Text(ref), e.Newline(), e.Raster(bm, 128), e.Cut(true, 0)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// TestSerialPrinterOnPTY drives a fake ESC/POS printer on a socat
// pseudo-terminal through paper out, cover open, an unplug in the middle of
// a job and the recovery, and checks that every job came out exactly once.
func TestSerialPrinterOnPTY(t *testing.T) {
	pty := serialtest.New(t)
	end, err := pty.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	dev := printertest.NewDevice(end)
	defer dev.Close()

	h := newHarness(t)
	opened := 0
	p := printer.NewRedial("kiosk1", func() (printer.Printer, error) {
		opened++
		return printer.OpenSerial(printer.SerialOpts{Name: "kiosk1", Path: pty.Port, Baud: 115200, StatusTimeout: 200 * time.Millisecond})
	})
	s := h.start(map[string]printer.Printer{"kiosk1": p}, func(o *spool.Opts) { o.MaxAttempts = 1000 })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sub := func(ref string, rows int) []byte {
		data := escposJob(t, ref, rows)
		if _, err := s.Submit(ctx, spool.Submission{Printer: "kiosk1", Kind: "ticket", Ref: ref, Data: data}); err != nil {
			t.Fatal(err)
		}
		return data
	}
	// waitQueuedWith waits for a requeue whose reason contains want,
	// advancing the clock past each backoff.
	waitQueuedWith := func(want string) {
		t.Helper()
		for ctx.Err() == nil {
			e := h.eventOrWait(time.Minute)
			if e == nil {
				continue
			}
			if e.State == spool.Queued && strings.Contains(e.Err, want) {
				return
			}
			if e.State == spool.Printed || e.State == spool.Failed {
				t.Fatalf("unexpected %+v while waiting for %q", e, want)
			}
		}
		t.Fatalf("no requeue for %q", want)
	}
	waitPrinted := func(ref string) {
		t.Helper()
		for ctx.Err() == nil {
			e := h.eventOrWait(time.Minute)
			if e == nil {
				continue
			}
			if e.State == spool.Printed {
				if e.Ref != ref {
					t.Fatalf("printed %s, want %s", e.Ref, ref)
				}
				return
			}
			if e.State == spool.Failed {
				t.Fatalf("failed: %+v", e)
			}
		}
		t.Fatalf("%s never printed", ref)
	}

	// 1. Online: printed.
	want1 := sub("A001", 24)
	waitPrinted("A001")

	// 2. Paper out: nothing is sent until paper is back.
	dev.SetStatus(escpos.Status{Offline: true, PaperEndStop: true, PaperEnd: true, PaperNearEnd: true})
	want2 := sub("A002", 24)
	waitQueuedWith("paper out")
	if st := s.Statuses()["kiosk1"]; st.Paper != printer.PaperOut {
		t.Fatalf("status %+v", st)
	}
	// 3. Then the cover is opened to load paper.
	dev.SetStatus(escpos.Status{Offline: true, CoverOpen: true})
	waitQueuedWith("cover open")
	if n := len(dev.Received()); n != len(want1) {
		t.Fatalf("device got %d bytes while out of paper, want only the first job's %d", n, len(want1))
	}
	dev.SetStatus(escpos.Status{})
	waitPrinted("A002")
	if err := dev.WaitCuts(ctx, 2); err != nil {
		t.Fatal(err)
	}
	got := dev.Received()
	if !bytes.Equal(got, append(append([]byte(nil), want1...), want2...)) {
		t.Fatalf("device got %d bytes, want A001+A002 (%d)", len(got), len(want1)+len(want2))
	}

	// 4. Unplugged mid-job: the printer stops reading, a big job fills the
	// link, and the cable is pulled while it is being written.
	dev.PauseAfter(10000)
	sub("A003", 4000) // 288 KB: more than the pty buffers hold
	for len(dev.Received()) < 10000 {
		if h.clock.Waiters() > 0 {
			h.clock.Advance(time.Minute)
		}
		select {
		case <-ctx.Done():
			t.Fatal("A003 never started")
		case <-time.After(10 * time.Millisecond):
		}
	}
	pty.Kill()
	dev.Close()
	waitQueuedWith("offline")
	if opened < 1 {
		t.Fatal("port never opened")
	}

	// 5. Recovery: a new cable at the same device path, a fresh printer.
	pty2 := serialtest.NewAt(t, pty.Port, pty.Device)
	end2, err := pty2.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	dev2 := printertest.NewDevice(end2)
	defer dev2.Close()
	want3 := escposJob(t, "A003", 4000)
	want4 := sub("A004", 24)
	waitPrinted("A003")
	waitPrinted("A004")
	if err := dev2.WaitCuts(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if got := dev2.Received(); !bytes.Equal(got, append(append([]byte(nil), want3...), want4...)) {
		t.Fatalf("after recovery the device got %d bytes, want A003 whole then A004 (%d)", len(got), len(want3)+len(want4))
	}
	if dev2.Cuts() != 2 || dev.Cuts() != 2 {
		t.Fatalf("cuts: first printer %d, second %d; want 2 and 2 (no job lost or doubled)", dev.Cuts(), dev2.Cuts())
	}
	if opened < 2 {
		t.Fatalf("port opened %d times, want a reopen after the unplug", opened)
	}
}
