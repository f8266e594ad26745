package counterboard

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TemplateOpts are the bytes of a board no one documents, with
// placeholders. Show is required; Recall, when set, is sent during a recall
// (otherwise the bus flashes the number); Blank, when set, blanks the board
// (otherwise Show with an empty number).
//
// Escapes: \xNN a byte, \r \n \t, \\, \{ and \}. Placeholders:
//
//	{address}        the address in decimal; {address:03} zero-padded to 3
//	{address:byte}   the address as one byte; {address:hex} two hex digits
//	{number}         the ticket number; {number:5} right-aligned in 5 characters
//	{digits}         the number's digits only; {digits:4} zero-padded to 4
//	{counter}        the counter's id
//	{sum} {xor}      one byte: the sum (mod 256) or the XOR of the bytes
//	                 before it; {sum:hex} {xor:hex} as two hex digits
type TemplateOpts struct {
	Show, Recall, Blank string
	// Pause is the silence after each frame; default 50 ms.
	Pause time.Duration
}

// Template sends templates' bytes; its boards do not answer.
type Template struct {
	show, recall, blank []part
	pause               time.Duration
}

type part struct {
	lit  []byte
	name string // placeholder, "" for a literal
	arg  string
}

// NewTemplate parses the templates.
func NewTemplate(o TemplateOpts) (*Template, error) {
	if o.Show == "" {
		return nil, fmt.Errorf("counterboard: template: thiếu mẫu hiển thị (show)")
	}
	t := &Template{pause: o.Pause}
	if t.pause <= 0 {
		t.pause = DefaultQSystemPause
	}
	var err error
	if t.show, err = parseTemplate(o.Show); err != nil {
		return nil, fmt.Errorf("counterboard: template show: %w", err)
	}
	if o.Recall != "" {
		if t.recall, err = parseTemplate(o.Recall); err != nil {
			return nil, fmt.Errorf("counterboard: template recall: %w", err)
		}
	}
	if o.Blank != "" {
		if t.blank, err = parseTemplate(o.Blank); err != nil {
			return nil, fmt.Errorf("counterboard: template blank: %w", err)
		}
	}
	return t, nil
}

func parseTemplate(s string) ([]part, error) {
	var out []part
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			out = append(out, part{lit: lit})
			lit = nil
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("dấu \\ ở cuối mẫu")
			}
			i++
			switch s[i] {
			case 'x':
				if i+3 > len(s) {
					return nil, fmt.Errorf("\\x cần hai chữ số hex (vị trí %d)", i)
				}
				v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
				if err != nil {
					return nil, fmt.Errorf("\\x cần hai chữ số hex (vị trí %d)", i)
				}
				lit = append(lit, byte(v))
				i += 2
			case 'r':
				lit = append(lit, '\r')
			case 'n':
				lit = append(lit, '\n')
			case 't':
				lit = append(lit, '\t')
			case '\\', '{', '}':
				lit = append(lit, s[i])
			default:
				return nil, fmt.Errorf("\\%c không phải ký tự thoát hợp lệ", s[i])
			}
		case '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("thiếu } sau vị trí %d", i)
			}
			name, arg, _ := strings.Cut(s[i+1:i+end], ":")
			if err := checkPlaceholder(name, arg); err != nil {
				return nil, err
			}
			flush()
			out = append(out, part{name: name, arg: arg})
			i += end
		case '}':
			return nil, fmt.Errorf("} thừa ở vị trí %d", i)
		default:
			lit = append(lit, c)
		}
	}
	flush()
	return out, nil
}

func checkPlaceholder(name, arg string) error {
	width := func() error {
		if arg == "" {
			return nil
		}
		if n, err := strconv.Atoi(arg); err != nil || n < 1 || n > 32 {
			return fmt.Errorf("{%s:%s}: độ rộng phải là số từ 1 đến 32", name, arg)
		}
		return nil
	}
	switch name {
	case "address":
		if arg == "byte" || arg == "hex" {
			return nil
		}
		return width()
	case "number", "digits":
		return width()
	case "counter":
		if arg != "" {
			return fmt.Errorf("{counter} không có tham số")
		}
		return nil
	case "sum", "xor":
		if arg != "" && arg != "hex" {
			return fmt.Errorf("{%s:%s}: chỉ có {%s} hoặc {%s:hex}", name, arg, name, name)
		}
		return nil
	}
	return fmt.Errorf("chỗ trống {%s} không có (address, number, digits, counter, sum, xor)", name)
}

// Frame fills the template of d.
func (t *Template) Frame(b Board, d Display) ([]byte, error) {
	parts := t.show
	switch {
	case d.Blank() && t.blank != nil:
		parts = t.blank
	case d.Mark && t.recall != nil:
		parts = t.recall
	}
	var out []byte
	for _, p := range parts {
		if p.name == "" {
			out = append(out, p.lit...)
			continue
		}
		var err error
		if out, err = fill(out, p, b, d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func fill(out []byte, p part, b Board, d Display) ([]byte, error) {
	width := 0
	if n, err := strconv.Atoi(p.arg); err == nil {
		width = n
	}
	switch p.name {
	case "address":
		switch p.arg {
		case "byte":
			if b.Address < 0 || b.Address > 255 {
				return nil, fmt.Errorf("counterboard: địa chỉ %d không vừa một byte", b.Address)
			}
			return append(out, byte(b.Address)), nil
		case "hex":
			return fmt.Appendf(out, "%02X", b.Address), nil
		}
		return fmt.Appendf(out, "%0*d", width, b.Address), nil
	case "number":
		s, err := fit(d.Text, width)
		if err != nil {
			return nil, err
		}
		return append(out, s...), nil
	case "digits":
		digits := strings.TrimLeft(d.Text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
		if width > 0 && len(digits) > width {
			return nil, fmt.Errorf("%w: %q on %d digits", ErrTooWide, d.Text, width)
		}
		if d.Blank() {
			return append(out, strings.Repeat(" ", width)...), nil
		}
		return append(out, strings.Repeat("0", max(0, width-len(digits)))+digits...), nil
	case "counter":
		return append(out, b.Counter...), nil
	case "sum", "xor":
		var v byte
		for _, c := range out {
			if p.name == "sum" {
				v += c
			} else {
				v ^= c
			}
		}
		if p.arg == "hex" {
			return fmt.Appendf(out, "%02X", v), nil
		}
		return append(out, v), nil
	}
	return nil, fmt.Errorf("counterboard: chỗ trống {%s}", p.name)
}

// Answer returns nil: template boards do not answer.
func (t *Template) Answer(Port, Board, []byte) error { return nil }

// Pause is the configured silence after a frame.
func (t *Template) Pause() time.Duration { return t.pause }

// Marks reports whether a recall template is set.
func (t *Template) Marks() bool { return t.recall != nil }
