package counterboard

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// Encoding is how a Modbus board takes its text in registers.
type Encoding string

// Encodings of a Modbus board's text.
const (
	// EncodingASCII puts one character per register (its ASCII code): the
	// registers Register..Register+Width-1.
	EncodingASCII Encoding = "ascii"
	// EncodingPacked puts two characters per register, the first in the
	// high byte: (Width+1)/2 registers.
	EncodingPacked Encoding = "packed"
	// EncodingNumeric is for numeric modules: the register Register holds
	// the code of the number's letters (Letters), the next one the digits as
	// a number; blank writes 0 and BlankValue.
	EncodingNumeric Encoding = "numeric"
)

// Defaults of a Modbus driver.
const (
	DefaultWidth         = 4
	DefaultModbusTimeout = 300 * time.Millisecond
	DefaultBlankValue    = 0xFFFF
)

// ModbusOpts configure the Modbus RTU driver. Zero fields take the defaults.
type ModbusOpts struct {
	// Register is the first holding register of the text (0-based, as on
	// the wire: "40001" in a manual is 0).
	Register uint16
	// Width is how many characters the board shows; default 4.
	Width int
	// Encoding is how the text goes into registers; default EncodingASCII.
	Encoding Encoding
	// Letters maps a number's letter part to the code a numeric board
	// shows it by (EncodingNumeric); default A=1, B=2 … Z=26.
	Letters map[string]uint16
	// BlankValue is what the digits register holds to blank a numeric
	// board; default 0xFFFF.
	BlankValue uint16
	// Blink, when set, makes the register after the text 1 during a
	// recall and 0 otherwise: the board's own blinking.
	Blink bool
	// Timeout is how long the board may stay silent, before its answer and
	// between its bytes; default 300 ms.
	Timeout time.Duration
}

// Modbus writes a board's text with Modbus RTU function 16 (write multiple
// registers) and checks the board's answer.
type Modbus struct {
	o ModbusOpts
}

// NewModbus checks o and makes the driver.
func NewModbus(o ModbusOpts) (*Modbus, error) {
	if o.Width <= 0 {
		o.Width = DefaultWidth
	}
	if o.Encoding == "" {
		o.Encoding = EncodingASCII
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultModbusTimeout
	}
	if o.BlankValue == 0 {
		o.BlankValue = DefaultBlankValue
	}
	switch o.Encoding {
	case EncodingASCII, EncodingPacked, EncodingNumeric:
	default:
		return nil, fmt.Errorf("counterboard: mã hóa %q không hợp lệ (ascii, packed, numeric)", o.Encoding)
	}
	if o.Encoding == EncodingNumeric && o.Letters == nil {
		o.Letters = map[string]uint16{}
		for c := 'A'; c <= 'Z'; c++ {
			o.Letters[string(c)] = uint16(c-'A') + 1
		}
	}
	if n := o.registers(); n > 123 || int(o.Register)+n > 0x10000 {
		return nil, fmt.Errorf("counterboard: %d thanh ghi từ %d vượt quá giới hạn Modbus (123 thanh ghi một lần)", n, o.Register)
	}
	return &Modbus{o: o}, nil
}

func (o *ModbusOpts) registers() int {
	n := o.Width
	switch o.Encoding {
	case EncodingPacked:
		n = (o.Width + 1) / 2
	case EncodingNumeric:
		n = 2
	}
	if o.Blink {
		n++
	}
	return n
}

// Frame is the request: unit id, 16, first register, count, byte count,
// the registers big-endian, CRC low byte first.
func (m *Modbus) Frame(b Board, d Display) ([]byte, error) {
	if b.Address < 1 || b.Address > 247 {
		return nil, fmt.Errorf("counterboard: địa chỉ Modbus %d ngoài khoảng 1-247", b.Address)
	}
	regs, err := m.values(d)
	if err != nil {
		return nil, err
	}
	if m.o.Blink {
		var v uint16
		if d.Mark {
			v = 1
		}
		regs = append(regs, v)
	}
	f := make([]byte, 0, 9+2*len(regs))
	f = append(f, byte(b.Address), 0x10)
	f = binary.BigEndian.AppendUint16(f, m.o.Register)
	f = binary.BigEndian.AppendUint16(f, uint16(len(regs)))
	f = append(f, byte(2*len(regs)))
	for _, r := range regs {
		f = binary.BigEndian.AppendUint16(f, r)
	}
	return AppendCRC(f), nil
}

