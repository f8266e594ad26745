package procedures

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"motcua/internal/yamlconf"
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

// Error is a mistake in the catalogue file, with its line and key; its
// text starts with "procedures".
type Error = yamlconf.Error

const errPrefix = "procedures"

// Load reads and checks the catalogue at path. fields, when not nil, are the
// center's field codes: a procedure of another field is a mistake.
func Load(path string, fields []string) (*Catalogue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("procedures: %w", err)
	}
	c, err := Parse(data, fields)
	return c, yamlconf.WithFile(err, path)
}

// Parse reads and checks a catalogue; see Load.
func Parse(data []byte, fields []string) (*Catalogue, error) {
	c := &Catalogue{}
	lines, err := yamlconf.Decode(errPrefix, data, c)
	if err != nil {
		return nil, err
	}
	// A mistake is blamed on the line where its procedure starts.
	line := func(i int) int { return lines[fmt.Sprintf("procedures[%d]", i)] }
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
			return nil, &Error{Prefix: errPrefix, Line: line(i), Key: key + ".name", Msg: "a procedure needs a name"}
		}
		if p.Field == "" {
			return nil, &Error{Prefix: errPrefix, Line: line(i), Key: key + ".field", Msg: fmt.Sprintf("%q: say which field (A, B…) receives it", p.Name)}
		}
		if fields != nil && !known[p.Field] {
			return nil, &Error{Prefix: errPrefix, Line: line(i), Key: key + ".field", Msg: fmt.Sprintf("%q: the center has no field %q", p.Name, p.Field)}
		}
		if len(p.Documents) == 0 {
			return nil, &Error{Prefix: errPrefix, Line: line(i), Key: key + ".documents", Msg: fmt.Sprintf("%q: list the documents to bring", p.Name)}
		}
		for j, d := range p.Documents {
			if strings.TrimSpace(d) == "" {
				return nil, &Error{Prefix: errPrefix, Line: line(i), Key: fmt.Sprintf("%s.documents[%d]", key, j), Msg: "an empty document line"}
			}
		}
		if strings.TrimSpace(p.ProcessingTime) == "" && p.ProcessingDays > 0 {
			p.ProcessingTime = strconv.Itoa(p.ProcessingDays) + " ngày làm việc"
		}
		if p.ProcessingDays < 0 || p.Sets < 0 {
			return nil, &Error{Prefix: errPrefix, Line: line(i), Key: key, Msg: "processing_days and sets cannot be negative"}
		}
		if p.Code != "" {
			if j, dup := seen[p.Code]; dup {
				return nil, &Error{Prefix: errPrefix, Line: line(i), Key: key + ".code", Msg: fmt.Sprintf("code %s is already used by procedures[%d]", p.Code, j)}
			}
			seen[p.Code] = i
		}
	}
	return c, nil
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
