package scanner

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Suffix is the line ending a scanner sends after each code.
type Suffix string

// The suffixes a scanner can be configured with.
const (
	SuffixAuto Suffix = "auto" // CR, LF or CRLF: each ends a line
	SuffixCR   Suffix = "cr"   // CR ends a line; LF bytes are ignored
	SuffixLF   Suffix = "lf"   // LF ends a line; CR bytes are ignored
	SuffixCRLF Suffix = "crlf" // CR LF ends a line (a bare LF too); a CR elsewhere is garbage
	SuffixTab  Suffix = "tab"  // Tab ends a line (a scanner set up for form fields); CR and LF are ignored
	// SuffixNone: the scanner sends nothing after a code; a pause of
	// Opts.Pause ends it. CR and LF are ignored.
	SuffixNone Suffix = "none"
	// SuffixSTXETX: each code comes framed, STX (0x02) before and ETX
	// (0x03) after; bytes between frames (a CR LF after the ETX, noise)
	// are ignored, an STX inside a frame starts it again.
	SuffixSTXETX Suffix = "stx-etx"
)

func (s Suffix) valid() bool {
	switch s {
	case SuffixAuto, SuffixCR, SuffixLF, SuffixCRLF, SuffixTab, SuffixNone, SuffixSTXETX:
		return true
	}
	return false
}

// Control bytes of the framings.
const (
	stx = 0x02
	etx = 0x03
)

// discard says why a line was dropped; the reason is logged with its length,
// never its content.
type discard struct {
	reason string // Vietnamese, for the technician reading the log
	length int
}

// splitter cuts a byte stream into codes. It keeps at most maxLen bytes of a
// line; a line that grows past that, holds control characters or invalid
// UTF-8, or is shorter than minLen is dropped whole, and reading resumes at
// the next line ending. Not safe for concurrent use (one per scanner goroutine).
type splitter struct {
	suffix         Suffix
	minLen, maxLen int

	buf      []byte
	skipping bool // the current line is already dropped (too long)
	garbage  bool // the current line held a control character
	afterCR  bool // the previous byte was CR (auto, crlf)
	inFrame  bool // stx-etx: between an STX and its ETX
	length   int  // bytes seen in the current line, kept or not
}

func newSplitter(suffix Suffix, minLen, maxLen int) *splitter {
	return &splitter{suffix: suffix, minLen: minLen, maxLen: maxLen, buf: make([]byte, 0, maxLen)}
}

// feed consumes p and reports each complete code and each dropped line, in order.
func (s *splitter) feed(p []byte, code func(string), dropped func(discard)) {
	for _, c := range p {
		afterCR := s.afterCR
		s.afterCR = c == '\r'
		switch s.suffix {
		case SuffixTab, SuffixNone:
			switch c {
			case '\t':
				if s.suffix == SuffixTab {
					s.end(code, dropped)
					continue
				}
			case '\r', '\n':
				continue
			}
			s.add(c, dropped)
			continue
		case SuffixSTXETX:
			switch {
			case c == stx:
				s.reset() // a frame cut short is not a code
				s.inFrame = true
			case c == etx && s.inFrame:
				s.inFrame = false
				s.end(code, dropped)
			case s.inFrame:
				s.add(c, dropped)
			}
			continue
		}
		switch {
		case c == '\r' && (s.suffix == SuffixAuto || s.suffix == SuffixCR):
			s.end(code, dropped)
		case c == '\n' && (s.suffix == SuffixAuto) && afterCR:
			// the LF of a CRLF whose CR already ended the line
		case c == '\n' && (s.suffix == SuffixAuto || s.suffix == SuffixLF || s.suffix == SuffixCRLF):
			if s.suffix == SuffixCRLF && afterCR && !s.skipping && len(s.buf) > 0 && s.buf[len(s.buf)-1] == '\r' {
				s.buf = s.buf[:len(s.buf)-1]
				s.length--
			}
			s.end(code, dropped)
		case (c == '\n' && s.suffix == SuffixCR) || (c == '\r' && s.suffix == SuffixLF):
			// the other half of a line ending this scanner is not configured for
		default:
			s.add(c, dropped)
		}
	}
}

func (s *splitter) add(c byte, dropped func(discard)) {
	s.length++
	if s.skipping {
		return
	}
	if (c < 0x20 && !(c == '\r' && s.suffix == SuffixCRLF)) || c == 0x7f {
		s.garbage = true
	}
	if len(s.buf) >= s.maxLen {
		dropped(discard{reason: fmt.Sprintf("dòng dài quá %d byte", s.maxLen), length: s.length})
		s.buf = s.buf[:0]
		s.skipping = true
		return
	}
	s.buf = append(s.buf, c)
}

// end closes the current line.
func (s *splitter) end(code func(string), dropped func(discard)) {
	defer s.reset()
	if s.skipping {
		return // reported when it grew too long
	}
	if s.length == 0 {
		return // an empty line: a second line ending, nothing to report
	}
	line := string(s.buf)
	switch {
	case s.garbage || (s.suffix == SuffixCRLF && strings.ContainsRune(line, '\r')):
		dropped(discard{reason: "có ký tự điều khiển (nhiễu đường truyền hoặc sai tốc độ baud)", length: s.length})
	case !utf8.ValidString(line):
		dropped(discard{reason: "không phải văn bản UTF-8 (nhiễu hoặc sai tốc độ baud)", length: s.length})
	case strings.IndexFunc(line, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) >= 0:
		dropped(discard{reason: "có ký tự không in được", length: s.length})
	case utf8.RuneCountInString(strings.TrimSpace(line)) < s.minLen:
		dropped(discard{reason: fmt.Sprintf("ngắn hơn %d ký tự", s.minLen), length: s.length})
	default:
		code(strings.TrimSpace(line))
	}
}

// flush drops a line left without its ending (a timeout or a disconnect).
func (s *splitter) flush(reason string, dropped func(discard)) {
	if s.length > 0 && !s.skipping {
		dropped(discard{reason: reason, length: s.length})
	}
	s.reset()
	s.inFrame = false
}

// aim splits an AIM symbology identifier off a code: "]C0" (Code128), "]Q1"
// (QR), "]E0" (EAN-13)… that a scanner set to send it puts first. It
// returns "" and the code when there is none.
func aim(code string) (symbology, rest string) {
	if len(code) > 3 && code[0] == ']' && isLetter(code[1]) && isAlnum(code[2]) {
		return code[:3], strings.TrimSpace(code[3:])
	}
	return "", code
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func isAlnum(c byte) bool  { return isLetter(c) || c >= '0' && c <= '9' }

// pause ends the line a scanner without a suffix (SuffixNone) was sending:
// the pause after a code is its end. With another suffix a pause ends
// nothing (see flush).
func (s *splitter) pause(code func(string), dropped func(discard)) {
	if s.suffix == SuffixNone && s.length > 0 {
		s.end(code, dropped)
	}
}

// pending reports whether part of a line is buffered.
func (s *splitter) pending() bool { return s.length > 0 }

func (s *splitter) reset() {
	s.buf = s.buf[:0]
	s.skipping, s.garbage, s.length = false, false, 0
}
