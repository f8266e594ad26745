package layout

import (
	"fmt"
	"slices"
	"testing"

	"motcua/devices/layout/layouttest"
)

// codesBySequence are dossier codes whose daily sequence has 4, 5 and 6
// digits: the longer ones did not fit an 80 mm roll at 2-dot modules.
var codesBySequence = []string{
	"000.00.14.H56-200203-0118",
	"000.00.14.H56-200203-01187",
	"000.17.22.H56-210531-018734",
}

// The wear a receipt must survive: a head that spreads each dot by one and
// a scanner that blurs by 0.8 dot.
var receiptWear = layouttest.Wear{Gain: 1, Blur: 0.8}

func TestReceiptBarcodeReadsUnderWear(t *testing.T) {
	r := newRenderer(t)
	for _, width := range []int{Width58, Width80} {
		for _, code := range codesBySequence {
			t.Run(fmt.Sprintf("%d-%s", width, code), func(t *testing.T) {
				j := sampleReceipt()
				j.DossierCode, j.Copies = code, 1
				out, err := r.Receipt(j, Opts{Width: width})
				if err != nil {
					t.Fatal(err)
				}
				got, err := layouttest.ReadCode128(receiptWear.Apply(out.Preview))
				if err != nil || !slices.Contains(got, code) {
					t.Fatalf("read %q, %v after wear %+v; want %q", got, err, receiptWear, code)
				}
			})
		}
	}
}

func TestQRReadsUnderWear(t *testing.T) {
	r := newRenderer(t)
	for _, width := range []int{Width58, Width80} {
		t.Run(fmt.Sprint("ticket-", width), func(t *testing.T) {
			j := sampleTicket()
			out, err := r.Ticket(j, Opts{Width: width})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := layouttest.ReadQR(receiptWear.Apply(out.Preview)); err != nil || got != j.URL() {
				t.Fatalf("ticket QR read %q, %v; want %q", got, err, j.URL())
			}
		})
	}
}
