package escpos

import (
	"errors"
	"fmt"
	"io"
)

// Control bytes that open ESC/POS commands.
const (
	LF  = 0x0a
	ESC = 0x1b
	GS  = 0x1d
	DLE = 0x10
	EOT = 0x04
)

// ErrInvalid is wrapped by every error about a bad argument.
var ErrInvalid = errors.New("escpos: invalid argument")

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, a...)...)
}

// Align is a justification for ESC a.
type Align byte

// Justifications understood by ESC a.
const (
	Left   Align = 0
	Center Align = 1
	Right  Align = 2
)

// Encoder writes ESC/POS commands to an io.Writer, one Write per command.
// A failed write is returned by the method that caused it.
type Encoder struct {
	w io.Writer
}

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: w} }

func (e *Encoder) write(b []byte) error {
	n, err := e.w.Write(b)
	if err != nil {
		return fmt.Errorf("escpos: write: %w", err)
	}
	if n != len(b) {
		return fmt.Errorf("escpos: write: %w", io.ErrShortWrite)
	}
	return nil
}

// DisableRealtimeControl sends GS ( D with m = 20 to switch off the
// real-time commands DLE DC4 1 (pulse a drawer) and DLE DC4 2 (power off)
// until the printer is reset or switched off: raster image bytes that
// happen to read as one of them are then printed, not obeyed. Epson TM
// printers take it; others may print it as data, so it is sent only where
// the printer's profile says so. (DLE EOT, the status query, stays on: it
// cannot be switched off, which is why status reads resynchronise.)
func (e *Encoder) DisableRealtimeControl() error {
	return e.write([]byte{GS, '(', 'D', 5, 0, 20, 1, 0, 2, 0})
}

// Init resets the printer to its power-on settings (ESC @).
func (e *Encoder) Init() error { return e.write([]byte{ESC, '@'}) }

// Align sets the justification of the following lines, raster images,
// barcodes and QR codes (ESC a).
func (e *Encoder) Align(a Align) error {
	if a > Right {
		return invalid("alignment %d", a)
	}
	return e.write([]byte{ESC, 'a', byte(a)})
}

// Emphasis turns emphasised (bold) printer-font text on or off (ESC E).
func (e *Encoder) Emphasis(on bool) error {
	return e.write([]byte{ESC, 'E', boolByte(on)})
}

// Smoothing turns smoothing of enlarged printer-font characters on or off
// (GS b). Printers without it ignore the command.
func (e *Encoder) Smoothing(on bool) error {
	return e.write([]byte{GS, 'b', boolByte(on)})
}

// Size sets the magnification of printer-font characters, 1 to 8 in each
// direction (GS !).
func (e *Encoder) Size(width, height int) error {
	if width < 1 || width > 8 || height < 1 || height > 8 {
		return invalid("character size %dx%d (1..8)", width, height)
	}
	return e.write([]byte{GS, '!', byte((width-1)<<4 | (height - 1))})
}

// Text prints printer-font text. Only printable ASCII is accepted: the code
// pages of thermal printers cannot be trusted with anything else, so
// Vietnamese goes through Raster.
func (e *Encoder) Text(s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return invalid("text byte %#02x at %d is not printable ASCII", c, i)
		}
	}
	return e.write([]byte(s))
}

// Newline prints the line buffer and feeds one line (LF).
func (e *Encoder) Newline() error { return e.write([]byte{LF}) }

// Feed prints the line buffer and feeds n lines, 0 to 255 (ESC d).
func (e *Encoder) Feed(lines int) error {
	if lines < 0 || lines > 255 {
		return invalid("feed %d lines (0..255)", lines)
	}
	return e.write([]byte{ESC, 'd', byte(lines)})
}

// FeedDots prints the line buffer and feeds n motion units (dots at 203 dpi);
// more than 255 are sent as several commands (ESC J).
func (e *Encoder) FeedDots(n int) error {
	if n < 0 || n > 1<<16 {
		return invalid("feed %d dots", n)
	}
	for n > 0 {
		k := min(n, 255)
		if err := e.write([]byte{ESC, 'J', byte(k)}); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// Cut feeds the paper to the cutter plus feed dots (0..255) and cuts it,
// fully or leaving a small bridge (GS V 65/66 n).
func (e *Encoder) Cut(partial bool, feed int) error {
	if feed < 0 || feed > 255 {
		return invalid("cut feed %d (0..255)", feed)
	}
	m := byte(65)
	if partial {
		m = 66
	}
	return e.write([]byte{GS, 'V', m, byte(feed)})
}

// Raw writes b unchanged, for commands this package does not model.
func (e *Encoder) Raw(b []byte) error { return e.write(b) }

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}
