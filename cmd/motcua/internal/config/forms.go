package config

import (
	"strconv"
	"unicode/utf8"

	"motcua/devices/layout"
)

// Forms shapes the slips a counter prints: the form-01 receipt's layout
// (a built-in one, its heading lines, its lines, the documents as a list or
// a table) and what forms 02 and 03 share with it.
type Forms struct {
	// Layout is the built-in receipt layout to start from: default (the
	// layout printed so far) or commune-2025 (Thông tư 03/2025/TT-VPCP).
	Layout string `yaml:"layout"`
	// Heading replaces the heading lines above the national motto, on every
	// form ("{agency}" is center.name in capitals, "{office}" the office).
	Heading []string `yaml:"heading"`
	// Lines replace the layout's lines (field, label, numbered, omit_empty).
	Lines []layout.ReceiptLine `yaml:"lines"`
	// Documents is list or table; empty: the layout's.
	Documents string `yaml:"documents"`
	// Contact is whom form 02 tells the applicant to ask ("bà Lê Thị Mai,
	// số điện thoại 028 3829 1234"), unless the request names one.
	Contact string `yaml:"contact"`

	receipt layout.ReceiptLayout
}

// ReceiptLayout is the center's form-01 layout (checked by Parse; the
// default layout on a Config that did not pass it).
func (f Forms) ReceiptLayout() layout.ReceiptLayout {
	if f.receipt.Lines == nil {
		return layout.DefaultReceiptLayout()
	}
	return f.receipt
}

// HeadingLines are the heading lines of every form.
func (f Forms) HeadingLines() []string { return f.ReceiptLayout().Heading }

func (c *Config) checkForms() []*Error {
	f := &c.Forms
	l, err := layout.NamedReceiptLayout(f.Layout)
	if err != nil {
		return []*Error{c.fail("forms.layout", "%q: use %s or %s", f.Layout, layout.LayoutDefault, layout.LayoutCommune)}
	}
	if f.Heading != nil {
		l.Heading = f.Heading
	}
	if f.Lines != nil {
		l.Lines = f.Lines
	}
	if f.Documents != "" {
		l.Documents = f.Documents
	}
	var errs []*Error
	if len(f.Heading) > 6 {
		errs = append(errs, c.fail("forms.heading", "at most 6 lines"))
	}
	for i, ln := range f.Lines {
		if err := (layout.ReceiptLayout{Lines: []layout.ReceiptLine{ln}}).Check(); err != nil {
			errs = append(errs, c.fail("forms.lines["+strconv.Itoa(i)+"].field", "%q: use one of applicant, id_number, address, phone, email, procedure, documents, sets, processing_time, received_at, due_at, return_place, fee (each once)", ln.Field))
		}
	}
	if f.Documents != "" && f.Documents != layout.DocumentsList && f.Documents != layout.DocumentsTable {
		errs = append(errs, c.fail("forms.documents", "%q: use list or table", f.Documents))
	}
	if utf8.RuneCountInString(f.Contact) > 200 {
		errs = append(errs, c.fail("forms.contact", "longer than 200 characters"))
	}
	if len(errs) == 0 {
		if err := l.Check(); err != nil {
			errs = append(errs, c.fail("forms.lines", "%v", err))
		}
	}
	if len(errs) == 0 {
		f.receipt = l
	}
	return errs
}
