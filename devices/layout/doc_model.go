package layout

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"motcua/devices/escpos"
)

// block is one piece of a printed page: it knows how far it moves the paper,
// how to draw itself into the preview and how to encode itself.
type block interface {
	height() int
	draw(dst *image.Gray, y, width int)
	encode(w *writer) error
}

// writer wraps the encoder with the state the blocks share: pending feed is
// merged and sent just before the next printed thing, alignment is sent only
// when it changes.
type writer struct {
	e        *escpos.Encoder
	opts     Opts
	feed     int
	align    escpos.Align
	alignSet bool
}

func (w *writer) flushFeed() error {
	n := w.feed
	w.feed = 0
	return w.e.FeedDots(n * w.opts.FeedUnits)
}

func (w *writer) setAlign(a escpos.Align) error {
	if w.alignSet && w.align == a {
		return nil
	}
	w.align, w.alignSet = a, true
	return w.e.Align(a)
}

// page is an ordered list of blocks.
type page struct{ blocks []block }

func (p *page) add(b ...block) { p.blocks = append(p.blocks, b...) }

func (p *page) height() int {
	h := 0
	for _, b := range p.blocks {
		h += b.height()
	}
	return h
}

// render encodes the page after ESC @ and draws its preview.
func (p *page) render(o Opts) (*Output, error) {
	var buf bytes.Buffer
	w := &writer{e: escpos.NewEncoder(&buf), opts: o}
	if err := w.e.Init(); err != nil {
		return nil, err
	}
	if o.NoRealtime {
		if err := w.e.DisableRealtimeControl(); err != nil {
			return nil, err
		}
	}
	blocks := p.blocks
	if o.PadImages {
		var err error
		if blocks, err = padImages(blocks, o.Width); err != nil {
			return nil, err
		}
	}
	for _, b := range blocks {
		if err := b.encode(w); err != nil {
			return nil, err
		}
	}
	if err := w.flushFeed(); err != nil {
		return nil, err
	}
	// The preview is the whole roll: the printable width plus the margins
	// the print head does not reach (which are the symbols' quiet zones).
	m := PaperMargin(o.Width)
	img := image.NewGray(image.Rect(0, 0, o.Width+2*m, p.height()))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	printable := img.SubImage(image.Rect(m, 0, m+o.Width, img.Rect.Dy())).(*image.Gray)
	y := 0
	for _, b := range blocks {
		b.draw(printable, y, o.Width)
		y += b.height()
	}
	return &Output{Bytes: buf.Bytes(), Preview: img}, nil
}

// PaperMargin is the unprinted margin on each side of a roll whose
// printable width is width dots: 80 mm paper is 640 dots wide, 58 mm 464
// (at 180 dpi 567 and 411, around 512 and 360 printable dots).
func PaperMargin(width int) int {
	switch width {
	case Width58:
		return 40
	case 512:
		return 28
	case 360:
		return 25
	}
	return 32
}

// feedBlock advances the paper.
type feedBlock int

func (f feedBlock) height() int                { return int(f) }
func (f feedBlock) draw(*image.Gray, int, int) {}
func (f feedBlock) encode(w *writer) error     { w.feed += int(f); return nil }

// rasterBlock is a 1-bit image printed with GS v 0, with blank paper above
// and below it sent as feeds. With a scale, each dot of bm prints as 2×1,
// 1×2 or 2×2 dots: large text for a quarter of the bytes.
type rasterBlock struct {
	bm           *escpos.Bitmap
	align        escpos.Align
	above, below int
	scale        escpos.RasterScale
}

func (r *rasterBlock) height() int {
	h := r.above + r.below
	if r.bm != nil {
		_, dy := r.scale.Dots()
		h += r.bm.Height * dy
	}
	return h
}

// x is where the printer puts the image: GS v 0 is justified by its byte width.
func (r *rasterBlock) x(width int) int {
	dx, _ := r.scale.Dots()
	w := r.bm.Stride * 8 * dx
	switch r.align {
	case escpos.Center:
		return (width - w) / 2
	case escpos.Right:
		return width - w
	}
	return 0
}

