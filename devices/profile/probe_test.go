package profile

import (
	"net"
	"testing"
	"time"

	"motcua/devices/escpos"
	"motcua/devices/printer/printertest"
)

func TestProbe(t *testing.T) {
	for _, tc := range []struct {
		name      string
		id        *printertest.Identity
		silent    bool
		status    bool
		ids       bool
		maker     string
		model     string
		suggested string
	}{
		{"Epson TM-T20III", &printertest.EpsonTMT20III, false, true, true, "EPSON", "TM-T20III", "tm-t20iii"},
		{"IDs only", &printertest.Identity{ModelID: 0x5a, TypeID: 0x02, ROMID: 0x10}, false, true, true, "", "", Generic},
		{"clone without GS I", nil, false, true, false, "", "", Generic},
		{"write-only link", &printertest.EpsonTMT20III, true, false, false, "", "", Generic},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host, far := net.Pipe()
			dev := printertest.NewDevice(far)
			t.Cleanup(func() { host.Close(); dev.Close() })
			dev.SetStatus(escpos.Status{PaperNearEnd: true})
			dev.Identify(tc.id)
			dev.Silent(tc.silent)
			a, err := Probe(host, 150*time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			if a.StatusOK != tc.status || a.PaperOK != tc.status || a.IDsOK != tc.ids {
				t.Fatalf("answers %+v", a)
			}
			if tc.status && !a.Status.PaperNearEnd {
				t.Fatalf("status %+v: paper near end not read", a.Status)
			}
			if tc.ids && (a.ModelID != tc.id.ModelID || a.TypeID != tc.id.TypeID || a.ROMID != tc.id.ROMID) {
				t.Fatalf("IDs %#x %#x %#x", a.ModelID, a.TypeID, a.ROMID)
			}
			if a.Maker != tc.maker || a.Model != tc.model || a.Suggestion() != tc.suggested {
				t.Fatalf("maker %q model %q suggests %q", a.Maker, a.Model, a.Suggestion())
			}
			if len(dev.Received()) != 0 {
				t.Fatalf("the probe sent %q to be printed", dev.Received())
			}
		})
	}
}
