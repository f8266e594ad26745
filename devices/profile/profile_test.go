package profile

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"motcua/devices/escpos"
	"motcua/devices/layout"
	"motcua/devices/layout/layouttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var ict = time.FixedZone("ICT", 7*3600)

func ticket() layout.TicketJob {
	return layout.TicketJob{
		ID: "01JD8XQ3", CenterName: "UBND Phường Bến Thành", ServiceName: "Hộ tịch - Chứng thực",
		Number: "A012", IssuedAt: time.Date(2026, 11, 21, 8, 15, 0, 0, ict), Ahead: 3,
		EstimatedWait: 15 * time.Minute, TrackURL: "/t/01JD8XQ3", BaseURL: "https://motcua.benthanh.gov.vn",
	}
}

func receipt() layout.ReceiptJob {
	return layout.ReceiptJob{
		DossierCode: "000.00.14.H56-200203-0118",
		Procedure:   "Đăng ký khai sinh",
		Applicant:   layout.Applicant{Name: "Nguyễn Thị Hồng Nhung", Address: "Số 12 Lê Thánh Tôn, Quận 1", Phone: "0912 345 678"},
		Documents:   []string{"Tờ khai đăng ký khai sinh (bản chính)", "Giấy chứng sinh (bản chính)"},
		Sets:        1, ProcessingDays: 3, Copies: 1,
		ReceivedAt:  time.Date(2026, 11, 21, 8, 15, 0, 0, ict),
		DueAt:       time.Date(2026, 11, 26, 16, 0, 0, 0, ict),
		ReturnPlace: "Quầy số 3", Receiver: "Trần Văn Dũng", Agency: "UBND Quận 1", Place: "Quận 1",
		LookupURL: "https://motcua.q1.gov.vn/hs/000.00.14.H56-200203-0118?s=3f9a0c21b7d4e8aa",
	}
}

func testJob() layout.TestJob {
	return layout.TestJob{Printer: "quay1", At: time.Date(2026, 12, 1, 9, 0, 0, 0, ict)}
}

// paper is the paper the golden files of p are made on: 80 mm, or 58 mm
// for a 58 mm-only model.
func paper(p Profile) int {
	if p.Width80 == 0 {
		return 58
	}
	return 80
}

// render makes the three jobs for p on its paper.
func render(t *testing.T, r *layout.Renderer, p Profile, mm int) map[string][]byte {
	t.Helper()
	o := p.Layout(mm)
	o.Location = ict
	tk, err := r.Ticket(ticket(), o)
	if err != nil {
		t.Fatalf("%s ticket: %v", p.Name, err)
	}
	rc, err := r.Receipt(receipt(), o)
	if err != nil {
		t.Fatalf("%s receipt: %v", p.Name, err)
	}
	tp, err := r.TestPage(testJob(), o)
	if err != nil {
		t.Fatalf("%s test page: %v", p.Name, err)
	}
	return map[string][]byte{"ticket": tk.Bytes, "receipt": rc.Bytes, "test": tp.Bytes}
}

