package layout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"sync"
	"time"

	"golang.org/x/image/font/opentype"

	"motcua/devices/escpos"
)

// Paper widths in dots at 203 dpi.
const (
	Width58 = 384
	Width80 = 576
)

// Opts are the per-printer rendering settings; devices/profile makes them
// from a printer model.
type Opts struct {
	// Width is the printable width in dots: Width58 or Width80 at 203 dpi,
	// or another multiple of 8 from MinWidth to MaxWidth (512 on an 80 mm
	// Epson TM-T88V, 180 dpi).
	Width int
	// RasterCodes sends barcodes and QR codes as raster images, for printers
	// without GS k 73 or GS ( k.
	RasterCodes bool
	// RasterQR sends QR codes (only) as raster images, for printers that
	// draw Code128 but print GS ( k as text.
	RasterQR bool
	// BandRows is the height of each GS v 0 band (0: escpos.DefaultBandRows).
	BandRows int
	// Location is the time zone dates are printed in (nil: Asia/Ho_Chi_Minh).
	Location *time.Location
	// FeedUnits is how many of the printer's vertical motion units make one
	// dot (0 or 1: ESC J and ESC 3 count dots; 2: they count 1/406 inch, as
	// on an Epson TM-T20, so every feed is sent doubled).
	FeedUnits int
	// PadImages is for printers that ignore ESC a for raster images (they
	// print every image flush left): centred and right-aligned images are
	// sent left-aligned with blank bytes on their left instead.
	PadImages bool
	// Cut is how each ticket or receipt copy ends (zero: CutPartialFeed).
	Cut Cut
	// NoRealtime sends GS ( D after ESC @ so that image bytes cannot act as
	// the real-time commands DLE DC4 1 and 2 (Epson TM printers).
	NoRealtime bool
}

// rasterQR reports whether QR codes go as images.
func (o Opts) rasterQR() bool { return o.RasterCodes || o.RasterQR }

// Cut is the command that ends a job.
type Cut int

const (
	// CutPartialFeed feeds to the cutter and cuts leaving a bridge (GS V 66 0).
	CutPartialFeed Cut = iota
	// CutFullFeed feeds to the cutter and cuts through (GS V 65 0).
	CutFullFeed
	// CutPartial cuts at once leaving a bridge (GS V 1), after a feed of
	// CutterFeed dots that takes the last line past the cutter.
	CutPartial
	// CutNone is for printers without a cutter: TearFeed dots of paper are
	// fed so the last line clears the tear bar.
	CutNone
)

// Feeds of the cuts that do not feed by themselves, in dots: the distance
// from the print head to the cutter or the tear bar is 10 to 15 mm on the
// printers we know (an estimate: the manuals do not all give it).
const (
	CutterFeed = 120
	TearFeed   = 96
)

// Bounds of Opts.Width, in dots.
const (
	MinWidth = 256
	MaxWidth = 832
)

// DefaultOpts is an 80 mm printer with native barcode and QR commands.
var DefaultOpts = Opts{Width: Width80}

func (o Opts) check() (Opts, error) {
	if o.Width < MinWidth || o.Width > MaxWidth || o.Width%8 != 0 {
		return o, fmt.Errorf("layout: width %d dots (want %d, %d or a multiple of 8 from %d to %d)", o.Width, Width58, Width80, MinWidth, MaxWidth)
	}
	if o.FeedUnits < 0 || o.FeedUnits > 4 {
		return o, fmt.Errorf("layout: %d feed units per dot (0..4)", o.FeedUnits)
	}
	if o.FeedUnits == 0 {
		o.FeedUnits = 1
	}
	if o.Cut < CutPartialFeed || o.Cut > CutNone {
		return o, fmt.Errorf("layout: cut %d", o.Cut)
	}
	if o.BandRows < 0 || o.BandRows > escpos.MaxBandRows {
		return o, fmt.Errorf("layout: band of %d rows", o.BandRows)
	}
	if o.Location == nil {
		o.Location = vietnam()
	}
	return o, nil
}

// vietnam is Asia/Ho_Chi_Minh from the system's zoneinfo, or UTC+7 (the
// country has had no daylight saving since 1975) when it is missing.
func vietnam() *time.Location {
	if l, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return l
	}
	return time.FixedZone("+07", 7*3600)
}

// Output is one rendered job.
type Output struct {
	// Bytes is exactly what the printer receives.
	Bytes []byte
	// Preview is what the printer prints, barcodes and QR codes included.
	Preview *image.Gray
}

// WritePNG encodes the preview as PNG.
func (o *Output) WritePNG(w io.Writer) error {
	if err := png.Encode(w, o.Preview); err != nil {
		return fmt.Errorf("layout: png: %w", err)
	}
	return nil
}

