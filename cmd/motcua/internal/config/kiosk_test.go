package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

const kioskBase = `center: {name: X}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}]
kiosks:
  - id: k1
`

func TestKioskKnobs(t *testing.T) {
	cases := []struct {
		name    string
		extra   string
		confirm bool
		idle    int
		err     string
		line    int
	}{
		{"defaults", "", true, DefaultKioskIdle, "", 0},
		{"one tap", "    confirm: false\n", false, DefaultKioskIdle, "", 0},
		{"idle set", "    idle_seconds: 45\n", true, 45, "", 0},
		{"idle too short", "    idle_seconds: 2\n", false, 0, "kiosks[0].idle_seconds", 6},
		{"idle too long", "    idle_seconds: 9000\n", false, 0, "kiosks[0].idle_seconds", 6},
		{"confirm not a bool", "    confirm: maybe\n", false, 0, "", 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(kioskBase + tc.extra))
			if tc.err != "" || tc.line > 0 {
				var ce *Error
				if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.err) || ce.Line != tc.line {
					t.Fatalf("got %v, want an error on line %d naming %q", err, tc.line, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			k, ok := c.Kiosk("k1")
			if !ok || k.Confirms() != tc.confirm || k.IdleSeconds != tc.idle {
				t.Fatalf("kiosk %+v confirms=%v", k, k.Confirms())
			}
			if _, ok := c.Kiosk("k9"); ok {
				t.Fatal("found an unknown kiosk")
			}
		})
	}
}

func TestProceduresPathIsRelativeToTheConfig(t *testing.T) {
	c, err := Load(filepath.Join("..", "..", "..", "..", "configs", "demo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("..", "..", "..", "..", "configs", "procedures.sample.yaml")
	if got := c.ProceduresPath(); got != want {
		t.Fatalf("procedures path %q, want %q", got, want)
	}
	if _, err := Parse([]byte(kioskBase + "procedures: \" x.yaml\"\n")); err == nil {
		t.Fatal("a padded file name was accepted")
	}
}
