package counterboard

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Display is what a board shows.
type Display struct {
	// Text is the ticket number ("A012"); "" blanks the board.
	Text string
	// Mark is set during a recall: the board blinks or marks the number.
	Mark bool
}

// Blank reports whether the board shows nothing.
func (d Display) Blank() bool { return d.Text == "" }

// Board is one board on a bus.
type Board struct {
	// Name identifies the board in states and logs (the config's name).
	Name string
	// Address is the board's address on the bus (Modbus unit id 1-247;
	// QSystem and templates 0-255).
	Address int
	// Counter is the id of the counter it shows, for templates that name it.
	Counter string
	// Driver speaks the board's protocol. Required.
	Driver Driver
}

// Port is the bus's serial port: go.bug.st/serial's Port satisfies it.
type Port interface {
	io.ReadWriter
	// SetReadTimeout bounds one Read; a Read that times out returns (0, nil).
	SetReadTimeout(time.Duration) error
	// ResetInputBuffer drops bytes received and not read (a late answer).
	ResetInputBuffer() error
	// Close closes the port.
	Close() error
}

// Driver encodes displays for one kind of board.
type Driver interface {
	// Frame is the bytes that make board b show d. An error means the
	// display cannot be encoded (a number too wide for the board): nothing
	// is sent.
	Frame(b Board, d Display) ([]byte, error)
	// Answer reads and checks the board's answer to frame; a driver whose
	// boards never answer returns nil at once. A board that does not
	// answer in time is a *NoAnswerError.
	Answer(p Port, b Board, frame []byte) error
	// Pause is the silence the bus keeps after each frame, beyond the
	// frame's time on the wire.
	Pause() time.Duration
	// Marks reports whether the driver shows a recall by the board's own
	// mark; otherwise the bus flashes the number.
	Marks() bool
}

// ErrTooWide reports a number the board has too few characters for.
var ErrTooWide = errors.New("counterboard: số quá dài cho bảng")

// NoAnswerError reports a board that did not answer, or answered wrongly.
type NoAnswerError struct {
	Board   string
	Address int
	// Got is how many bytes came back (0: silence).
	Got int
	// Reason says what was wrong ("timeout", "bad crc", "exception 2").
	Reason string
}

func (e *NoAnswerError) Error() string {
	return fmt.Sprintf("counterboard: board %s (address %d) did not answer: %s (%d bytes)", e.Board, e.Address, e.Reason, e.Got)
}

// fit right-aligns text in width characters, padding with spaces; an
// empty text is all spaces. Text holds ASCII letters and digits only.
func fit(text string, width int) (string, error) {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < 0x20 || c > 0x7e {
			return "", fmt.Errorf("counterboard: %q is not printable ASCII", text)
		}
	}
	if width <= 0 {
		return text, nil
	}
	if len(text) > width {
		return "", fmt.Errorf("%w: %q on %d characters", ErrTooWide, text, width)
	}
	return strings.Repeat(" ", width-len(text)) + text, nil
}
