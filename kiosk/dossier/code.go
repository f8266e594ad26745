package dossier

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ErrInvalidCode reports a text that matches none of the accepted dossier
// code shapes. Parsers wrap it; test with errors.Is.
var ErrInvalidCode = errors.New("dossier: code matches no accepted shape")

// The built-in code shapes.
const (
	// NationalPattern is the national shape {agency}-{yyMMdd}-{sequence}
	// ("000.00.14.H56-200203-0118"), lenient on the agency part as
	// domain.md asks (the strict one is
	// `^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4,6}$`).
	NationalPattern = `^[0-9A-Z.]{3,20}-\d{6}-\d{4,6}$`
	// MinistryPattern is the shape of the 2026 ministry systems:
	// {unit}-{yyyyMMdd}-{sequence} with an 8-digit date and a 7-digit
	// sequence ("G09.20-20260609-0092637"), 4 to 8 digits accepted.
	MinistryPattern = `^[0-9A-Z.]{3,20}-\d{8}-\d{4,8}$`
	// MaxCodeLen bounds a dossier code of any shape.
	MaxCodeLen = 64
)

// CodeShape is one form of dossier code a system issues: a name (for
// operators) and a regular expression matched against the normalised code
// (NormalizeCode: upper case, no spaces).
type CodeShape struct {
	Name    string `json:"name" yaml:"name"`
	Pattern string `json:"pattern" yaml:"pattern"`
}

// DefaultShapes are the shapes accepted when a center configures none: the
// national one and the ministry one.
func DefaultShapes() []CodeShape {
	return []CodeShape{{Name: "national", Pattern: NationalPattern}, {Name: "ministry", Pattern: MinistryPattern}}
}

// ShapesFor is the list a center's config means: the built-in shapes, the
// national one replaced by national when it is set (the older single
// dossiers.code_pattern), then extra (dossiers.code_shapes, a province's or
// a ministry's own systems).
func ShapesFor(national string, extra []CodeShape) []CodeShape {
	out := DefaultShapes()
	if national != "" {
		out[0] = CodeShape{Name: "configured", Pattern: national}
	}
	return append(out, extra...)
}

// Codes recognises dossier codes: the one definition every parser of a
// code uses (scan payloads, the registry and its imports, receipts, the
// API, pushed records). It is immutable and safe for concurrent use.
type Codes struct {
	shapes     []CodeShape
	res        []*regexp.Regexp
	dateDigits int
}

// NewCodes compiles shapes; with none it takes DefaultShapes. A shape
// without a pattern or with one that does not compile is refused.
func NewCodes(shapes []CodeShape) (*Codes, error) {
	if len(shapes) == 0 {
		shapes = DefaultShapes()
	}
	c := &Codes{shapes: append([]CodeShape(nil), shapes...)}
	for i, s := range c.shapes {
		if s.Pattern == "" {
			return nil, fmt.Errorf("dossier: mẫu mã hồ sơ thứ %d (%q) thiếu biểu thức", i+1, s.Name)
		}
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return nil, fmt.Errorf("dossier: mẫu mã hồ sơ %q không hợp lệ: %w", s.Pattern, err)
		}
		if c.shapes[i].Name == "" {
			c.shapes[i].Name = "shape" + strconv.Itoa(i+1)
		}
		c.res = append(c.res, re)
	}
	c.dateDigits = dateDigits(c.shapes[0].Pattern)
	return c, nil
}

// DefaultCodes is NewCodes(DefaultShapes()), which cannot fail.
func DefaultCodes() *Codes {
	c, err := NewCodes(nil)
	if err != nil {
		panic(err) // the built-in patterns are constants
	}
	return c
}

// Parse normalises raw (NormalizeCode) and returns it when it matches a
// shape; otherwise an error wrapping ErrInvalidCode.
func (c *Codes) Parse(raw string) (string, error) {
	code := NormalizeCode(raw)
	if _, ok := c.Shape(code); !ok {
		return "", fmt.Errorf("dossier: mã hồ sơ %q không đúng mẫu: %w", truncate(code), ErrInvalidCode)
	}
	return code, nil
}

// Shape returns the name of the first shape the normalised code matches.
func (c *Codes) Shape(code string) (string, bool) {
	if code == "" || len(code) > MaxCodeLen {
		return "", false
	}
	for i, re := range c.res {
		if re.MatchString(code) {
			return c.shapes[i].Name, true
		}
	}
	return "", false
}

// Shapes returns a copy of the accepted shapes, in order.
func (c *Codes) Shapes() []CodeShape { return append([]CodeShape(nil), c.shapes...) }

// DateDigits is the number of digits of the date group after the agency
// part in the first shape (6 for yyMMdd; 0 without such a group): the
// kiosk's keypad types the dash after them itself.
func (c *Codes) DateDigits() int { return c.dateDigits }

// dateDigits finds the first fixed run of digits between two dashes in a
// pattern: `-\d{6}-`, also as a group, `-(\d{6})-`.
func dateDigits(pattern string) int {
	group := regexp.MustCompile(`-\(?(?:\?:)?(?:\\d|\[0-9\])\{(\d+)\}\)?-`)
	if m := group.FindStringSubmatch(pattern); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n <= 12 {
			return n
		}
	}
	return 0
}

// truncate keeps an error message about a bad code short.
func truncate(s string) string {
	if len(s) > MaxCodeLen {
		return strings.ToValidUTF8(s[:MaxCodeLen], "") + "…"
	}
	return s
}
