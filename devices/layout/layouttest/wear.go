package layouttest

import (
	"errors"
	"image"
	"image/color"
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Wear is what a worn thermal head, cheap paper and a tired scanner do to a
// printed symbol, in dots of the print head (8 dots = 1 mm).
type Wear struct {
	// Gain widens every black mark by this many dots in all, across and
	// along the paper (dot gain: heat spreading into the paper, an old
	// head): a 2-dot bar prints 3 dots wide at Gain 1, its space 1 dot.
	Gain int
	// Blur is the sigma, in dots, of the Gaussian blur of the scanner's
	// optics and of a print slightly out of contact.
	Blur float64
	// Dead lists print-head elements (columns) that print nothing.
	Dead []int
}

// Apply returns img as it would print and scan with w: dead columns
// white, black grown by Gain, then blurred.
func (w Wear) Apply(img *image.Gray) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(b)
	dead := map[int]bool{}
	for _, x := range w.Dead {
		dead[x] = true
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.SetGray(x, y, color.Gray{Y: 0xff})
		}
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.GrayAt(x, y).Y >= 0x80 {
				continue
			}
			for dy := 0; dy <= w.Gain; dy++ {
				for dx := 0; dx <= w.Gain; dx++ {
					if p := image.Pt(x+dx, y+dy); p.In(b) {
						out.SetGray(p.X, p.Y, color.Gray{})
					}
				}
			}
		}
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := range dead {
			if x >= b.Min.X && x < b.Max.X {
				out.SetGray(x, y, color.Gray{Y: 0xff})
			}
		}
	}
	if w.Blur > 0 {
		out = blur(out, w.Blur)
	}
	return out
}

// blur is a separable Gaussian blur with the given sigma in pixels.
func blur(img *image.Gray, sigma float64) *image.Gray {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	b := img.Bounds()
	pass := func(src *image.Gray, dx, dy int) *image.Gray {
		dst := image.NewGray(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				v := 0.0
				for i, w := range k {
					p := image.Pt(x+(i-r)*dx, y+(i-r)*dy)
					if !p.In(b) {
						v += w * 0xff // paper beyond the edge
						continue
					}
					v += w * float64(src.GrayAt(p.X, p.Y).Y)
				}
				dst.SetGray(x, y, color.Gray{Y: uint8(math.Round(v))})
			}
		}
		return dst
	}
	return pass(pass(img, 1, 0), 0, 1)
}

// ErrNotRead means no symbol of the kind asked was read.
var ErrNotRead = errors.New("layouttest: no symbol read")

// ReadCode128 decodes the Code128 symbols of img with gozxing, in bands
// across the paper as it lies and along the whole paper turned a quarter (a
// barcode printed along the roll, read by a scanner held along it), and
// returns the distinct texts read.
func ReadCode128(img image.Image) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	read := func(cand image.Image) error {
		bmp, err := gozxing.NewBinaryBitmapFromImage(cand)
		if err != nil {
			return err
		}
		res, err := oned.NewCode128Reader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
		if err == nil && !seen[res.GetText()] {
			seen[res.GetText()] = true
			out = append(out, res.GetText())
		}
		return nil
	}
	gray := toGray(img)
	b := gray.Bounds()
	const band = 160 // rows: each symbol of a tall receipt gets rows of its own
	for y := b.Min.Y; y < b.Max.Y; y += band / 2 {
		if err := read(gray.SubImage(image.Rect(b.Min.X, y, b.Max.X, min(y+band, b.Max.Y)))); err != nil {
			return nil, err
		}
	}
	if err := read(rotate(gray)); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrNotRead
	}
	return out, nil
}

func toGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	b := img.Bounds()
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g.Set(x, y, img.At(x, y))
		}
	}
	return g
}

// ReadQR decodes the first QR code of img with gozxing.
func ReadQR(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", errors.Join(ErrNotRead, err)
	}
	return res.GetText(), nil
}

// rotate turns img a quarter counterclockwise.
func rotate(img *image.Gray) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.SetGray(y, b.Dx()-1-x, img.GrayAt(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}
