package lookup

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// frame renders a QR code and/or a Code128 barcode on a white camera-like frame.
func frame(t testing.TB, qr, barcode string) image.Image {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 640, 480))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.Gray{235}), image.Point{}, draw.Src)
	if qr != "" {
		m, err := qrcode.NewQRCodeWriter().Encode(qr, gozxing.BarcodeFormat_QR_CODE, 220, 220, nil)
		if err != nil {
			t.Fatal(err)
		}
		draw.Draw(img, image.Rect(30, 30, 250, 250), m, image.Point{}, draw.Src)
	}
	if barcode != "" {
		m, err := oned.NewCode128Writer().Encode(barcode, gozxing.BarcodeFormat_CODE_128, 560, 100, nil)
		if err != nil {
			t.Fatal(err)
		}
		draw.Draw(img, image.Rect(40, 330, 600, 430), m, image.Point{}, draw.Src)
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecodeImage(t *testing.T) {
	signed := Sign("https://motcua.example.gov.vn/h/", secret, code)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, frame(t, signed, ""), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"QR in PNG", encodePNG(t, frame(t, signed, "")), []string{signed}},
		{"QR in JPEG", jpg.Bytes(), []string{signed}},
		{"Code128", encodePNG(t, frame(t, "", code)), []string{code}},
		{"both", encodePNG(t, frame(t, signed, code)), []string{signed, code}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeImage(bytes.NewReader(tc.data), DefaultMaxImageBytes)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDecodeImageRefusals(t *testing.T) {
	blank := encodePNG(t, frame(t, "", ""))
	// A PNG header claiming 100000×100000 pixels: refused before decoding.
	huge := append([]byte{}, blank[:33]...)
	copy(huge[16:24], []byte{0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0})
	binary.BigEndian.PutUint32(huge[29:33], crc32.ChecksumIEEE(huge[12:29]))
	if cfg, err := png.DecodeConfig(bytes.NewReader(huge)); err != nil || cfg.Width != 100000 {
		t.Fatalf("test header: %v %v", cfg, err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		max  int64
		want error
	}{
		{"blank frame", blank, 0, ErrNoCode},
		{"not an image", []byte("%PDF-1.4 không phải ảnh"), 0, ErrBadImage},
		{"empty", nil, 0, ErrBadImage},
		{"truncated", blank[:len(blank)/2], 0, ErrBadImage},
		{"claims huge size", huge, 0, ErrBadImage},
		{"too many bytes", blank, int64(len(blank) - 1), ErrImageTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeImage(bytes.NewReader(tc.data), tc.max)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}
