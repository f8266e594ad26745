package printer_test

import (
	"context"
	"net"
	"testing"
	"time"

	"motcua/devices/escpos"
	"motcua/devices/printer"
	"motcua/devices/printer/printertest"
)

// tcpDevice serves one fake printer on loopback and returns a TCP printer
// dialling it, with the device once it is connected.
func tcpDevice(t *testing.T, o printer.TCPOpts, setup func(*printertest.Device)) (*printer.TCP, <-chan *printertest.Device) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	devs := make(chan *printertest.Device, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d := printertest.NewDevice(c)
			setup(d)
			t.Cleanup(func() { d.Close() })
			devs <- d
		}
	}()
	o.Addr = ln.Addr().String()
	if o.Name == "" {
		o.Name = "quay1"
	}
	p, err := printer.NewTCP(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, devs
}

// imageWithDLEEOT2 is a job whose raster image happens to hold the bytes
// 10 04 02 (DLE EOT 2), as the footer of a receipt did: a real printer
// answers it as a status query in the middle of the image.
func imageWithDLEEOT2() printer.Job {
	data := []byte{escpos.ESC, '@', escpos.GS, 'v', '0', 0, 3, 0, 3, 0, // 24 × 3 dots
		0x10, 0x04, 0x02, 0xff, 0x10, 0x04, 0x02, 0x00, 0x00, // twice DLE EOT 2, once across rows
		escpos.GS, 'V', 66, 0}
	return printer.Job{ID: 1, Kind: "receipt", Ref: "000.00.14.H56-200203-0118", Data: data}
}

func TestStatusResynchronisesAfterAnswersToImageData(t *testing.T) {
	near := escpos.Status{PaperNearEnd: true}
	want := printer.Status{State: printer.StateOnline, Paper: printer.PaperNearEnd}
	p, devs := tcpDevice(t, printer.TCPOpts{}, func(d *printertest.Device) {
		d.AnswerInData(true)
		d.SetStatus(near)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if s, err := p.Status(ctx); err != nil || s != want {
		t.Fatalf("before the job: %+v, %v", s, err)
	}
	j := imageWithDLEEOT2()
	if _, err := p.Print(ctx, j); err != nil {
		t.Fatal(err)
	}
	dev := <-devs
	if err := dev.WaitCuts(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if s, err := p.Status(ctx); err != nil || s != want {
			t.Fatalf("status read %d after the job: %+v, %v (want %+v)", i+1, s, err, want)
		}
	}
	// A stale byte already waiting on the link is not taken for an answer.
	if err := dev.SendStray(escpos.StatusAnswers(escpos.Status{Offline: true, CoverOpen: true})[1]); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if s, err := p.Status(ctx); err != nil || s != want {
			t.Fatalf("status read %d after a stale byte: %+v, %v (want %+v)", i+1, s, err, want)
		}
	}
}

func TestTCPStatusAnswersLongAfterAJob(t *testing.T) {
	p, devs := tcpDevice(t, printer.TCPOpts{WriteTimeout: 30 * time.Millisecond}, func(*printertest.Device) {})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	j := job(1)
	if _, err := p.Print(ctx, j); err != nil {
		t.Fatal(err)
	}
	dev := <-devs
	if err := dev.WaitCuts(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Past the write timeout of the job's last chunk: the link is idle, not
	// broken, and the printer answers.
	time.Sleep(60 * time.Millisecond)
	if s, err := p.Status(ctx); err != nil || s.State != printer.StateOnline {
		t.Fatalf("status after an idle moment: %+v, %v", s, err)
	}
	if _, err := p.Print(ctx, j); err != nil {
		t.Fatal(err)
	}
	if err := dev.WaitCuts(ctx, 2); err != nil {
		t.Fatalf("the second job went to a new connection or nowhere: %v", err)
	}
}
