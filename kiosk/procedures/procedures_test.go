package procedures

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSampleLoads(t *testing.T) {
	c, err := Load("../../configs/procedures.sample.yaml", []string{"A", "B", "C", "D"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"A", "B", "C", "D"} {
		if n := len(c.ByField(f)); n < 2 {
			t.Errorf("field %s has %d procedures in the sample, want a few", f, n)
		}
	}
	for _, p := range c.Procedures {
		if p.ProcessingTime == "" || p.Fee == "" {
			t.Errorf("%s: processing time or fee missing", p.Name)
		}
	}
}

func TestMistakesNameTheLine(t *testing.T) {
	const good = `procedures:
  - code: "1.001193"
    field: A
    name: Đăng ký khai sinh
    documents: [Tờ khai]
    processing_days: 1
    fee: Miễn lệ phí
`
	cases := []struct {
		name, yaml, want string
		line             int
	}{
		{"unknown key", good + "    colour: red\n", "colour", 8},
		{"no name", strings.Replace(good, "name: Đăng ký khai sinh", "name: \"\"", 1), "procedures[0].name", 2},
		{"unknown field", strings.Replace(good, "field: A", "field: Z", 1), `no field "Z"`, 2},
		{"no documents", strings.Replace(good, "documents: [Tờ khai]", "documents: []", 1), "procedures[0].documents", 2},
		{"duplicate code", good + strings.Replace(good, "procedures:\n", "", 1), "already used", 8},
		{"negative days", strings.Replace(good, "processing_days: 1", "processing_days: -1", 1), "negative", 2},
		{"not a list", "procedures: 3\n", "", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), []string{"A"})
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want an Error", err)
			}
			if !strings.Contains(err.Error(), tc.want) || pe.Line != tc.line {
				t.Fatalf("error %q (line %d), want %q on line %d", err, pe.Line, tc.want, tc.line)
			}
			if !strings.HasPrefix(err.Error(), "procedures") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestDaysFillTheProcessingTime(t *testing.T) {
	c, err := Parse([]byte("procedures:\n  - {field: A, name: X, documents: [Y], processing_days: 3}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Procedures[0].ProcessingTime; got != "3 ngày làm việc" {
		t.Fatalf("processing time %q", got)
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "thu-tuc.yaml")
	if err := os.WriteFile(p, []byte("procedures:\n  - {field: A, documents: [X]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p, nil)
	if want := "procedures " + p + ":2: procedures[0].name: a procedure needs a name"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}
