package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const devicesBase = `center: {name: X}
fields: [{code: A, name: Hộ tịch}]
counters:
  - {id: "1", services: [A], tablet_token: tablet-one-0123456789abcdef0123456789}
  - {id: "2", services: [A], tablet_token_file: tablet2.token}
kiosks:
  - {id: k1, token: kiosk-one-0123456789abcdef0123456789ab}
  - {id: k2, token_file: k2.token}
  - {id: k3}
screens:
  - {name: lobby}
  - {name: hall, token_file: hall.token}
`

// writeConfig writes yaml as center.yaml in a new folder, with files beside it.
func writeConfig(t *testing.T, yaml string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "center.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDeviceTokens(t *testing.T) {
	path := writeConfig(t, devicesBase, map[string]string{
		"tablet2.token": "  tablet-two-0123456789abcdef012345678\n",
		"k2.token":      "kiosk-two-0123456789abcdef0123456789ab\n",
		"hall.token":    "hall-0123456789abcdef0123456789abcdef\n",
	})
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ tok, kiosk string }{
		{"kiosk-one-0123456789abcdef0123456789ab", "k1"},
		{"kiosk-two-0123456789abcdef0123456789ab", "k2"}, // read from its file, trimmed
		{"kiosk-two-0123456789abcdef0123456789ab\n", ""},
		{"kiosk-one", ""},
		{"", ""}, // k3 has no token: an empty one matches nothing
		{"tablet-one-0123456789abcdef0123456789", ""},
	} {
		k, ok := c.KioskByToken(tc.tok)
		if ok != (tc.kiosk != "") || k.ID != tc.kiosk {
			t.Errorf("KioskByToken(%q) = %q %v, want %q", tc.tok, k.ID, ok, tc.kiosk)
		}
	}
	for _, tc := range []struct{ tok, counter string }{
		{"tablet-one-0123456789abcdef0123456789", "1"},
		{"tablet-two-0123456789abcdef012345678", "2"},
		{"kiosk-one-0123456789abcdef0123456789ab", ""},
		{"", ""},
	} {
		ct, ok := c.TabletByToken(tc.tok)
		if ok != (tc.counter != "") || ct != tc.counter {
			t.Errorf("TabletByToken(%q) = %q %v, want %q", tc.tok, ct, ok, tc.counter)
		}
	}
	if c.Screens[0].Credential() != "" || c.Screens[1].Credential() != "hall-0123456789abcdef0123456789abcdef" {
		t.Errorf("screen tokens %q %q", c.Screens[0].Credential(), c.Screens[1].Credential())
	}
	if k, _ := c.Kiosk("k2"); k.Credential() != "kiosk-two-0123456789abcdef0123456789ab" {
		t.Errorf("k2 credential %q", k.Credential())
	}
	// A second check of the same config (a section replaced) keeps them.
	if errs := c.Check(); len(errs) > 0 {
		t.Fatal(errs[0])
	}
	if _, ok := c.KioskByToken("kiosk-two-0123456789abcdef0123456789ab"); !ok {
		t.Error("k2 lost its token on a second check")
	}
}

func TestDeviceTokenMistakes(t *testing.T) {
	files := map[string]string{"tablet2.token": "t2-0123456789abcdef0123456789abcdef", "k2.token": "k2-0123456789abcdef0123456789abcdef",
		"hall.token": "h-0123456789abcdef0123456789abcdef", "empty.token": " \n"}
	cases := []struct {
		name, old, new, want string
		line                 int
	}{
		{"unreadable kiosk file", "token_file: k2.token", "token_file: missing.token", "kiosks[1].token_file: cannot read the token", 8},
		{"unreadable tablet file", "tablet_token_file: tablet2.token", "tablet_token_file: nope", "counters[1].tablet_token_file: cannot read the token", 5},
		{"unreadable screen file", "token_file: hall.token", "token_file: nope", "screens[1].token_file: cannot read the token", 12},
		{"empty file", "token_file: k2.token", "token_file: empty.token", "empty.token is empty", 8},
		{"both", "token_file: k2.token", "token_file: k2.token, token: abc", "kiosks[1].token_file: give token or token_file, not both", 8},
		{"padded", "{id: k3}", `{id: k3, token: " abc"}`, "kiosks[2].token: remove the spaces", 9},
		{"two kiosks one token", "{id: k3}", "{id: k3, token: kiosk-one-0123456789abcdef0123456789ab}", "kiosks[2].token: the same token is given to kiosks[0].token", 9},
		{"screen and tablet share", "hall.token", "t2.token", "screens[1].token: the same token is given to counters[1].tablet_token", 12},
	}
	files["t2.token"] = files["tablet2.token"]
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			yaml := strings.Replace(devicesBase, tc.old, tc.new, 1)
			if yaml == devicesBase {
				t.Fatal("the case changes nothing")
			}
			path := writeConfig(t, yaml, files)
			_, err := Load(path)
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) || ce.Line != tc.line || ce.File != path {
				t.Fatalf("got %v, want %s:%d naming %q", err, path, tc.line, tc.want)
			}
		})
	}
}

func TestDemoDevices(t *testing.T) {
	c, err := Load("../../../../configs/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo {
		t.Error("the demo is not marked demo: true")
	}
	for _, tc := range []struct{ tok, kiosk, printer string }{
		{"demo-kiosk-k1", "k1", "kiosk1"}, {"demo-kiosk-k2", "k2", ""}} {
		k, ok := c.KioskByToken(tc.tok)
		if !ok || k.ID != tc.kiosk || k.Printer != tc.printer {
			t.Errorf("%s: kiosk %+v %v", tc.tok, k, ok)
		}
	}
	for i := 1; i <= 4; i++ {
		id := string(rune('0' + i))
		if ct, ok := c.TabletByToken("demo-tablet-" + id); !ok || ct != id {
			t.Errorf("tablet of counter %s: %q %v", id, ct, ok)
		}
	}
	if len(c.Screens) != 1 || c.Screens[0].Name != "lobby" || c.Screens[0].Credential() != "" {
		t.Errorf("screens %+v", c.Screens)
	}
}
