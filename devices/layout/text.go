package layout

import (
	"fmt"
	"image"
	"math"
	"strings"
	"unicode"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/go-fonts/dejavu/dejavusanscondensed"
	"github.com/go-fonts/dejavu/dejavusanscondensedbold"
	"github.com/go-fonts/dejavu/dejavusansmonobold"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"

	"motcua/devices/escpos"
)

// family names one of the embedded DejaVu fonts.
type family int

const (
	sans family = iota
	sansBold
	condensed
	condensedBold
	monoBold
	numFamilies
)

// style is a font at a pixel size with a line pitch.
type style struct {
	family family
	px     float64 // em size in dots
	pitch  float64 // line advance in ems
}

// inkThreshold is the coverage from which an anti-aliased pixel prints
// black: a little under half, so thin strokes survive on thermal paper.
const inkThreshold = 0x70

func parseFonts() ([numFamilies]*opentype.Font, error) {
	var fs [numFamilies]*opentype.Font
	for i, ttf := range [numFamilies][]byte{dejavusans.TTF, dejavusansbold.TTF, dejavusanscondensed.TTF,
		dejavusanscondensedbold.TTF, dejavusansmonobold.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return fs, fmt.Errorf("layout: font %d: %w", i, err)
		}
		fs[i] = f
	}
	return fs, nil
}

type faceKey struct {
	family family
	px     float64
}

// glyph is a cached rasterised glyph: its coverage mask and where it sits
// relative to the pen on the baseline.
type glyph struct {
	mask    *image.Alpha
	offset  image.Point
	advance fixed.Int26_6
}

// face is an opentype face with a glyph cache; it is used under the
// Renderer's mutex only.
type face struct {
	f      font.Face
	glyphs map[rune]*glyph
}

func (r *Renderer) face(st style) (*face, error) {
	k := faceKey{st.family, st.px}
	if f, ok := r.faces[k]; ok {
		return f, nil
	}
	ff, err := opentype.NewFace(r.fonts[st.family], &opentype.FaceOptions{Size: st.px, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("layout: face: %w", err)
	}
	f := &face{f: ff, glyphs: map[rune]*glyph{}}
	r.faces[k] = f
	return f, nil
}

func (f *face) glyph(c rune) *glyph {
	if g, ok := f.glyphs[c]; ok {
		return g
	}
	dr, mask, mp, adv, ok := f.f.Glyph(fixed.Point26_6{}, c)
	g := &glyph{advance: adv}
	if ok && !dr.Empty() {
		a := image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))
		for y := 0; y < dr.Dy(); y++ {
			for x := 0; x < dr.Dx(); x++ {
				_, _, _, al := mask.At(mp.X+x, mp.Y+y).RGBA()
				a.Pix[y*a.Stride+x] = uint8(al >> 8)
			}
		}
		g.mask, g.offset = a, dr.Min
	}
	f.glyphs[c] = g
	return g
}

func (f *face) measure(s string) int {
	var w fixed.Int26_6
	prev := rune(-1)
	for _, c := range s {
		if prev >= 0 {
			w += f.f.Kern(prev, c)
		}
		w += f.glyph(c).advance
		prev = c
	}
	return w.Ceil()
}

// drawString sets the ink of s into bm with the pen starting at x on baseline y.
func (f *face) drawString(bm *escpos.Bitmap, s string, x, y int) {
	pen := fixed.I(x)
	prev := rune(-1)
	for _, c := range s {
		if prev >= 0 {
			pen += f.f.Kern(prev, c)
		}
		g := f.glyph(c)
		if g.mask != nil {
			ox, oy := pen.Round()+g.offset.X, y+g.offset.Y
			m := g.mask
			for gy := 0; gy < m.Rect.Dy(); gy++ {
				row := m.Pix[gy*m.Stride:]
				for gx := 0; gx < m.Rect.Dx(); gx++ {
					if row[gx] >= inkThreshold {
						bm.SetBlack(ox+gx, oy+gy, true)
					}
				}
			}
		}
		pen += g.advance
		prev = c
	}
}

// clean NFC-normalises s and replaces control characters and tabs by spaces,
// so that every Vietnamese letter is one precomposed glyph.
func clean(s string) string {
	s = norm.NFC.String(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, s)
}

