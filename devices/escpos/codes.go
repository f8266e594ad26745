package escpos

import "fmt"

// HRI is where a barcode's human-readable digits are printed (GS H).
type HRI byte

// Positions of the human-readable interpretation.
const (
	HRINone  HRI = 0
	HRIAbove HRI = 1
	HRIBelow HRI = 2
	HRIBoth  HRI = 3
)

// BarcodeOpts are the settings sent before a barcode.
type BarcodeOpts struct {
	Height      int // bar height in dots, 1..255
	ModuleWidth int // narrowest bar in dots, 2..6
	HRI         HRI
}

// DefaultBarcodeOpts suit a dossier code on an 80 mm roll.
var DefaultBarcodeOpts = BarcodeOpts{Height: 80, ModuleWidth: 2, HRI: HRIBelow}

// Code128 selector prefixes of GS k 73: the data starts with one and may
// switch sets with another; a literal '{' in code set B is sent as "{{".
const (
	code128SetA = 'A'
	code128SetB = 'B'
	code128SetC = 'C'
)

// Code128Payload returns the data bytes of GS k 73 for s: code set C
// (two digits per byte, values 0..99) for runs of four digits or more and
// for a string made only of an even number of digits, code set B otherwise.
// s must be printable ASCII and the payload at most 255 bytes.
func Code128Payload(s string) ([]byte, error) {
	if s == "" {
		return nil, invalid("empty Code128 data")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return nil, invalid("Code128 byte %#02x at %d is not printable ASCII", c, i)
		}
	}
	out := make([]byte, 0, len(s)+8)
	set := byte(0)
	use := func(c byte) {
		if set != c {
			out = append(out, '{', c)
			set = c
		}
	}
	for i := 0; i < len(s); {
		run := digitRun(s, i)
		if run >= 4 || (run >= 2 && run == len(s) && run%2 == 0) {
			if run%2 == 1 {
				use(code128SetB)
				out = append(out, s[i])
				i++
				run--
			}
			use(code128SetC)
			for k := 0; k < run; k += 2 {
				out = append(out, (s[i+k]-'0')*10+(s[i+k+1]-'0'))
			}
			i += run
			continue
		}
		use(code128SetB)
		if s[i] == '{' {
			out = append(out, '{')
		}
		out = append(out, s[i])
		i++
	}
	if len(out) > 255 {
		return nil, invalid("Code128 payload of %d bytes (max 255)", len(out))
	}
	return out, nil
}

func digitRun(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] >= '0' && s[i+n] <= '9' {
		n++
	}
	return n
}

// DecodeCode128Payload turns a GS k 73 payload back into the text it
// encodes. It is the inverse of Code128Payload for tests and the fake printer.
func DecodeCode128Payload(p []byte) (string, error) {
	if len(p) < 2 || p[0] != '{' {
		return "", invalid("Code128 payload must start with a code set selector")
	}
	var out []byte
	set := byte(0)
	for i := 0; i < len(p); i++ {
		if p[i] == '{' {
			if i+1 >= len(p) {
				return "", invalid("Code128 payload ends inside a selector")
			}
			switch c := p[i+1]; c {
			case code128SetA, code128SetB, code128SetC:
				set = c
			case '{':
				if set != code128SetB {
					return "", invalid("'{{' outside code set B")
				}
				out = append(out, '{')
			default:
				return "", invalid("unsupported Code128 selector {%c", c)
			}
			i++
			continue
		}
		switch set {
		case code128SetC:
			if p[i] > 99 {
				return "", invalid("code set C byte %d > 99", p[i])
			}
			out = append(out, '0'+p[i]/10, '0'+p[i]%10)
		case code128SetA, code128SetB:
			out = append(out, p[i])
		}
	}
	return string(out), nil
}

// Code128 prints s as a Code128 barcode: GS h, GS w, GS H, then
// GS k 73 n d1..dn with n the payload length.
func (e *Encoder) Code128(s string, o BarcodeOpts) error {
	if o.Height < 1 || o.Height > 255 {
		return invalid("barcode height %d (1..255)", o.Height)
	}
	if o.ModuleWidth < 2 || o.ModuleWidth > 6 {
		return invalid("barcode module width %d (2..6)", o.ModuleWidth)
	}
	if o.HRI > HRIBoth {
		return invalid("HRI position %d", o.HRI)
	}
	p, err := Code128Payload(s)
	if err != nil {
		return err
	}
	cmd := []byte{GS, 'h', byte(o.Height), GS, 'w', byte(o.ModuleWidth), GS, 'H', byte(o.HRI), GS, 'f', 0,
		GS, 'k', 73, byte(len(p))}
	return e.write(append(cmd, p...))
}

// QRLevel is a QR error-correction level.
type QRLevel byte

// Error-correction levels of GS ( k function 169, as the printer numbers them.
const (
	QRLevelL QRLevel = '0' // ~7 %
	QRLevelM QRLevel = '1' // ~15 %
	QRLevelQ QRLevel = '2' // ~25 %
	QRLevelH QRLevel = '3' // ~30 %
)

// MaxQRData is the most bytes a model 2 QR symbol holds (version 40, level L).
const MaxQRData = 7089

// QROpts are the settings of a QR symbol.
type QROpts struct {
	ModuleSize int // dots per module, 1..16
	Level      QRLevel
}

// DefaultQROpts: level M survives a scuffed ticket, size 6 reads well from a phone.
var DefaultQROpts = QROpts{ModuleSize: 6, Level: QRLevelM}

// QR stores data in the printer's symbol buffer and prints it as a model 2 QR
// code: GS ( k functions 165 (model), 167 (module size), 169 (error
// correction), 180 (store, pL pH = len(data)+3) and 181 (print).
func (e *Encoder) QR(data string, o QROpts) error {
	if len(data) == 0 || len(data) > MaxQRData {
		return invalid("QR data of %d bytes (1..%d)", len(data), MaxQRData)
	}
	if o.ModuleSize < 1 || o.ModuleSize > 16 {
		return invalid("QR module size %d (1..16)", o.ModuleSize)
	}
	if o.Level < QRLevelL || o.Level > QRLevelH {
		return invalid("QR level %#02x", byte(o.Level))
	}
	n := len(data) + 3
	cmd := make([]byte, 0, 40+len(data))
	cmd = append(cmd,
		GS, '(', 'k', 4, 0, '1', 'A', '2', 0, // model 2
		GS, '(', 'k', 3, 0, '1', 'C', byte(o.ModuleSize),
		GS, '(', 'k', 3, 0, '1', 'E', byte(o.Level),
		GS, '(', 'k', byte(n), byte(n>>8), '1', 'P', '0')
	cmd = append(cmd, data...)
	cmd = append(cmd, GS, '(', 'k', 3, 0, '1', 'Q', '0')
	if err := e.write(cmd); err != nil {
		return fmt.Errorf("escpos: QR: %w", err)
	}
	return nil
}

// Code128Modules returns the width in modules of the symbol a printer draws
// for a GS k 73 payload: start, data and code-change symbols, check symbol
// (11 modules each) and the 13-module stop pattern; quiet zones excluded.
func Code128Modules(payload []byte) int {
	symbols := 2 // start and check
	for i := 0; i < len(payload); i++ {
		if payload[i] == '{' && i+1 < len(payload) {
			i++
			if i == 1 || payload[i] != '{' {
				if i > 1 {
					symbols++ // code change
				}
				continue
			}
		}
		symbols++
	}
	return symbols*11 + 13
}