func (m *Modbus) values(d Display) ([]uint16, error) {
	if m.o.Encoding == EncodingNumeric {
		if d.Blank() {
			return []uint16{0, m.o.BlankValue}, nil
		}
		letters := strings.TrimRight(d.Text, "0123456789")
		digits := d.Text[len(letters):]
		code, ok := m.o.Letters[letters]
		if letters == "" {
			code, ok = 0, true
		}
		if !ok || digits == "" {
			return nil, fmt.Errorf("counterboard: bảng số không hiển thị được %q (chữ %q không có mã)", d.Text, letters)
		}
		if len(digits) > m.o.Width {
			return nil, fmt.Errorf("%w: %q on %d digits", ErrTooWide, d.Text, m.o.Width)
		}
		var n uint32
		for _, c := range digits {
			n = n*10 + uint32(c-'0')
		}
		if n > 0xFFFF {
			return nil, fmt.Errorf("%w: %q", ErrTooWide, d.Text)
		}
		return []uint16{code, uint16(n)}, nil
	}
	text, err := fit(d.Text, m.o.Width)
	if err != nil {
		return nil, err
	}
	var regs []uint16
	if m.o.Encoding == EncodingPacked {
		if len(text)%2 == 1 {
			text = " " + text
		}
		for i := 0; i < len(text); i += 2 {
			regs = append(regs, uint16(text[i])<<8|uint16(text[i+1]))
		}
		return regs, nil
	}
	for i := 0; i < len(text); i++ {
		regs = append(regs, uint16(text[i]))
	}
	return regs, nil
}

// Answer reads the board's 8-byte echo of the request (or its 5-byte
// exception) and checks its address, function, registers and CRC.
func (m *Modbus) Answer(p Port, b Board, frame []byte) error {
	if err := p.SetReadTimeout(m.o.Timeout); err != nil {
		return err
	}
	fail := func(got int, reason string) error {
		return &NoAnswerError{Board: b.Name, Address: b.Address, Got: got, Reason: reason}
	}
	buf := make([]byte, 0, 8)
	want := 8
	for len(buf) < want {
		var chunk [8]byte
		n, err := p.Read(chunk[:want-len(buf)])
		if err != nil {
			return err
		}
		if n == 0 { // the read timed out: silence for Timeout
			if len(buf) == 0 {
				return fail(0, "timeout")
			}
			return fail(len(buf), "answer cut short")
		}
		buf = append(buf, chunk[:n]...)
		if len(buf) >= 2 && buf[1] == 0x90 {
			want = 5
		}
	}
	if !CheckCRC(buf) {
		return fail(len(buf), "bad crc")
	}
	if buf[0] != frame[0] {
		return fail(len(buf), fmt.Sprintf("answer from address %d", buf[0]))
	}
	if buf[1] == 0x90 {
		return fail(len(buf), fmt.Sprintf("exception %d", buf[2]))
	}
	if buf[1] != 0x10 || string(buf[2:6]) != string(frame[2:6]) {
		return fail(len(buf), "answer does not match the request")
	}
	return nil
}

// Pause is none: the bus keeps the 3.5 characters of silence Modbus RTU
// needs between frames.
func (m *Modbus) Pause() time.Duration { return 0 }

// Marks reports whether the board has a blink register.
func (m *Modbus) Marks() bool { return m.o.Blink }

// CRC is the Modbus CRC-16 of p (polynomial 0xA001 reflected, from 0xFFFF).
func CRC(p []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, c := range p {
		crc ^= uint16(c)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xA001
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}

// AppendCRC appends the CRC of p, low byte first, as Modbus RTU sends it.
func AppendCRC(p []byte) []byte {
	return binary.LittleEndian.AppendUint16(p, CRC(p))
}

// CheckCRC reports whether frame ends with the right CRC of what precedes it.
func CheckCRC(frame []byte) bool {
	n := len(frame)
	return n >= 4 && binary.LittleEndian.Uint16(frame[n-2:]) == CRC(frame[:n-2])
}