// wrap breaks s into lines no wider than width (first line) and width-indent
// (the others) at spaces, breaking a word that alone is too wide.
func wrap(f *face, s string, width, indent int) []string {
	var lines []string
	words := strings.Fields(s)
	cur := ""
	limit := width
	for len(words) > 0 {
		w := words[0]
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		if f.measure(try) <= limit {
			cur, words = try, words[1:]
			continue
		}
		if cur == "" { // one word wider than the line: cut it
			rs := []rune(w)
			n := len(rs)
			for n > 1 && f.measure(string(rs[:n])) > limit {
				n--
			}
			lines = append(lines, string(rs[:n]))
			words[0] = string(rs[n:])
		} else {
			lines = append(lines, cur)
			cur = ""
		}
		limit = width - indent
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// span is one piece of text placed on a line.
type span struct {
	text  string
	style style
	x     int // pen start
}

// line rasterises spans on one line of the given width and returns it as a
// block cropped to its ink: the blank rows become feeds, blank bytes on the
// right (and, for centred and right-aligned lines, on the left) are dropped.
func (r *Renderer) line(width int, align escpos.Align, spans ...span) (*rasterBlock, error) {
	if len(spans) == 0 {
		return nil, fmt.Errorf("layout: empty line")
	}
	st := spans[0].style
	pitch := int(math.Round(st.px * st.pitch))
	extra := int(st.px) // room for stacked diacritics above the box and descenders below
	baseline := int(math.Round(float64(pitch)*0.78)) + extra
	bm, err := escpos.NewBitmap(width, pitch+2*extra)
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	for _, sp := range spans {
		f, err := r.face(sp.style)
		if err != nil {
			return nil, err
		}
		f.drawString(bm, sp.text, sp.x, baseline)
	}
	ink := inkBounds(bm)
	if ink.Empty() {
		return &rasterBlock{above: pitch}, nil
	}
	x0 := 0
	if align != escpos.Left {
		x0 = ink.Min.X / 8 * 8
	}
	crop, err := cropBitmap(bm, image.Rect(x0, ink.Min.Y, ink.Max.X, ink.Max.Y))
	if err != nil {
		return nil, err
	}
	top := ink.Min.Y - extra
	bottom := pitch + extra - ink.Max.Y
	return &rasterBlock{bm: crop, align: align, above: max(top, 0), below: max(bottom, 0)}, nil
}

func inkBounds(bm *escpos.Bitmap) image.Rectangle {
	minX, minY, maxX, maxY := bm.Width, bm.Height, -1, -1
	for y := 0; y < bm.Height; y++ {
		row := bm.Pix[y*bm.Stride : (y+1)*bm.Stride]
		for i, b := range row {
			if b == 0 {
				continue
			}
			minY = min(minY, y)
			maxY = max(maxY, y)
			for k := 0; k < 8; k++ {
				if b&(0x80>>k) != 0 {
					minX = min(minX, i*8+k)
					maxX = max(maxX, i*8+k)
				}
			}
		}
	}
	if maxX < 0 {
		return image.Rectangle{}
	}
	return image.Rect(minX, minY, maxX+1, maxY+1)
}

func cropBitmap(bm *escpos.Bitmap, r image.Rectangle) (*escpos.Bitmap, error) {
	out, err := escpos.NewBitmap(r.Dx(), r.Dy())
	if err != nil {
		return nil, fmt.Errorf("layout: crop: %w", err)
	}
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			if bm.Black(r.Min.X+x, r.Min.Y+y) {
				out.Pix[y*out.Stride+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return out, nil
}

// text adds s as wrapped lines in style st. Continuation lines of a
// left-aligned paragraph are indented by hang dots.
func (r *Renderer) text(p *page, width int, st style, align escpos.Align, s string, hang int) error {
	return r.textAt(p, width, 0, st, align, s, hang)
}

func (r *Renderer) textAt(p *page, width, indent int, st style, align escpos.Align, s string, hang int) error {
	f, err := r.face(st)
	if err != nil {
		return err
	}
	s = clean(s)
	for i, l := range wrap(f, s, width-indent, hang) {
		x := indent
		if i > 0 {
			x += hang
		}
		switch align {
		case escpos.Center:
			x = (width - f.measure(l)) / 2
		case escpos.Right:
			x = width - f.measure(l)
		}
		b, err := r.line(width, align, span{text: l, style: st, x: x})
		if err != nil {
			return err
		}
		p.add(b)
	}
	return nil
}

// columns adds one line with each text centred in its own equal column.
func (r *Renderer) columns(p *page, width int, st style, texts ...string) error {
	f, err := r.face(st)
	if err != nil {
		return err
	}
	colW := width / len(texts)
	var spans []span
	for i, t := range texts {
		t = clean(t)
		for f.measure(t) > colW && len([]rune(t)) > 1 {
			rs := []rune(t)
			t = string(rs[:len(rs)-1])
		}
		spans = append(spans, span{text: t, style: st, x: i*colW + (colW-f.measure(t))/2})
	}
	b, err := r.line(width, escpos.Left, spans...)
	if err != nil {
		return err
	}
	p.add(b)
	return nil
}

// rule adds a horizontal line w dots wide, centred. It is sent at double
// width (quadruple when thick is even): the same line for half or a quarter
// of the bytes.
func rule(p *page, w, thick int) error {
	scale := escpos.RasterDoubleWidth
	if thick%2 == 0 {
		scale = escpos.RasterQuadruple
	}
	dx, dy := scale.Dots()
	bm, err := escpos.NewBitmap(max(w/dx, 1), max(thick/dy, 1))
	if err != nil {
		return fmt.Errorf("layout: rule: %w", err)
	}
	bm.FillRect(bm.Bounds())
	p.add(&rasterBlock{bm: bm, align: escpos.Center, above: 8, below: 6, scale: scale})
	return nil
}