func newRenderer(t *testing.T) *layout.Renderer {
	t.Helper()
	r, err := layout.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGoldenBytesPerProfile(t *testing.T) {
	r := newRenderer(t)
	for _, p := range All() {
		mm := paper(p)
		for kind, got := range render(t, r, p, mm) {
			name := fmt.Sprintf("%s-%s-%d.bin", p.Name, kind, mm)
			layouttest.Golden(t, filepath.Join("testdata", name), got, *update)
		}
	}
}

// The generic profile is today's layout: the same bytes as the layout's
// own default options at both widths.
func TestGenericIsTodaysLayout(t *testing.T) {
	r := newRenderer(t)
	for _, mm := range []int{58, 80} {
		o := layout.Opts{Width: layout.Width80, Location: ict}
		if mm == 58 {
			o.Width = layout.Width58
		}
		want, err := r.Receipt(receipt(), o)
		if err != nil {
			t.Fatal(err)
		}
		got := render(t, r, Default(), mm)["receipt"]
		if !bytes.Equal(got, want.Bytes) {
			t.Errorf("%d mm: the generic profile's receipt differs from layout.Opts{Width: %d}", mm, o.Width)
		}
	}
}

func parse(t *testing.T, b []byte) []escpos.Command {
	t.Helper()
	cmds, err := escpos.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return cmds
}

// motion is the paper motion a job asks for, command by command: each run
// of ESC J summed, and each printer-font line's ESC 3 spacing plus the
// ESC J right after its LF (a line taller than 255 units).
func motion(t *testing.T, b []byte) (feeds, lines []int) {
	run, afterLF := 0, false
	end := func() {
		switch {
		case run == 0:
		case afterLF && len(lines) > 0:
			lines[len(lines)-1] += run
		default:
			feeds = append(feeds, run)
		}
		run = 0
	}
	prev := ""
	for _, c := range parse(t, b) {
		if c.Name == "ESC J" {
			if run == 0 {
				afterLF = prev == "LF"
			}
			run += c.Arg(0)
			prev = c.Name
			continue
		}
		end()
		if c.Name == "ESC 3" {
			lines = append(lines, c.Arg(0))
		}
		prev = c.Name
	}
	end()
	return feeds, lines
}

func lookup(t *testing.T, name string) Profile {
	t.Helper()
	p, ok := Lookup(name)
	if !ok {
		t.Fatalf("no profile %q", name)
	}
	return p
}

// On a TM-T20 every blank space is sent doubled (1/406 inch units).
func TestTMT20FeedsDoubled(t *testing.T) {
	r := newRenderer(t)
	gen := render(t, r, Default(), 80)
	t20 := render(t, r, lookup(t, "tm-t20iii"), 80)
	for _, kind := range []string{"ticket", "receipt", "test"} {
		gf, gs := motion(t, gen[kind])
		tf, ts := motion(t, t20[kind])
		if len(gf) == 0 || len(gf) != len(tf) || len(gs) != len(ts) {
			t.Fatalf("%s: %d/%d feeds, %d/%d line spacings", kind, len(gf), len(tf), len(gs), len(ts))
		}
		for i := range gf {
			if tf[i] != 2*gf[i] {
				t.Fatalf("%s: feed %d is %d units on the TM-T20, want 2×%d", kind, i, tf[i], gf[i])
			}
		}
		for i := range gs {
			if want := 2 * gs[i]; ts[i] != want {
				t.Fatalf("%s: line spacing %d is %d on the TM-T20, want %d", kind, i, ts[i], want)
			}
		}
	}
}

// On a printer that does not centre images, every image is printed
// left-aligned, shifted by blank bytes to where the generic layout's
// printer centres it.
func TestNonCentringClonePadsImages(t *testing.T) {
	r := newRenderer(t)
	gen := render(t, r, Default(), 80)
	hprt := render(t, r, lookup(t, "hprt"), 80) // native codes: the same images as generic
	for _, kind := range []string{"ticket", "receipt", "test"} {
		g, h := images(t, gen[kind]), images(t, hprt[kind])
		if len(g) != len(h) || len(g) == 0 {
			t.Fatalf("%s: %d images, generic %d", kind, len(h), len(g))
		}
		padded := 0
		for i := range g {
			if h[i].align != 0 {
				t.Fatalf("%s: image %d printed under ESC a %d", kind, i, h[i].align)
			}
			if g[i].align == 0 {
				if !bytes.Equal(h[i].cmd.Raw, g[i].cmd.Raw) {
					t.Fatalf("%s: left-aligned image %d changed", kind, i)
				}
				continue
			}
			gw, hw := g[i].cmd.Arg(1), h[i].cmd.Arg(1)
			pad := hw - gw
			dx := 1 + g[i].cmd.Arg(0)&1
			want := (layout.Width80 - gw*8*dx) / 2 / (8 * dx)
			if g[i].align == 2 {
				want = (layout.Width80 - gw*8*dx) / (8 * dx)
			}
			if pad != want {
				t.Fatalf("%s: image %d padded with %d bytes, want %d", kind, i, pad, want)
			}
			rows := g[i].cmd.Arg(3)
			for y := 0; y < rows; y++ {
				hr := h[i].cmd.Data[y*hw : (y+1)*hw]
				if !bytes.Equal(hr[:pad], make([]byte, pad)) || !bytes.Equal(hr[pad:], g[i].cmd.Data[y*gw:(y+1)*gw]) {
					t.Fatalf("%s: image %d row %d is not the generic row after %d blank bytes", kind, i, y, pad)
				}
			}
			padded++
		}
		if padded == 0 {
			t.Fatalf("%s: no centred image to pad", kind)
		}
	}
}

type image struct {
	cmd   escpos.Command
	align int
}

// images are the GS v 0 commands of b with the ESC a in force.
func images(t *testing.T, b []byte) []image {
	var out []image
	align := 0
	for _, c := range parse(t, b) {
		switch c.Name {
		case "ESC a":
			align = c.Arg(0)
		case "GS v 0":
			out = append(out, image{c, align})
		}
	}
	return out
}

// The XP-80C's QR codes go as images: its firmware may print GS ( k as text.
func TestXP80CNoNativeQR(t *testing.T) {
	r := newRenderer(t)
	gen := render(t, r, Default(), 80)
	xp := render(t, r, lookup(t, "xp-80c"), 80)
	for _, kind := range []string{"ticket", "receipt", "test"} {
		count := func(b []byte, name string) int {
			n := 0
			for _, c := range parse(t, b) {
				if c.Name == name {
					n++
				}
			}
			return n
		}
		if n := count(gen[kind], "GS ( k"); n == 0 {
			t.Fatalf("%s: the generic layout sends no GS ( k", kind)
		}
		if n := count(xp[kind], "GS ( k"); n != 0 {
			t.Fatalf("%s: %d GS ( k sent to an XP-80C", kind, n)
		}
		if count(xp[kind], "GS v 0") <= count(gen[kind], "GS v 0") {
			t.Fatalf("%s: the XP-80C's QR code is not an image", kind)
		}
	}
	if n := 0; true {
		for _, c := range parse(t, xp["test"]) {
			if c.Name == "GS k" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("the XP-80C test page has %d native Code128, want 1", n)
		}
	}
}

// A TM-T88V (180 dpi) prints 512 dots on 80 mm: nothing may be wider.
func TestTMT88VWithin512Dots(t *testing.T) {
	r := newRenderer(t)
	p := lookup(t, "tm-t88v")
	if o := p.Layout(80); o.Width != 512 {
		t.Fatalf("TM-T88V width %d dots, want 512", o.Width)
	}
	for kind, b := range render(t, r, p, 80) {
		module, barcodes := 2, 0
		for _, c := range parse(t, b) {
			switch c.Name {
			case "GS v 0":
				dx := 1 + c.Arg(0)&1
				if w := c.Arg(1) * 8 * dx; w > 512 {
					t.Fatalf("%s: an image %d dots wide", kind, w)
				}
			case "GS w":
				module = c.Arg(0)
			case "GS k":
				barcodes++
				n := int(c.Raw[3])
				if w := escpos.Code128Modules(c.Raw[4:4+n]) * module; w > 512 {
					t.Fatalf("%s: a barcode %d dots wide", kind, w)
				}
			}
		}
		if kind == "test" && barcodes != 1 {
			t.Fatalf("test page: %d native barcodes", barcodes)
		}
	}
}

func TestLookupAndSuggest(t *testing.T) {
	if p, ok := Lookup(""); !ok || p.Name != Generic {
		t.Fatalf("Lookup(\"\") = %q, %v", p.Name, ok)
	}
	if p, ok := Lookup("TM-T20III"); !ok || p.FeedUnits != 2 {
		t.Fatalf("Lookup(TM-T20III) = %+v, %v", p, ok)
	}
	if _, ok := Lookup("tm-t99"); ok {
		t.Fatal("an unknown model was found")
	}
	for _, tc := range []struct{ maker, model, want string }{
		{"EPSON", "TM-T20III", "tm-t20iii"},
		{"EPSON", "TM-T20II", "tm-t20iii"},
		{"EPSON", "TM-T88V", "tm-t88v"},
		{"EPSON", "TM-T88VI", "tm-t88v"},
		{"EPSON", "TM-T82III", "tm-t82iii"},
		{"", "XP-Q200", "xp-q200"},
		{"Xprinter", "XP-58IIH", "xp-58iih"},
		{"EPSON", "TM-U220", Generic},
		{"", "", Generic},
		{"HPRT", "XP-80C", Generic}, // maker and model disagree
	} {
		if got := Suggest(tc.maker, tc.model); got != tc.want {
			t.Errorf("Suggest(%q, %q) = %q, want %q", tc.maker, tc.model, got, tc.want)
		}
	}
}

func TestProfilesAreValid(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range All() {
		if seen[p.Name] {
			t.Errorf("profile %q twice", p.Name)
		}
		seen[p.Name] = true
		for _, mm := range []int{58, 80} {
			if !p.Paper(mm) {
				continue
			}
			o := p.Layout(mm)
			o.Location = ict
			if _, err := newRenderer(t).TestPage(testJob(), o); err != nil {
				t.Errorf("%s at %d mm: %v", p.Name, mm, err)
			}
		}
		if p.Status != StatusAuto && p.Status != StatusNever {
			t.Errorf("%s: status %q", p.Name, p.Status)
		}
	}
	if Names()[0] != Generic {
		t.Fatalf("names %v do not start with generic", Names())
	}
}

// Epson TM printers get GS ( D right after ESC @, so that image bytes
// cannot pulse a drawer or power the printer off; printers not known to
// take it never get it.
func TestRealtimeCommandsOffWhereThePrinterAllows(t *testing.T) {
	r := newRenderer(t)
	for _, p := range All() {
		jobs := render(t, r, p, 80)
		for kind, b := range jobs {
			cmds := parse(t, b)
			off := len(cmds) > 1 && cmds[1].Name == "GS ( D" && bytes.Equal(cmds[1].Data, []byte{20, 1, 0, 2, 0})
			if off != p.RealtimeSwitch {
				t.Errorf("%s %s: GS ( D after ESC @ %v, want %v", p.Name, kind, off, p.RealtimeSwitch)
			}
		}
	}
	if !lookup(t, "tm-t20iii").RealtimeSwitch || Default().RealtimeSwitch {
		t.Fatal("the Epson profile must switch real-time commands off, the generic one must not")
	}
}
