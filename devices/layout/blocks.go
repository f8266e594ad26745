package layout

import (
	"fmt"
	"image"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
	xdraw "golang.org/x/image/draw"

	"motcua/devices/escpos"
)

// Printer font A cell, in dots.
const (
	cellW = 12
	cellH = 24
)

// fontBlock is printable ASCII in the printer's own font A, magnified.
type fontBlock struct {
	text    string
	mag     int // 1..8 in both directions
	bold    bool
	align   escpos.Align
	preview *escpos.Bitmap // drawn by the Renderer at construction
}

// The line spacing fontBlock sets (ESC 3) so that the paper moves exactly
// its height: the magnified cell plus a small gap.
func (b *fontBlock) height() int { return cellH*b.mag + 6 }

func (b *fontBlock) draw(dst *image.Gray, y, width int) {
	w := len(b.text) * cellW * b.mag
	x := 0
	switch b.align {
	case escpos.Center:
		x = (width - w) / 2
	case escpos.Right:
		x = width - w
	}
	drawBitmap(dst, b.preview, x, y)
}

func (b *fontBlock) encode(w *writer) error {
	if err := w.flushFeed(); err != nil {
		return err
	}
	if err := w.setAlign(b.align); err != nil {
		return err
	}
	e := w.e
	// ESC 3 counts motion units and stops at 255: a line taller than that
	// (a large number on a printer feeding in 1/406 inch) is spaced 255
	// units and the rest is fed after it. Epson's manuals do not say
	// whether a line spacing below the characters' height still feeds at
	// least that height; the numbers we print reach it only at size 6 and
	// more on such printers.
	units := b.height() * w.opts.FeedUnits
	spacing := min(units, 255)
	rest := units - spacing
	steps := []func() error{
		func() error { return e.Raw([]byte{escpos.ESC, '3', byte(spacing)}) },
		func() error { return e.Size(b.mag, b.mag) },
		func() error { return e.Emphasis(b.bold) },
		func() error { return e.Smoothing(b.mag > 1) },
		func() error { return e.Text(b.text) },
		e.Newline,
		func() error { return e.FeedDots(rest) },
		func() error { return e.Size(1, 1) },
		func() error { return e.Emphasis(false) },
		func() error { return e.Smoothing(false) },
		func() error { return e.Raw([]byte{escpos.ESC, '2'}) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

// printerFont makes a fontBlock and its preview: DejaVu Sans Mono Bold drawn
// into the magnified cells.
func (r *Renderer) printerFont(text string, mag int, bold bool, align escpos.Align) (*fontBlock, error) {
	for i := 0; i < len(text); i++ {
		if text[i] < 0x20 || text[i] > 0x7e {
			return nil, fmt.Errorf("layout: printer-font text %q is not printable ASCII", text)
		}
	}
	if mag < 1 || mag > 8 || text == "" {
		return nil, fmt.Errorf("layout: printer-font text %q at size %d", text, mag)
	}
	// Draw at cell width scale 1:1 in x, then stretch vertically to the cell.
	em := float64(cellW*mag) / 0.6
	f, err := r.face(style{family: monoBold, px: em})
	if err != nil {
		return nil, err
	}
	w := len(text) * cellW * mag
	srcH := int(em * 1.2)
	src, err := escpos.NewBitmap(w, srcH)
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	f.drawString(src, text, 0, int(em*0.93))
	dst := image.NewGray(image.Rect(0, 0, w, cellH*mag))
	xdraw.NearestNeighbor.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
	out, err := escpos.NewBitmap(w, cellH*mag)
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	for y := 0; y < out.Height; y++ {
		for x := 0; x < out.Width; x++ {
			if dst.GrayAt(x, y).Y < 0x80 {
				out.SetBlack(x, y, true)
			}
		}
	}
	return &fontBlock{text: text, mag: mag, bold: bold, align: align, preview: out}, nil
}

// codeBlock is a Code128 barcode or a QR code: sent as the printer's command,
// or as a raster image when the printer lacks it (Opts.RasterCodes) or the
// symbol does not fit the paper at the narrowest native module.
type codeBlock struct {
	qr      bool
	data    string
	barcode escpos.BarcodeOpts
	qrOpts  escpos.QROpts
	raster  bool
	bm      *escpos.Bitmap // the symbol as it prints, HRI included
	above   int            // feed before the symbol (its quiet zone)
	gap     int            // feed after the symbol
}

func (c *codeBlock) height() int { return c.above + c.bm.Height + c.gap }

func (c *codeBlock) draw(dst *image.Gray, y, width int) {
	drawBitmap(dst, c.bm, (width-c.bm.Stride*8)/2, y+c.above)
}

func (c *codeBlock) encode(w *writer) error {
	w.feed += c.above
	if err := w.flushFeed(); err != nil {
		return err
	}
	if err := w.setAlign(escpos.Center); err != nil {
		return err
	}
	var err error
	switch {
	case c.raster:
		err = w.e.Raster(c.bm, w.opts.BandRows)
	case c.qr:
		err = w.e.QR(c.data, c.qrOpts)
	default:
		err = w.e.Code128(c.data, c.barcode)
	}
	if err != nil {
		return err
	}
	w.feed += c.gap
	return nil
}

// qrBlock builds a QR code of data with module size and level.
func (r *Renderer) qrBlock(data string, o escpos.QROpts, raster bool) (*codeBlock, error) {
	level := map[escpos.QRLevel]string{escpos.QRLevelL: "L", escpos.QRLevelM: "M", escpos.QRLevelQ: "Q", escpos.QRLevelH: "H"}[o.Level]
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: level,
		gozxing.EncodeHintType_MARGIN:           0,
		gozxing.EncodeHintType_CHARACTER_SET:    "UTF-8",
	}
	m, err := qrcode.NewQRCodeWriter().Encode(data, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		return nil, fmt.Errorf("layout: QR of %q: %w", data, err)
	}
	bm, err := scaleMatrix(m, o.ModuleSize, o.ModuleSize, 0)
	if err != nil {
		return nil, err
	}
	// A QR code needs 4 modules of blank paper around it; across the paper
	// the symbol is centred with room to spare, above and below it is fed.
	quiet := 4 * o.ModuleSize
	return &codeBlock{qr: true, data: data, qrOpts: o, raster: raster, bm: bm, above: quiet, gap: quiet}, nil
}

// Code128 sizes. A 1D scanner reads a worn print (dot gain, blur) reliably
// from 3-dot (0.375 mm) modules on; the symbol needs 10 modules of blank
// paper on each side.
const (
	code128Module = 3
	code128Quiet  = 10 // modules
	// ladderBar is how long, in bitmap dots, the bars of a barcode printed
	// along the paper are; printed at double width they are 10 mm.
	ladderBar = 40
)

// code128Block builds a Code128 of data. Across the paper when it fits with
// 3-dot modules and its quiet zones (the printer's own command, the digits
// printed below); otherwise along the paper ("ladder"): a raster whose bars
// run across the roll, as long as the code needs, which any 1D scanner
// reads held along the receipt and a kiosk's imager reads as it lies.
func (r *Renderer) code128Block(data string, o escpos.BarcodeOpts, width int, raster bool) (block, error) {
	payload, err := escpos.Code128Payload(data)
	if err != nil {
		return nil, fmt.Errorf("layout: barcode: %w", err)
	}
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0}
	m, err := oned.NewCode128Writer().Encode(data, gozxing.BarcodeFormat_CODE_128, 0, 1, hints)
	if err != nil {
		return nil, fmt.Errorf("layout: barcode %q: %w", data, err)
	}
	modules := escpos.Code128Modules(payload)
	module := max(o.ModuleWidth, code128Module)
	for module > code128Module && (modules+2*code128Quiet)*module > width {
		module--
	}
	if (modules+2*code128Quiet)*module > width {
		return ladder(m, code128Module)
	}
	o.ModuleWidth = module
	hri := 0
	if o.HRI == escpos.HRIBelow {
		hri = cellH + 6
	}
	bm, err := scaleMatrix(m, module, o.Height, hri)
	if err != nil {
		return nil, err
	}
	if hri > 0 {
		fb, err := r.printerFont(data, 1, false, escpos.Center)
		if err != nil {
			return nil, err
		}
		if fb.preview.Width > bm.Width {
			return nil, fmt.Errorf("layout: barcode %q: its digits are wider than its bars", data)
		}
		x := (bm.Width - fb.preview.Width) / 2
		for y := 0; y < fb.preview.Height; y++ {
			for xx := 0; xx < fb.preview.Width; xx++ {
				if fb.preview.Black(xx, y) {
					bm.SetBlack(x+xx, o.Height+6+y, true)
				}
			}
		}
	}
	return &codeBlock{data: data, barcode: o, raster: raster, bm: bm, gap: 10}, nil
}

// ladder draws a 1-row barcode matrix along the paper, module dots per
// module, with its quiet zones above and below. Each bar is one dot
// shorter along the paper than its modules (bar width reduction): the dot
// gain of a thermal head gives it back.
func ladder(m *gozxing.BitMatrix, module int) (block, error) {
	n := m.GetWidth()
	bm, err := escpos.NewBitmap(ladderBar, n*module)
	if err != nil {
		return nil, fmt.Errorf("layout: barcode: %w", err)
	}
	for x := 0; x < n; {
		if !m.Get(x, 0) {
			x++
			continue
		}
		end := x
		for end < n && m.Get(end, 0) {
			end++
		}
		bm.FillRect(image.Rect(0, x*module, ladderBar, end*module-1))
		x = end
	}
	quiet := code128Quiet * module
	return &rasterBlock{bm: bm, align: escpos.Center, above: quiet, below: quiet, scale: escpos.RasterDoubleWidth}, nil
}

// scaleMatrix draws a gozxing matrix with each module mx by my dots (for a
// 1-D barcode, my is the bar height and the matrix has one row), leaving
// extra blank rows below.
func scaleMatrix(m *gozxing.BitMatrix, mx, my, extra int) (*escpos.Bitmap, error) {
	rows := m.GetHeight()
	h := rows * my
	bm, err := escpos.NewBitmap(m.GetWidth()*mx, h+extra)
	if err != nil {
		return nil, fmt.Errorf("layout: symbol: %w", err)
	}
	for y := 0; y < rows; y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if m.Get(x, y) {
				bm.FillRect(image.Rect(x*mx, y*my, (x+1)*mx, (y+1)*my))
			}
		}
	}
	return bm, nil
}
