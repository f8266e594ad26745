package config

import (
	"strings"
	"testing"

	"motcua/devices/layout"
)

func TestFormsLayout(t *testing.T) {
	base := `center: {name: X}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}]
`
	c, err := Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if l := c.Forms.ReceiptLayout(); l.Documents != layout.DocumentsList || len(l.Lines) != len(layout.DefaultReceiptLayout().Lines) {
		t.Fatalf("default %+v", l)
	}
	c, err = Parse([]byte(base + `forms:
  layout: commune-2025
  heading: ["UBND XÃ AN PHÚ", "{office}"]
  documents: list
  contact: "bà Lê Thị Mai, số điện thoại 028 3829 1234"
`))
	if err != nil {
		t.Fatal(err)
	}
	l := c.Forms.ReceiptLayout()
	if l.Documents != layout.DocumentsList || l.Heading[0] != "UBND XÃ AN PHÚ" || l.Lines[1].Field != layout.FieldIDNumber || c.Forms.HeadingLines()[1] != "{office}" {
		t.Fatalf("commune %+v", l)
	}
	c, err = Parse([]byte(base + `forms:
  lines:
    - {field: procedure, label: "Thủ tục: "}
    - {field: due_at, numbered: true}
`))
	if err != nil || len(c.Forms.ReceiptLayout().Lines) != 2 {
		t.Fatalf("custom lines: %v", err)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"forms: {layout: a4}", "forms.layout"},
		{"forms: {documents: grid}", "forms.documents"},
		{"forms: {lines: [{field: cccd}]}", "forms.lines[0].field"},
		{"forms: {lines: [{field: fee}, {field: fee}]}", "forms.lines"},
		{"forms: {heading: [a, b, c, d, e, f, g]}", "forms.heading"},
	} {
		if _, err := Parse([]byte(base + tc.yaml + "\n")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
