package escpos

import (
	"errors"
	"fmt"
)

// ErrIncomplete means the buffer ends inside a command: read more bytes.
var ErrIncomplete = errors.New("escpos: incomplete command")

// Command is one command (or one run of text) found in a byte stream.
type Command struct {
	// Name is "text", "LF", or the command's mnemonic with its
	// function letter, such as "ESC @", "GS v 0", "GS k", "GS ( k", "DLE EOT".
	Name string
	// Raw holds every byte of the command, header and data.
	Raw []byte
	// Data is the variable part: the text, the raster rows, the barcode or
	// GS ( k payload after pL pH (including cn and fn); nil otherwise.
	Data []byte
}

// Arg returns the i-th byte after the command's name bytes, or -1.
func (c Command) Arg(i int) int {
	skip := map[string]int{"GS ( k": 3, "GS v 0": 3, "DLE EOT": 2}[c.Name]
	if skip == 0 {
		skip = 2
	}
	if skip+i < len(c.Raw) {
		return int(c.Raw[skip+i])
	}
	return -1
}

// Parse splits b into commands; it fails on an unknown or truncated command.
func Parse(b []byte) ([]Command, error) {
	var cmds []Command
	for len(b) > 0 {
		c, n, err := Next(b)
		if err != nil {
			return cmds, err
		}
		cmds = append(cmds, c)
		b = b[n:]
	}
	return cmds, nil
}

// Next returns the first command of b and its length. It returns
// ErrIncomplete when b ends inside a command, and an error for a command
// this package does not know, since its length cannot be known.
func Next(b []byte) (Command, int, error) {
	if len(b) == 0 {
		return Command{}, 0, ErrIncomplete
	}
	fixed := func(name string, n int) (Command, int, error) {
		if len(b) < n {
			return Command{}, 0, ErrIncomplete
		}
		return Command{Name: name, Raw: b[:n]}, n, nil
	}
	need := func(n int) bool { return len(b) >= n }
	switch c := b[0]; {
	case c == LF:
		return fixed("LF", 1)
	case c == DLE:
		if !need(2) {
			return Command{}, 0, ErrIncomplete
		}
		if b[1] != EOT {
			return Command{}, 0, fmt.Errorf("escpos: unknown command DLE %#02x", b[1])
		}
		return fixed("DLE EOT", 3)
	case c == ESC:
		if !need(2) {
			return Command{}, 0, ErrIncomplete
		}
		switch f := b[1]; f {
		case '@', '2':
			return fixed("ESC "+string(f), 2)
		case 'a', 'E', 'd', 'J', 'M', '3', '-', 't', 'R', '!', 'G':
			return fixed("ESC "+string(f), 3)
		case '$':
			return fixed("ESC $", 4)
		}
		return Command{}, 0, fmt.Errorf("escpos: unknown command ESC %#02x", b[1])
	case c == GS:
		if !need(2) {
			return Command{}, 0, ErrIncomplete
		}
		switch f := b[1]; f {
		case '!', 'h', 'w', 'H', 'f', 'b', 'B', 'r', 'a', 'I':
			return fixed("GS "+string(f), 3)
		case 'L', 'W':
			return fixed("GS "+string(f), 4)
		case 'V':
			if !need(3) {
				return Command{}, 0, ErrIncomplete
			}
			if m := b[2]; m == 0 || m == 1 || m == '0' || m == '1' {
				return fixed("GS V", 3)
			}
			return fixed("GS V", 4)
		case 'v':
			if !need(8) {
				return Command{}, 0, ErrIncomplete
			}
			if b[2] != '0' {
				return Command{}, 0, fmt.Errorf("escpos: unknown command GS v %#02x", b[2])
			}
			x := int(b[4]) | int(b[5])<<8
			y := int(b[6]) | int(b[7])<<8
			n := 8 + x*y
			if !need(n) {
				return Command{}, 0, ErrIncomplete
			}
			return Command{Name: "GS v 0", Raw: b[:n], Data: b[8:n]}, n, nil
		case 'k':
			if !need(3) {
				return Command{}, 0, ErrIncomplete
			}
			m := b[2]
			if m <= 6 {
				for i := 3; i < len(b); i++ {
					if b[i] == 0 {
						return Command{Name: "GS k", Raw: b[:i+1], Data: b[3:i]}, i + 1, nil
					}
				}
				return Command{}, 0, ErrIncomplete
			}
			if !need(4) {
				return Command{}, 0, ErrIncomplete
			}
			n := 4 + int(b[3])
			if !need(n) {
				return Command{}, 0, ErrIncomplete
			}
			return Command{Name: "GS k", Raw: b[:n], Data: b[4:n]}, n, nil
		case '(', '8':
			if !need(5) {
				return Command{}, 0, ErrIncomplete
			}
			n := 5 + (int(b[3]) | int(b[4])<<8)
			if f == '8' {
				return Command{}, 0, fmt.Errorf("escpos: unsupported command GS 8")
			}
			if !need(n) {
				return Command{}, 0, ErrIncomplete
			}
			return Command{Name: "GS ( " + string(b[2]), Raw: b[:n], Data: b[5:n]}, n, nil
		}
		return Command{}, 0, fmt.Errorf("escpos: unknown command GS %#02x", b[1])
	case c >= 0x20:
		i := 0
		for i < len(b) && b[i] >= 0x20 {
			i++
		}
		return Command{Name: "text", Raw: b[:i], Data: b[:i]}, i, nil
	}
	return Command{}, 0, fmt.Errorf("escpos: unknown control byte %#02x", b[0])
}
