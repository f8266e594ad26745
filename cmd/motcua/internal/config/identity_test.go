package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/internal/identity"
	"motcua/queue"
)

const identityBase = `center:
  name: "X"
fields:
  - code: A
    name: "Hộ tịch"
  - code: B
    name: "Đất đai"
    identity: required
counters:
  - id: "1"
    services: [A, B]
`

const provinceSecret = "the-province-identity-secret-0123456789"

func TestIdentityModesAndCaps(t *testing.T) {
	c, err := Parse([]byte(identityBase + "identity: {mode: optional, secret: " + provinceSecret + "}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IdentityMode("A") != identity.Optional || c.IdentityMode("B") != identity.Required || c.IdentityMode("Z") != identity.Optional {
		t.Fatalf("modes %s %s", c.IdentityMode("A"), c.IdentityMode("B"))
	}
	if c.QueueCaps() != (queue.Caps{PerDay: 2, PerField: 1}) || c.Identity.IdentitySecret() != provinceSecret {
		t.Fatalf("caps %+v", c.QueueCaps())
	}
	c, err = Parse([]byte(strings.Replace(identityBase, "identity: required", "identity: off", 1) + "identity: {per_day: 3, per_field: -1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Asks() || c.IdentityMode("A") != identity.Off || c.QueueCaps() != (queue.Caps{PerDay: 3, PerField: -1}) {
		t.Fatalf("off: asks %v caps %+v", c.Asks(), c.QueueCaps())
	}
}

func TestIdentitySecretFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "identity.key")
	if err := os.WriteFile(path, []byte(provinceSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Parse([]byte(identityBase + "identity: {secret_file: " + path + "}\n"))
	if err != nil || c.Identity.IdentitySecret() != provinceSecret {
		t.Fatalf("%v", err)
	}
	for _, e := range c.Unsafe() { // the kiosk-less config may be unsafe otherwise
		if strings.Contains(e.Error(), "identity") {
			t.Fatalf("a 39-byte secret is refused: %v", e)
		}
	}
}

func TestIdentityErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"asks without a secret", identityBase, "identity.secret: a field asks"},
		{"bad mode", identityBase + "identity: {mode: yes, secret: " + provinceSecret + "}\n", `identity.mode: "yes"`},
		{"bad field mode", strings.Replace(identityBase, "identity: required", "identity: must", 1) + "identity: {secret: " + provinceSecret + "}\n", `fields[1].identity: "must"`},
		{"both", identityBase + "identity: {secret: " + provinceSecret + ", secret_file: x}\n", "not both"},
		{"short", identityBase + "identity: {secret: short}\n", "too short"},
		{"missing file", identityBase + "identity: {secret_file: /nonexistent/identity.key}\n", "cannot read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestIdentitySecretUnsafeOutsideDemo(t *testing.T) {
	c, err := Parse([]byte(identityBase + "identity: {secret: 0123456789abcdef01}\n"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range c.Unsafe() {
		found = found || strings.Contains(e.Error(), "identity.secret") && strings.Contains(e.Error(), "too short")
	}
	if !found {
		t.Fatal("an 18-byte identity secret is not refused outside demo")
	}
}

func TestPriorityAndLanes(t *testing.T) {
	base := strings.Replace(identityBase, "    identity: required\n", "    lane: true\n    daily_cap: 20\n", 1)
	c, err := Parse([]byte(base + `priority:
  check: staff
  staff_pin: "97531864"
  categories: [{code: elderly, name: "Người cao tuổi"}, {code: merit, name: "Người có công"}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if f := c.QueueFields(); f[0].Lane || !f[1].Lane || f[1].DailyCap != 20 {
		t.Fatalf("fields %+v", f)
	}
	if cats := c.QueueCategories(); len(cats) != 2 || cats[1] != (queue.Category{Code: "merit", Name: "Người có công"}) {
		t.Fatalf("categories %+v", cats)
	}
	if !c.StaffChecks() || !c.StaffPINMatches("97531864") || c.StaffPINMatches("97531865") || c.StaffPINMatches("") {
		t.Fatal("the staff PIN")
	}
	for _, e := range c.Unsafe() {
		if strings.Contains(e.Error(), "priority") {
			t.Fatalf("refused: %v", e)
		}
	}
	c, _ = Parse([]byte(base + "priority: {check: staff, staff_pin: \"246810\"}\n"))
	found := false
	for _, e := range c.Unsafe() {
		found = found || strings.Contains(e.Error(), "priority.staff_pin")
	}
	if !found {
		t.Fatal("the demo's PIN is taken outside demo")
	}
	if c, _ := Parse([]byte(base)); c.StaffChecks() || c.StaffPINMatches("") {
		t.Fatal("a check without priority section")
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"bad code", "priority: {categories: [{code: Elderly, name: X}]}\n", "priority.categories[0].code"},
		{"twice", "priority: {categories: [{code: a, name: X}, {code: a, name: Y}]}\n", "listed twice"},
		{"no name", "priority: {categories: [{code: a}]}\n", "priority.categories[0].name"},
		{"bad check", "priority: {check: manager}\n", `priority.check: "manager"`},
		{"short pin", "priority: {check: staff, staff_pin: \"123\"}\n", "6 to 12 digits"},
		{"pin without check", "priority: {staff_pin: \"123456\"}\n", "without check"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse([]byte(base + tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}
