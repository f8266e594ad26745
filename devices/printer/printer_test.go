package printer_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"motcua/devices/escpos"
	"motcua/devices/printer"
	"motcua/devices/printer/printertest"
	"motcua/devices/serialtest"
)

func job(id int64) printer.Job {
	var b bytes.Buffer
	e := escpos.NewEncoder(&b)
	e.Init()
	bm, _ := escpos.NewBitmap(64, 40)
	bm.FillRect(bm.Bounds())
	e.Raster(bm, 16) // raster rows full of 0xff and DLE-like bytes must not confuse the device
	e.Text("JOB")
	e.Cut(true, 0)
	return printer.Job{ID: id, Kind: "ticket", Ref: "A001", Data: b.Bytes(), Preview: []byte("png")}
}

func TestSerialOverPTY(t *testing.T) {
	pty := serialtest.New(t)
	end, err := pty.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	dev := printertest.NewDevice(end)
	defer dev.Close()
	p, err := printer.OpenSerial(printer.SerialOpts{Name: "kiosk1", Path: pty.Port, Baud: 115200, FlowControl: printer.FlowRTSCTS})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	for _, tc := range []struct {
		name  string
		set   escpos.Status
		want  printer.Status
		sentl error
	}{
		{"online", escpos.Status{}, printer.Status{State: printer.StateOnline, Paper: printer.PaperOK}, nil},
		{"near end", escpos.Status{PaperNearEnd: true}, printer.Status{State: printer.StateOnline, Paper: printer.PaperNearEnd}, nil},
		{"paper out", escpos.Status{Offline: true, PaperEndStop: true, PaperEnd: true, PaperNearEnd: true},
			printer.Status{State: printer.StateOffline, Paper: printer.PaperOut}, printer.ErrPaperOut},
		{"cover open", escpos.Status{Offline: true, CoverOpen: true},
			printer.Status{State: printer.StateOffline, Paper: printer.PaperOK, CoverOpen: true}, printer.ErrCoverOpen},
	} {
		dev.SetStatus(tc.set)
		got, err := p.Status(ctx)
		if err != nil || got != tc.want {
			t.Fatalf("%s: Status = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
		err = got.Err("kiosk1")
		if !errors.Is(err, tc.sentl) && !(err == nil && tc.sentl == nil) {
			t.Fatalf("%s: Err = %v, want %v", tc.name, err, tc.sentl)
		}
		var de *printer.DeviceError
		if tc.sentl != nil && (!errors.As(err, &de) || de.Printer != "kiosk1") {
			t.Fatalf("%s: %v is not a *DeviceError", tc.name, err)
		}
	}
	dev.SetStatus(escpos.Status{})
	j := job(1)
	if n, err := p.Print(ctx, j); err != nil || n != len(j.Data) {
		t.Fatalf("Print = %d, %v", n, err)
	}
	if err := dev.WaitCuts(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dev.Received(), j.Data) {
		t.Fatalf("device received %d bytes, want %d", len(dev.Received()), len(j.Data))
	}

	// Unplugged: socat gone, the port fails.
	pty.Kill()
	if _, err := p.Status(ctx); !errors.Is(err, printer.ErrOffline) {
		t.Fatalf("Status after unplug: %v, want ErrOffline", err)
	}
	if _, err := p.Print(ctx, j); !errors.Is(err, printer.ErrOffline) {
		t.Fatalf("Print after unplug: %v, want ErrOffline", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := p.Print(ctx, j); !errors.Is(err, printer.ErrClosed) {
		t.Fatalf("Print after Close: %v", err)
	}
}

func TestStatusTimesOutWhenPrinterIsSilent(t *testing.T) {
	pty := serialtest.New(t)
	end, err := pty.OpenDevice() // opened, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer end.Close()
	p, err := printer.OpenSerial(printer.SerialOpts{Name: "k", Path: pty.Port, StatusTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Status(context.Background()); !errors.Is(err, printer.ErrOffline) || !errors.Is(err, escpos.ErrNoAnswer) {
		t.Fatalf("silent printer: %v", err)
	}
}

func TestTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	devs := make(chan *printertest.Device, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			devs <- printertest.NewDevice(c)
		}
	}()
	p, err := printer.NewTCP(printer.TCPOpts{Name: "counter3", Addr: ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	j := job(7)
	if n, err := p.Print(ctx, j); err != nil || n != len(j.Data) {
		t.Fatalf("Print = %d, %v", n, err)
	}
	dev := <-devs
	defer dev.Close()
	if err := dev.WaitCuts(ctx, 1); err != nil || !bytes.Equal(dev.Received(), j.Data) {
		t.Fatalf("received %d bytes, %v", len(dev.Received()), err)
	}
	dev.SetStatus(escpos.Status{Offline: true, CoverOpen: true})
	if s, err := p.Status(ctx); err != nil || !s.CoverOpen {
		t.Fatalf("Status = %+v, %v", s, err)
	}
	ln.Close()
	dev.Close()
	if _, err := p.Print(ctx, j); !errors.Is(err, printer.ErrOffline) {
		// The first write after the peer closed may still succeed; the next fails.
		if _, err := p.Print(ctx, j); !errors.Is(err, printer.ErrOffline) {
			t.Fatalf("Print to a closed printer: %v", err)
		}
	}
	refused, _ := printer.NewTCP(printer.TCPOpts{Name: "gone", Addr: ln.Addr().String(), ConnectTimeout: time.Second})
	if _, err := refused.Print(ctx, j); !errors.Is(err, printer.ErrOffline) {
		t.Fatalf("connection refused: %v", err)
	}
}

func TestFilePrinter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "prints")
	p, err := printer.NewFile(printer.FileOpts{Name: "demo", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	j := job(42)
	j.Kind, j.Ref = "receipt", "000.00.14.H56-200203-0118"
	if n, err := p.Print(context.Background(), j); err != nil || n != len(j.Data) {
		t.Fatalf("Print = %d, %v", n, err)
	}
	base := filepath.Join(dir, "000042-receipt-000.00.14.H56-200203-0118")
	got, err := os.ReadFile(base + ".bin")
	if err != nil || !bytes.Equal(got, j.Data) {
		t.Fatalf(".bin: %v", err)
	}
	if png, err := os.ReadFile(base + ".png"); err != nil || string(png) != "png" {
		t.Fatalf(".png: %v", err)
	}
	if name := printer.FileBase(printer.Job{ID: 3, Kind: "ticket", Ref: "../A 1"}); name != "000003-ticket-_A_1" {
		t.Fatalf("FileBase = %q", name)
	}
	if s, err := p.Status(context.Background()); err != nil || s.State != printer.StateOnline {
		t.Fatalf("Status = %+v, %v", s, err)
	}
}

func TestWriteOnlyLinkHasNoStatus(t *testing.T) {
	var buf bytes.Buffer
	p := printer.NewConn(struct{ *bytes.Buffer }{&buf}, printer.ConnOpts{Name: "w"})
	if _, err := p.Status(context.Background()); !errors.Is(err, printer.ErrNoStatus) {
		t.Fatalf("err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n, err := p.Print(ctx, job(1)); n != 0 || !errors.Is(err, printer.ErrOffline) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Print = %d, %v", n, err)
	}
}
