package printing

import (
	"testing"
	"time"

	"motcua/devices/layout"
	"motcua/devices/spool"
)

// A printer's model sets its layout, handshake and status mode; the
// config's width, raster_codes, flow_control and status override it.
func TestPrinterModel(t *testing.T) {
	loc := time.UTC
	for _, tc := range []struct {
		name   string
		p      Printer
		width  int
		feed   int
		pad    bool
		codes  bool
		qr     bool
		flow   string
		status spool.StatusMode
	}{
		{"no model is today's layout", Printer{Width: 80}, layout.Width80, 1, false, false, false, "", spool.StatusAuto},
		{"58 mm", Printer{Width: 58}, layout.Width58, 1, false, false, false, "", spool.StatusAuto},
		{"TM-T88V", Printer{Model: "tm-t88v", Width: 80}, 512, 2, false, false, false, "dtrdsr", spool.StatusAuto},
		{"TM-T20III overridden", Printer{Model: "tm-t20iii", Width: 58, RasterCodes: true, FlowControl: "none", Status: "never"},
			layout.Width58, 2, false, true, false, "none", spool.StatusNever},
		{"XP-80C", Printer{Model: "xp-80c", Width: 80}, layout.Width80, 1, true, false, true, "", spool.StatusAuto},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := LayoutOpts(tc.p, loc)
			if o.Width != tc.width || o.FeedUnits != tc.feed || o.PadImages != tc.pad || o.RasterCodes != tc.codes || o.RasterQR != tc.qr || o.Location != loc {
				t.Fatalf("layout %+v", o)
			}
			if got := tc.p.Flow(); got != tc.flow {
				t.Fatalf("flow %q, want %q", got, tc.flow)
			}
			if got := tc.p.StatusMode(); got != tc.status {
				t.Fatalf("status %q, want %q", got, tc.status)
			}
		})
	}
}
