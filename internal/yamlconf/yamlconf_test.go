package yamlconf_test

import (
	"errors"
	"fmt"
	"testing"

	"motcua/internal/yamlconf"
)

type doc struct {
	Center struct {
		Name string `yaml:"name"`
	} `yaml:"center"`
	Counters []struct {
		ID       string   `yaml:"id"`
		Services []string `yaml:"services"`
	} `yaml:"counters"`
}

const text = `center:
  name: X
counters:
  - id: "1"
    services:
      - A
      - B
  - {id: "2"}
`

func TestLinesOfKeys(t *testing.T) {
	var d doc
	lines, err := yamlconf.Decode("config", []byte(text), &d)
	if err != nil {
		t.Fatal(err)
	}
	if d.Center.Name != "X" || len(d.Counters) != 2 || d.Counters[0].Services[1] != "B" {
		t.Fatalf("decoded %+v", d)
	}
	for _, tc := range []struct {
		key  string
		line int
	}{
		{"center", 1},
		{"center.name", 2},
		{"counters[0]", 4},
		{"counters[0].services[1]", 7},
		{"counters[1].id", 8},
		{"counters[1].services", 8},         // absent: its item's line
		{"counters[1].services[0].name", 8}, // absent, deeper
		{"center.timezone", 1},
		{"printers[0].name", 0},
	} {
		if got := lines.Line(tc.key); got != tc.line {
			t.Errorf("Line(%q) = %d, want %d", tc.key, got, tc.line)
		}
	}
}

func TestDecodeErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown key", text + "colour: red\n", `config:9: field colour not found in type yamlconf_test.doc`},
		{"wrong type", "counters: [{id: [1]}]\n", "config:1: cannot unmarshal !!seq into string"},
		{"syntax", "center:\n  name: X\n name: Y\n", "config:2: did not find expected key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d doc
			_, err := yamlconf.Decode("config", []byte(tc.yaml), &d)
			var e *yamlconf.Error
			if !errors.As(err, &e) || e.Line == 0 {
				t.Fatalf("got %v, want an Error with a line", err)
			}
			if err.Error() != tc.want {
				t.Fatalf("error %q, want %q", err, tc.want)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  yamlconf.Error
		want string
	}{
		{yamlconf.Error{Prefix: "config", File: "c.yaml", Line: 3, Key: "counters[0].services[0]", Msg: `unknown field "B"`},
			`config c.yaml:3: counters[0].services[0]: unknown field "B"`},
		{yamlconf.Error{Prefix: "procedures", Key: "procedures[1].name", Msg: "a procedure needs a name"},
			"procedures: procedures[1].name: a procedure needs a name"},
		{yamlconf.Error{Prefix: "config", Line: 2, Msg: "mapping values are not allowed in this context"},
			"config:2: mapping values are not allowed in this context"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestWithFile(t *testing.T) {
	e := &yamlconf.Error{Prefix: "config", Line: 4, Msg: "bad"}
	if got := yamlconf.WithFile(e, "center.yaml").Error(); got != "config center.yaml:4: bad" {
		t.Fatalf("got %q", got)
	}
	wrapped := &yamlconf.Error{Prefix: "config", Line: 4, Msg: "bad"}
	yamlconf.WithFile(fmt.Errorf("load: %w", wrapped), "other.yaml")
	if wrapped.File != "other.yaml" {
		t.Fatalf("a wrapped Error was not named: %+v", wrapped)
	}
	plain := errors.New("disk on fire")
	if got := yamlconf.WithFile(plain, "center.yaml"); got != plain {
		t.Fatalf("a plain error became %v", got)
	}
	if yamlconf.WithFile(nil, "center.yaml") != nil {
		t.Fatal("nil became an error")
	}
}