// PNG returns the preview encoded as PNG.
func (o *Output) PNG() ([]byte, error) {
	var buf bytes.Buffer
	err := o.WritePNG(&buf)
	return buf.Bytes(), err
}

// Renderer lays out jobs. It parses the fonts once; create one and share it.
type Renderer struct {
	mu    sync.Mutex
	fonts [numFamilies]*opentype.Font
	faces map[faceKey]*face
}

// NewRenderer parses the embedded fonts.
func NewRenderer() (*Renderer, error) {
	fs, err := parseFonts()
	if err != nil {
		return nil, err
	}
	return &Renderer{fonts: fs, faces: map[faceKey]*face{}}, nil
}

// Kinds of job Render knows, as in the file printer's names.
const (
	KindTicket  = "ticket"
	KindReceipt = "receipt"
	KindTest    = "test"
	KindNotice  = "notice" // form 02 or 03 (NoticeJob)
)

// Render decodes a job of the given kind ("ticket", "receipt" or "test")
// from JSON (TicketJob, ReceiptJob or TestJob; fields it does not know, such as the other
// fields of an API ticket, are ignored) and renders it. It is
// what `motcua render ticket|receipt --in JOB.json` runs.
func (r *Renderer) Render(kind string, jobJSON []byte, o Opts) (*Output, error) {
	dec := json.NewDecoder(bytes.NewReader(jobJSON))
	switch kind {
	case KindTicket:
		var j TicketJob
		if err := dec.Decode(&j); err != nil {
			return nil, fmt.Errorf("layout: ticket job: %w", err)
		}
		return r.Ticket(j, o)
	case KindReceipt:
		var j ReceiptJob
		if err := dec.Decode(&j); err != nil {
			return nil, fmt.Errorf("layout: receipt job: %w", err)
		}
		return r.Receipt(j, o)
	case KindNotice:
		var j NoticeJob
		if err := dec.Decode(&j); err != nil {
			return nil, fmt.Errorf("layout: notice job: %w", err)
		}
		return r.Notice(j, o)
	case KindTest:
		var j TestJob
		if err := dec.Decode(&j); err != nil {
			return nil, fmt.Errorf("layout: test job: %w", err)
		}
		return r.TestPage(j, o)
	}
	return nil, fmt.Errorf("layout: unknown job kind %q (want ticket, receipt, notice or test)", kind)
}

// Text sizes, in dots (8 dots = 1 mm).
var (
	stHeading   = style{family: condensedBold, px: 24, pitch: 1.25}
	stBold      = style{family: condensedBold, px: 20, pitch: 1.3}
	stBody      = style{family: condensed, px: 20, pitch: 1.3}
	stBodySmall = style{family: condensed, px: 19, pitch: 1.3}
	stSmall     = style{family: condensed, px: 17, pitch: 1.3}
)

var (
	stSmallBold = style{family: condensedBold, px: 18, pitch: 1.3}
	stTiny      = style{family: condensed, px: 15, pitch: 1.3}
)

// AllRaster encodes a rendered job the naive way, as one raster image of the
// whole printable width (its preview) followed by a cut: the baseline the
// benchmarks compare the layout against, and a last resort for printers that
// understand nothing but GS v 0.
func AllRaster(out *Output, o Opts) ([]byte, error) {
	o, err := o.check()
	if err != nil {
		return nil, err
	}
	m := PaperMargin(o.Width)
	bm, err := escpos.NewBitmap(o.Width, out.Preview.Rect.Dy())
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	for y := 0; y < bm.Height; y++ {
		for x := 0; x < bm.Width; x++ {
			if out.Preview.GrayAt(m+x, y).Y < 0x80 {
				bm.Pix[y*bm.Stride+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	var buf bytes.Buffer
	e := escpos.NewEncoder(&buf)
	if err := e.Init(); err != nil {
		return nil, err
	}
	if o.NoRealtime {
		if err := e.DisableRealtimeControl(); err != nil {
			return nil, err
		}
	}
	if err := e.Raster(bm, o.BandRows); err != nil {
		return nil, err
	}
	if err := encodeCut(e, o); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// The ticket's sizes are tuned to its byte budget (4.6 KB at 80 mm).
var (
	stTicketCenter  = style{family: condensedBold, px: 22, pitch: 1.25}
	stTicketService = style{family: sansBold, px: 27, pitch: 1.25}
	stTicketBody    = style{family: condensed, px: 20, pitch: 1.3}
	stTicketFooter  = style{family: condensed, px: 16, pitch: 1.3}
	// The priority mark, printed at quadruple scale: 32-dot letters.
	stTicketPriority = style{family: sansBold, px: 16, pitch: 1.2}
)
