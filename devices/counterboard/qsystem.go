package counterboard

import (
	"fmt"
	"time"
)

// DefaultQSystemPause is the silence after each QSystem frame.
const DefaultQSystemPause = 50 * time.Millisecond

// QSystemOpts configure the QSystem-style driver. Zero fields take defaults.
type QSystemOpts struct {
	// Width is how many characters the board shows; the number is
	// right-aligned, padded with spaces. Default 4.
	Width int
	// AddressDigits sends the address as that many ASCII decimal digits;
	// 0 (the default) sends it as one byte.
	AddressDigits int
	// Pause is the silence after each frame; default 50 ms.
	Pause time.Duration
}

// QSystem frames a board's text as 0x01 ADDRESS TEXT 0x07, the framing of
// the open QSystem driver; its boards do not answer.
type QSystem struct {
	o QSystemOpts
}

// NewQSystem makes the driver.
func NewQSystem(o QSystemOpts) (*QSystem, error) {
	if o.Width <= 0 {
		o.Width = DefaultWidth
	}
	if o.Pause <= 0 {
		o.Pause = DefaultQSystemPause
	}
	if o.AddressDigits < 0 || o.AddressDigits > 3 {
		return nil, fmt.Errorf("counterboard: address_digits %d phải từ 0 đến 3", o.AddressDigits)
	}
	return &QSystem{o: o}, nil
}

// Frame is 0x01, the address, the text in Width characters, 0x07.
func (q *QSystem) Frame(b Board, d Display) ([]byte, error) {
	if err := q.CheckAddress(b.Address); err != nil {
		return nil, err
	}
	text, err := fit(d.Text, q.o.Width)
	if err != nil {
		return nil, err
	}
	f := []byte{0x01}
	if q.o.AddressDigits > 0 {
		f = fmt.Appendf(f, "%0*d", q.o.AddressDigits, b.Address)
	} else {
		f = append(f, byte(b.Address))
	}
	f = append(f, text...)
	return append(f, 0x07), nil
}

// CheckAddress reports whether a board can have the address: 0-255 in one
// byte but for 1 and 7 (the frame's own bytes: a board would take the
// address for the start or the end), or a number of AddressDigits digits.
func (q *QSystem) CheckAddress(addr int) error {
	switch {
	case q.o.AddressDigits > 0 && (addr < 0 || len(fmt.Sprint(addr)) > q.o.AddressDigits):
		return fmt.Errorf("counterboard: địa chỉ %d không vừa %d chữ số", addr, q.o.AddressDigits)
	case q.o.AddressDigits == 0 && (addr < 0 || addr > 255):
		return fmt.Errorf("counterboard: địa chỉ %d ngoài khoảng 0-255", addr)
	case q.o.AddressDigits == 0 && (addr == 0x01 || addr == 0x07):
		return fmt.Errorf("counterboard: địa chỉ %d trùng byte đầu hoặc cuối khung (0x01, 0x07): đặt address_digits để gửi địa chỉ bằng chữ số", addr)
	}
	return nil
}

// Answer returns nil: QSystem boards do not answer.
func (q *QSystem) Answer(Port, Board, []byte) error { return nil }

// Pause is the configured silence after a frame.
func (q *QSystem) Pause() time.Duration { return q.o.Pause }

// Marks is false: the bus flashes a recalled number.
func (q *QSystem) Marks() bool { return false }
