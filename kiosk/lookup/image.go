package lookup

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // camera frames may come as GIF
	_ "image/jpeg"
	_ "image/png"
	"io"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// DefaultMaxImageBytes is a sensible maxBytes for DecodeImage: a 1080p JPEG
// frame is well under it.
const DefaultMaxImageBytes = 4 << 20

// maxImagePixels bounds the decoded size of a frame (a 4K frame), so a small
// file that claims huge dimensions cannot exhaust memory.
const maxImagePixels = 3840 * 2160

// DecodeImage finds the QR codes and Code128 barcodes in a camera frame (PNG,
// JPEG or GIF of at most maxBytes bytes) and returns their texts, QR first.
// It fails with ErrImageTooLarge, ErrBadImage or ErrNoCode. Safe for
// concurrent use; it holds the decoded frame in memory while it runs.
func DecodeImage(r io.Reader, maxBytes int64) ([]string, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxImageBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("lookup: đọc ảnh: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("lookup: ảnh lớn hơn %d byte: %w", maxBytes, ErrImageTooLarge)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("lookup: không nhận ra định dạng ảnh (cần PNG, JPEG hoặc GIF): %w", ErrBadImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels || cfg.Width > 1<<15 || cfg.Height > 1<<15 {
		return nil, fmt.Errorf("lookup: ảnh %s %dx%d điểm vượt giới hạn %d điểm: %w", format, cfg.Width, cfg.Height, maxImagePixels, ErrBadImage)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("lookup: ảnh %s hỏng: %w", format, ErrBadImage)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return nil, fmt.Errorf("lookup: ảnh %s: %w", format, ErrBadImage)
	}
	var texts []string
	for _, reader := range []gozxing.Reader{qrcode.NewQRCodeReader(), oned.NewCode128Reader()} {
		if t := decodeWith(reader, bmp); t != "" && !containsString(texts, t) {
			texts = append(texts, t)
		}
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("lookup: %w", ErrNoCode)
	}
	return texts, nil
}

// decodeWith returns the text reader finds in bmp, "" if none. A decoder
// failing on a strange frame (gozxing is a port of Java code that panics on
// some inputs) is a frame without a code, not a crashed request.
func decodeWith(reader gozxing.Reader, bmp *gozxing.BinaryBitmap) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	res, err := reader.Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return ""
	}
	return res.GetText()
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