func (r *rasterBlock) draw(dst *image.Gray, y, width int) {
	if r.bm == nil {
		return
	}
	dx, dy := r.scale.Dots()
	drawScaled(dst, r.bm, r.x(width), y+r.above, dx, dy)
}

func drawBitmap(dst *image.Gray, bm *escpos.Bitmap, x0, y0 int) {
	drawScaled(dst, bm, x0, y0, 1, 1)
}

// drawScaled draws each dot of bm as dx×dy dots.
func drawScaled(dst *image.Gray, bm *escpos.Bitmap, x0, y0, dx, dy int) {
	for y := 0; y < bm.Height*dy; y++ {
		for x := 0; x < bm.Width*dx; x++ {
			if bm.Black(x/dx, y/dy) {
				dst.SetGray(dst.Rect.Min.X+x0+x, y0+y, color.Gray{})
			}
		}
	}
}

func (r *rasterBlock) encode(w *writer) error {
	w.feed += r.above
	if r.bm != nil {
		if err := w.flushFeed(); err != nil {
			return err
		}
		if err := w.setAlign(r.align); err != nil {
			return err
		}
		if err := w.e.RasterScaled(r.bm, w.opts.BandRows, r.scale); err != nil {
			return err
		}
	}
	w.feed += r.below
	return nil
}

// cutBlock feeds to the cutter and cuts (or to the tear bar: Opts.Cut);
// the preview shows a dashed line.
type cutBlock struct{}

const cutGap = 24

func (cutBlock) height() int { return cutGap }
func (cutBlock) draw(dst *image.Gray, y, width int) {
	for x := 0; x < width; x += 12 {
		for k := 0; k < 6 && x+k < width; k++ {
			dst.SetGray(dst.Rect.Min.X+x+k, y+cutGap/2, color.Gray{Y: 0x80})
		}
	}
}
func (cutBlock) encode(w *writer) error {
	if err := w.flushFeed(); err != nil {
		return err
	}
	return encodeCut(w.e, w.opts)
}

// encodeCut ends a job the way o.Cut says.
func encodeCut(e *escpos.Encoder, o Opts) error {
	switch o.Cut {
	case CutFullFeed:
		return e.Cut(false, 0)
	case CutPartial:
		if err := e.FeedDots(CutterFeed * o.FeedUnits); err != nil {
			return err
		}
		return e.Raw([]byte{escpos.GS, 'V', 1})
	case CutNone:
		return e.FeedDots(TearFeed * o.FeedUnits)
	}
	return e.Cut(true, 0)
}

// padImages is for printers that ignore ESC a for images: each centred or
// right-aligned raster (text lines, rules, raster codes, ladder barcodes)
// becomes a left-aligned raster with blank bytes on its left that put it
// where the printer would have centred it. Native codes and printer-font
// text keep ESC a, which such printers do honour for them.
func padImages(blocks []block, width int) ([]block, error) {
	out := make([]block, len(blocks))
	for i, b := range blocks {
		out[i] = b
		switch b := b.(type) {
		case *rasterBlock:
			if b.bm == nil || b.align == escpos.Left {
				continue
			}
			p, err := b.padded(width)
			if err != nil {
				return nil, err
			}
			out[i] = p
		case *codeBlock:
			if !b.raster {
				continue
			}
			r := &rasterBlock{bm: b.bm, align: escpos.Center, above: b.above, below: b.gap}
			p, err := r.padded(width)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
	}
	return out, nil
}

// padded is r left-aligned, shifted right by whole bytes of blank dots to
// about where the printer would put it aligned.
func (r *rasterBlock) padded(width int) (*rasterBlock, error) {
	dx, _ := r.scale.Dots()
	pad := r.x(width) / (8 * dx)
	bm, err := escpos.NewBitmap(pad*8+r.bm.Stride*8, r.bm.Height)
	if err != nil {
		return nil, fmt.Errorf("layout: pad image: %w", err)
	}
	for y := 0; y < r.bm.Height; y++ {
		copy(bm.Pix[y*bm.Stride+pad:(y+1)*bm.Stride], r.bm.Pix[y*r.bm.Stride:(y+1)*r.bm.Stride])
	}
	return &rasterBlock{bm: bm, align: escpos.Left, above: r.above, below: r.below, scale: r.scale}, nil
}
