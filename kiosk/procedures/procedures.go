package procedures

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Procedure is one administrative procedure as the kiosk shows it.
type Procedure struct {
	// Code is the national procedure code (mã TTHC), e.g. "1.001193"; optional.
	Code string `yaml:"code" json:"code,omitempty"`
	// Field is the code of the field (lĩnh vực) whose counters receive it.
	Field string `yaml:"field" json:"field"`
	// Name is the procedure's name as published.
	Name string `yaml:"name" json:"name"`
	// Documents lists what to hand in, one paper per line.
	Documents []string `yaml:"documents" json:"documents"`
	// Sets is how many sets (bộ) of documents; 0 is not shown.
	Sets int `yaml:"sets" json:"sets,omitempty"`
	// ProcessingTime is the time to result in words ("03 ngày làm việc").
	ProcessingTime string `yaml:"processing_time" json:"processing_time"`
	// ProcessingDays is the same as a number of working days, when it is
	// one; 0 otherwise.
	ProcessingDays int `yaml:"processing_days" json:"processing_days,omitempty"`
	// Fee is the fees and charges in words ("Miễn lệ phí", "50.000 đồng").
	Fee string `yaml:"fee" json:"fee"`
	// Notes is anything else a citizen must know (who may apply, where the
	// result is returned).
	Notes string `yaml:"notes" json:"notes,omitempty"`
}

// Catalogue is the list of procedures in file order.
type Catalogue struct {
	Procedures []Procedure `yaml:"procedures" json:"procedures"`
}

// Error is a mistake in the catalogue file, with its line.
type Error struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("procedures")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	return b.String() + ": " + e.Msg
}

// Load reads and checks the catalogue at path. fields, when not nil, are the
// center's field codes: a procedure of another field is a mistake.
func Load(path string, fields []string) (*Catalogue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("procedures: %w", err)
	}
	c, err := Parse(data, fields)
	var pe *Error
	if errors.As(err, &pe) {
		pe.File = path
	}
	return c, err
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Parse reads and checks a catalogue; see Load.
func Parse(data []byte, fields []string) (*Catalogue, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(err)
	}
	c := &Catalogue{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(err)
	}
	lines := procedureLines(&root)
	line := func(i int) int {
		if i < len(lines) {
			return lines[i]
		}
		return 0
	}
	known := map[string]bool{}
	for _, f := range fields {
		known[f] = true
	}
	seen := map[string]int{}
	for i := range c.Procedures {
		p := &c.Procedures[i]
		key := fmt.Sprintf("procedures[%d]", i)
		p.Name = strings.TrimSpace(p.Name)
		p.Field = strings.TrimSpace(p.Field)
		if p.Name == "" {
			return nil, &Error{Line: line(i), Key: key + ".name", Msg: "a procedure needs a name"}
		}
		if p.Field == "" {
			return nil, &Error{Line: line(i), Key: key + ".field", Msg: fmt.Sprintf("%q: say which field (A, B…) receives it", p.Name)}
		}
		if fields != nil && !known[p.Field] {
			return nil, &Error{Line: line(i), Key: key + ".field", Msg: fmt.Sprintf("%q: the center has no field %q", p.Name, p.Field)}
		}
		if len(p.Documents) == 0 {
			return nil, &Error{Line: line(i), Key: key + ".documents", Msg: fmt.Sprintf("%q: list the documents to bring", p.Name)}
		}
		for j, d := range p.Documents {
			if strings.TrimSpace(d) == "" {
				return nil, &Error{Line: line(i), Key: fmt.Sprintf("%s.documents[%d]", key, j), Msg: "an empty document line"}
			}
		}
		if strings.TrimSpace(p.ProcessingTime) == "" && p.ProcessingDays > 0 {
			p.ProcessingTime = strconv.Itoa(p.ProcessingDays) + " ngày làm việc"
		}
		if p.ProcessingDays < 0 || p.Sets < 0 {
			return nil, &Error{Line: line(i), Key: key, Msg: "processing_days and sets cannot be negative"}
		}
		if p.Code != "" {
			if j, dup := seen[p.Code]; dup {
				return nil, &Error{Line: line(i), Key: key + ".code", Msg: fmt.Sprintf("code %s is already used by procedures[%d]", p.Code, j)}
			}
			seen[p.Code] = i
		}
	}
	return c, nil
}

// procedureLines returns the line of each item of the procedures list.
func procedureLines(root *yaml.Node) []int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "procedures" {
			var out []int
			for _, n := range m.Content[i+1].Content {
				out = append(out, n.Line)
			}
			return out
		}
	}
	return nil
}

func yamlError(err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Line: line, Msg: m[2]}
	}
	return &Error{Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// ByField returns the procedures of one field, in file order.
func (c *Catalogue) ByField(field string) []Procedure {
	var out []Procedure
	for _, p := range c.Procedures {
		if p.Field == field {
			out = append(out, p)
		}
	}
	return out
}
