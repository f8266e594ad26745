package layout

import (
	"fmt"
	"testing"
)

// wireSeconds is how long n bytes take on a serial link at baud with 8N1
// framing (10 bits a byte).
func wireSeconds(n int, baud float64) float64 { return float64(n) * 10 / baud }

func report(b *testing.B, n int) {
	b.ReportMetric(float64(n), "bytes/op")
	for _, baud := range []float64{9600, 19200, 38400, 115200} {
		b.ReportMetric(wireSeconds(n, baud), fmt.Sprintf("wire%.0f-s", baud))
	}
}

func BenchmarkTicket(b *testing.B) {
	r := newRenderer(b)
	for _, c := range []struct {
		name string
		o    Opts
	}{{"80mm", Opts{Width: Width80}}, {"58mm", Opts{Width: Width58}}, {"80mm-priority", Opts{Width: Width80}}} {
		b.Run(c.name, func(b *testing.B) {
			j := sampleTicket()
			j.Priority = c.name == "80mm-priority"
			var n int
			for b.Loop() {
				out, err := r.Ticket(j, c.o)
				if err != nil {
					b.Fatal(err)
				}
				n = len(out.Bytes)
			}
			report(b, n)
		})
	}
}

// BenchmarkTicketAllRaster is the baseline: the same ticket sent as one
// raster image of the whole printable width (text, number and QR code).
func BenchmarkTicketAllRaster(b *testing.B) {
	r := newRenderer(b)
	for _, c := range []struct {
		name string
		o    Opts
	}{{"80mm", Opts{Width: Width80}}, {"58mm", Opts{Width: Width58}}} {
		b.Run(c.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				out, err := r.Ticket(sampleTicket(), c.o)
				if err != nil {
					b.Fatal(err)
				}
				raw, err := AllRaster(out, c.o)
				if err != nil {
					b.Fatal(err)
				}
				n = len(raw)
			}
			report(b, n)
		})
	}
}

func BenchmarkReceipt(b *testing.B) {
	r := newRenderer(b)
	for _, c := range []struct {
		name   string
		o      Opts
		copies int
	}{{"80mm-1copy", Opts{Width: Width80}, 1}, {"80mm-2copies", Opts{Width: Width80}, 2}, {"58mm-1copy", Opts{Width: Width58}, 1}} {
		b.Run(c.name, func(b *testing.B) {
			j := sampleReceipt()
			j.Copies = c.copies
			var n int
			for b.Loop() {
				out, err := r.Receipt(j, c.o)
				if err != nil {
					b.Fatal(err)
				}
				n = len(out.Bytes)
			}
			report(b, n)
		})
	}
}
