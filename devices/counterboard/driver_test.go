package counterboard

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCRCKnownFrames(t *testing.T) {
	// Frames as published with their CRC: a read of ten holding
	// registers, and a coil write from a relay board's manual.
	for _, f := range []string{"01 03 00 00 00 0A C5 CD", "01 05 00 00 FF 00 8C 3A"} {
		raw := unhex(t, f)
		if !CheckCRC(raw) {
			t.Errorf("%s: CRC not accepted", f)
		}
		if got := AppendCRC(raw[:len(raw)-2]); !bytes.Equal(got, raw) {
			t.Errorf("AppendCRC = % X, want %s", got, f)
		}
		raw[2] ^= 1
		if CheckCRC(raw) {
			t.Errorf("%s with a flipped bit: CRC accepted", f)
		}
	}
}

func TestModbusFrames(t *testing.T) {
	b := Board{Name: "q3", Address: 3}
	tests := []struct {
		name string
		opts ModbusOpts
		d    Display
		want string // without the CRC
	}{
		{"ascii", ModbusOpts{}, Display{Text: "A012"}, "03 10 0000 0004 08 0041 0030 0031 0032"},
		{"ascii right-aligned", ModbusOpts{Width: 5, Register: 0x10}, Display{Text: "B7"}, "03 10 0010 0005 0A 0020 0020 0020 0042 0037"},
		{"ascii blank", ModbusOpts{}, Display{}, "03 10 0000 0004 08 0020 0020 0020 0020"},
		{"packed", ModbusOpts{Encoding: EncodingPacked}, Display{Text: "A012"}, "03 10 0000 0002 04 4130 3132"},
		{"packed odd width", ModbusOpts{Encoding: EncodingPacked, Width: 3}, Display{Text: "A1"}, "03 10 0000 0002 04 2020 4131"},
		{"numeric", ModbusOpts{Encoding: EncodingNumeric}, Display{Text: "C045"}, "03 10 0000 0002 04 0003 002D"},
		{"numeric own letters", ModbusOpts{Encoding: EncodingNumeric, Letters: map[string]uint16{"HT": 9}}, Display{Text: "HT1234"}, "03 10 0000 0002 04 0009 04D2"},
		{"numeric digits only", ModbusOpts{Encoding: EncodingNumeric}, Display{Text: "0007"}, "03 10 0000 0002 04 0000 0007"},
		{"numeric blank", ModbusOpts{Encoding: EncodingNumeric}, Display{}, "03 10 0000 0002 04 0000 FFFF"},
		{"blink on", ModbusOpts{Blink: true}, Display{Text: "A012", Mark: true}, "03 10 0000 0005 0A 0041 0030 0031 0032 0001"},
		{"blink off", ModbusOpts{Blink: true}, Display{Text: "A012"}, "03 10 0000 0005 0A 0041 0030 0031 0032 0000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewModbus(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.Frame(b, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			want := AppendCRC(unhex(t, tc.want))
			if !bytes.Equal(got, want) {
				t.Errorf("frame\n got % X\nwant % X", got, want)
			}
		})
	}
}

func TestModbusRefuses(t *testing.T) {
	m, _ := NewModbus(ModbusOpts{})
	if _, err := m.Frame(Board{Address: 1}, Display{Text: "A0123"}); !errors.Is(err, ErrTooWide) {
		t.Errorf("five characters on four: %v, want ErrTooWide", err)
	}
	for _, addr := range []int{0, 248} {
		if _, err := m.Frame(Board{Address: addr}, Display{Text: "A1"}); err == nil {
			t.Errorf("address %d accepted", addr)
		}
	}
	n, _ := NewModbus(ModbusOpts{Encoding: EncodingNumeric})
	if _, err := n.Frame(Board{Address: 1}, Display{Text: "Ä1"}); err == nil {
		t.Error("a letter without a code accepted")
	}
	if _, err := NewModbus(ModbusOpts{Encoding: "bcd"}); err == nil {
		t.Error("unknown encoding accepted")
	}
	if _, err := NewModbus(ModbusOpts{Width: 200}); err == nil {
		t.Error("200 registers in one request accepted")
	}
}

func TestQSystemFrames(t *testing.T) {
	q, _ := NewQSystem(QSystemOpts{})
	got, err := q.Frame(Board{Address: 5}, Display{Text: "B12"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte("\x01\x05 B12\x07"); !bytes.Equal(got, want) {
		t.Errorf("frame % X, want % X", got, want)
	}
	q2, _ := NewQSystem(QSystemOpts{AddressDigits: 2, Width: 5})
	got, _ = q2.Frame(Board{Address: 7}, Display{})
	if want := []byte("\x0107     \x07"); !bytes.Equal(got, want) {
		t.Errorf("blank frame %q, want %q", got, want)
	}
	if _, err := q2.Frame(Board{Address: 100}, Display{Text: "A1"}); err == nil {
		t.Error("a three-digit address on two digits accepted")
	}
	for _, addr := range []int{1, 7, 256, -1} {
		if _, err := q.Frame(Board{Address: addr}, Display{Text: "A1"}); err == nil {
			t.Errorf("one-byte address %d accepted", addr)
		}
	}
	if _, err := q.Frame(Board{Address: 5}, Display{Text: "A\x071"}); err == nil {
		t.Error("a control byte in the text accepted (it would end the frame)")
	}
}

func TestTemplateFrames(t *testing.T) {
	b := Board{Address: 12, Counter: "3"}
	tests := []struct {
		name string
		opts TemplateOpts
		d    Display
		want []byte
	}{
		{"placeholders", TemplateOpts{Show: `\x02{address:03}{number:5}\x03`}, Display{Text: "A12"}, []byte("\x02012  A12\x03")},
		{"byte and hex", TemplateOpts{Show: `{address:byte}{address:hex}:{counter}`}, Display{Text: "A1"}, []byte("\x0c0C:3")},
		{"digits", TemplateOpts{Show: `#{digits:4}\r\n`}, Display{Text: "B7"}, []byte("#0007\r\n")},
		{"sum", TemplateOpts{Show: `\x01\x02{sum}{xor:hex}`}, Display{}, []byte{1, 2, 3, '0', '0'}},
		{"escapes", TemplateOpts{Show: `\{\}\\{number}`}, Display{Text: "A1"}, []byte(`{}\A1`)},
		{"recall template", TemplateOpts{Show: `S{number}`, Recall: `R{number}`}, Display{Text: "A1", Mark: true}, []byte("RA1")},
		{"blank template", TemplateOpts{Show: `S{number}`, Blank: `CLR{address}`}, Display{}, []byte("CLR12")},
		{"blank without one", TemplateOpts{Show: `S{number:3}E`}, Display{}, []byte("S   E")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tp, err := NewTemplate(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tp.Frame(b, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("frame %q, want %q", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"", `\x4`, `\xZZ`, `{nope}`, `{number`, `x}`, `{number:0}`, `{counter:2}`, `{sum:dec}`, `\q`, `a\`} {
		if _, err := NewTemplate(TemplateOpts{Show: bad}); err == nil {
			t.Errorf("template %q accepted", bad)
		}
	}
}
