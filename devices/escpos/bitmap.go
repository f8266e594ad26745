package escpos

import (
	"fmt"
	"image"
	"image/color"
)

// MaxBandRows is the most rows Raster sends in one GS v 0 command; smaller
// bands keep each command within the receive buffer of cheap printers.
const MaxBandRows = 1024

// DefaultBandRows is the band height Raster uses when given 0.
const DefaultBandRows = 128

// Bitmap is a 1-bit image in the layout GS v 0 expects: rows of Stride
// bytes, the most significant bit leftmost, a set bit printed black.
// It implements image.Image, so it can be encoded as a PNG preview.
type Bitmap struct {
	Width, Height int
	Stride        int
	Pix           []byte
}

// NewBitmap returns a white bitmap of the given size.
func NewBitmap(width, height int) (*Bitmap, error) {
	if width < 1 || height < 0 || width > 8*0xffff || height > 1<<20 {
		return nil, invalid("bitmap size %dx%d", width, height)
	}
	stride := (width + 7) / 8
	return &Bitmap{Width: width, Height: height, Stride: stride, Pix: make([]byte, stride*height)}, nil
}

// Black reports whether the dot at x, y is black; outside the bitmap is white.
func (b *Bitmap) Black(x, y int) bool {
	if x < 0 || y < 0 || x >= b.Width || y >= b.Height {
		return false
	}
	return b.Pix[y*b.Stride+x/8]&(0x80>>(x%8)) != 0
}

// SetBlack sets the dot at x, y; outside the bitmap nothing happens.
func (b *Bitmap) SetBlack(x, y int, black bool) {
	if x < 0 || y < 0 || x >= b.Width || y >= b.Height {
		return
	}
	i, m := y*b.Stride+x/8, byte(0x80>>(x%8))
	if black {
		b.Pix[i] |= m
	} else {
		b.Pix[i] &^= m
	}
}

// FillRect blacks the rectangle r, clipped to the bitmap.
func (b *Bitmap) FillRect(r image.Rectangle) {
	r = r.Intersect(image.Rect(0, 0, b.Width, b.Height))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			b.Pix[y*b.Stride+x/8] |= 0x80 >> (x % 8)
		}
	}
}

// ColorModel implements image.Image.
func (b *Bitmap) ColorModel() color.Model { return color.GrayModel }

// Bounds implements image.Image.
func (b *Bitmap) Bounds() image.Rectangle { return image.Rect(0, 0, b.Width, b.Height) }

// At implements image.Image: black or white.
func (b *Bitmap) At(x, y int) color.Color {
	if b.Black(x, y) {
		return color.Gray{}
	}
	return color.Gray{Y: 0xff}
}

func (b *Bitmap) valid() error {
	if b == nil || b.Width < 1 || b.Height < 1 || b.Stride != (b.Width+7)/8 || len(b.Pix) != b.Stride*b.Height {
		return invalid("malformed bitmap")
	}
	if b.Stride > 0xffff {
		return invalid("bitmap %d bytes wide (max 65535)", b.Stride)
	}
	return nil
}

// RasterScale is the m of GS v 0: how many printed dots each bitmap dot
// becomes across and down.
type RasterScale byte

// Raster scales of GS v 0.
const (
	RasterNormal       RasterScale = 0 // 1×1
	RasterDoubleWidth  RasterScale = 1 // 2×1
	RasterDoubleHeight RasterScale = 2 // 1×2
	RasterQuadruple    RasterScale = 3 // 2×2
)

// Dots returns how many dots one bitmap dot prints across and down.
func (s RasterScale) Dots() (x, y int) { return 1 + int(s&1), 1 + int(s>>1&1) }

// Raster prints b as 1-bit raster images (GS v 0, normal density), bandRows
// rows per command (0 means DefaultBandRows). The current alignment applies.
func (e *Encoder) Raster(b *Bitmap, bandRows int) error {
	return e.RasterScaled(b, bandRows, RasterNormal)
}

// RasterScaled is Raster with each dot of b printed at scale: a quadruple
// image prints four times the area for the same bytes, which suits large,
// bold text. bandRows counts bitmap rows.
func (e *Encoder) RasterScaled(b *Bitmap, bandRows int, scale RasterScale) error {
	if err := b.valid(); err != nil {
		return err
	}
	if scale > RasterQuadruple {
		return invalid("raster scale %d (0..3)", scale)
	}
	if bandRows == 0 {
		bandRows = DefaultBandRows
	}
	if bandRows < 1 || bandRows > MaxBandRows {
		return invalid("band of %d rows (1..%d)", bandRows, MaxBandRows)
	}
	for y := 0; y < b.Height; y += bandRows {
		rows := min(bandRows, b.Height-y)
		cmd := make([]byte, 0, 8+rows*b.Stride)
		cmd = append(cmd, GS, 'v', '0', byte(scale),
			byte(b.Stride), byte(b.Stride>>8), byte(rows), byte(rows>>8))
		cmd = append(cmd, b.Pix[y*b.Stride:(y+rows)*b.Stride]...)
		if err := e.write(cmd); err != nil {
			return fmt.Errorf("escpos: raster band at row %d: %w", y, err)
		}
	}
	return nil
}
