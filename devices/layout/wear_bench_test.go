package layout

import (
	"fmt"
	"slices"
	"testing"

	"motcua/devices/layout/layouttest"
)

// wearLevels are the conditions docs/BENCHMARKS.md reports decode rates for.
var wearLevels = []struct {
	name string
	w    layouttest.Wear
}{
	{"new", layouttest.Wear{}},
	{"blur0.8", layouttest.Wear{Blur: 0.8}},
	{"gain1", layouttest.Wear{Gain: 1}},
	{"gain1+blur0.8", layouttest.Wear{Gain: 1, Blur: 0.8}},
	{"gain1+blur1.2", layouttest.Wear{Gain: 1, Blur: 1.2}},
	{"gain2+blur0.8", layouttest.Wear{Gain: 2, Blur: 0.8}},
	{"gain1+blur0.8+dead", layouttest.Wear{Gain: 1, Blur: 0.8, Dead: []int{100, 101, 230, 300, 301, 302, 420}}},
}

// wearCodes are dossier codes of several agencies with 4- to 6-digit
// sequences.
var wearCodes = []string{
	"000.00.14.H56-200203-0118", "000.17.22.H56-210531-0001", "000.00.31.H29-260115-4821",
	"000.00.14.H56-200203-01187", "000.25.07.H01-251230-90210", "000.00.02.G12-260601-33333",
	"000.17.22.H56-210531-018734", "000.00.14.H56-261121-104857", "000.40.19.H79-260302-000001",
}

// BenchmarkReceiptCodeUnderWear reports, per roll width and wear level,
// the share of receipts whose dossier barcode gozxing reads back (%read).
func BenchmarkReceiptCodeUnderWear(b *testing.B) {
	r := newRenderer(b)
	for _, width := range []int{Width58, Width80} {
		previews := make([]*layoutPreview, 0, len(wearCodes))
		for _, code := range wearCodes {
			j := sampleReceipt()
			j.DossierCode, j.Copies = code, 1
			out, err := r.Receipt(j, Opts{Width: width})
			if err != nil {
				b.Fatal(err)
			}
			previews = append(previews, &layoutPreview{code: code, out: out})
		}
		for _, wl := range wearLevels {
			b.Run(fmt.Sprintf("%dmm/%s", map[int]int{Width58: 58, Width80: 80}[width], wl.name), func(b *testing.B) {
				read := 0
				for range b.N {
					read = 0
					for _, p := range previews {
						if got, err := layouttest.ReadCode128(wl.w.Apply(p.out.Preview)); err == nil && slices.Contains(got, p.code) {
							read++
						}
					}
				}
				b.ReportMetric(100*float64(read)/float64(len(previews)), "%read")
			})
		}
	}
}

// BenchmarkTicketQRUnderWear is the same for the QR code of a ticket.
func BenchmarkTicketQRUnderWear(b *testing.B) {
	r := newRenderer(b)
	for _, width := range []int{Width58, Width80} {
		j := sampleTicket()
		out, err := r.Ticket(j, Opts{Width: width})
		if err != nil {
			b.Fatal(err)
		}
		for _, wl := range wearLevels {
			b.Run(fmt.Sprintf("%dmm/%s", map[int]int{Width58: 58, Width80: 80}[width], wl.name), func(b *testing.B) {
				ok := false
				for range b.N {
					got, err := layouttest.ReadQR(wl.w.Apply(out.Preview))
					ok = err == nil && got == j.URL()
				}
				v := 0.0
				if ok {
					v = 100
				}
				b.ReportMetric(v, "%read")
			})
		}
	}
}

type layoutPreview struct {
	code string
	out  *Output
}
