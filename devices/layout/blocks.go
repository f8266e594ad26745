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
	steps := []func() error{
		func() error { return e.Raw([]byte{escpos.ESC, '3', byte(b.height())}) },
		func() error { return e.Size(b.mag, b.mag) },
		func() error { return e.Emphasis(b.bold) },
		func() error { return e.Smoothing(b.mag > 1) },
		func() error { return e.Text(b.text) },
		e.Newline,
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
	gap     int            // feed after the symbol
}

func (c *codeBlock) height() int { return c.bm.Height + c.gap }

func (c *codeBlock) draw(dst *image.Gray, y, width int) {
	drawBitmap(dst, c.bm, (width-c.bm.Stride*8)/2, y)
}

func (c *codeBlock) encode(w *writer) error {
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
	return &codeBlock{qr: true, data: data, qrOpts: o, raster: raster, bm: bm, gap: 8}, nil
}

// code128Block builds a Code128 of data with its digits printed below. It
// falls back to a raster image with 1-dot modules when the native symbol
// (2-dot modules at least) would not fit width.
func (r *Renderer) code128Block(data string, o escpos.BarcodeOpts, width int, raster bool) (*codeBlock, error) {
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
	module := o.ModuleWidth
	for module > 2 && modules*module > width {
		module--
	}
	if modules*module > width {
		raster, module = true, 1
	}
	o.ModuleWidth = max(module, 2)
	hri := 0
	if o.HRI == escpos.HRIBelow {
		hri = cellH + 6
	}
	bars, err := scaleMatrix(m, module, o.Height, hri)
	if err != nil {
		return nil, err
	}
	// The digits below may be wider than 1-dot bars: centre both.
	bm := bars
	if hri > 0 && len(data)*cellW > bars.Width {
		if bm, err = escpos.NewBitmap(min(len(data)*cellW, width), bars.Height); err != nil {
			return nil, fmt.Errorf("layout: %w", err)
		}
		dx := (bm.Width - bars.Width) / 2
		for y := 0; y < bars.Height; y++ {
			for x := 0; x < bars.Width; x++ {
				if bars.Black(x, y) {
					bm.SetBlack(dx+x, y, true)
				}
			}
		}
	}
	if hri > 0 {
		fb, err := r.printerFont(data, 1, false, escpos.Center)
		if err != nil {
			return nil, err
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
