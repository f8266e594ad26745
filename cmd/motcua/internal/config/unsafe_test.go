package config

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// safeBase is a center that may start outside demo; each case below breaks
// one line of it. Line numbers are those of this text.
const safeBase = `center: {name: X}
listen: 192.168.1.10:8080
security:
  session_secret: "s-0123456789abcdef0123456789abcdef"
  receipt_secrets: ["r2-0123456789abcdef0123456789abcdef", "r1-0123456789abcdef0123456789abcdef"]
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A], tablet_token: "t-0123456789abcdef0123456789abcdef"}]
staff: [{username: canbo1, counters: ["1"], password_hash: "HASH"}]
kiosks: [{id: k1, token: "k-0123456789abcdef0123456789abcdef"}]
screens: [{name: lobby}, {name: hall, token: "h-0123456789abcdef0123456789abcdef"}]
dossiers: {push_token: "p-0123456789abcdef0123456789abcdef"}
`

func hash(t *testing.T, pw string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

func TestUnsafeRefusals(t *testing.T) {
	own := strings.Replace(safeBase, "HASH", hash(t, "mật khẩu riêng"), 1)
	c, err := Parse([]byte(own))
	if err != nil {
		t.Fatal(err)
	}
	if errs := c.Unsafe(); len(errs) > 0 {
		t.Fatalf("a center with its own secrets is refused: %v", errs[0])
	}
	open := strings.Replace(own, "listen: 192.168.1.10:8080\nsecurity:", "listen: 0.0.0.0:8080\nsecurity:\n  allow_all_interfaces: true", 1)
	open = strings.Replace(open, "center: {name: X}", "center: {name: X, public_base_url: \"https://motcua.example.gov.vn\"}", 1)
	if c, err := Parse([]byte(open)); err != nil || len(c.Unsafe()) > 0 || c.BaseURL() != "https://motcua.example.gov.vn" {
		t.Fatalf("every interface, allowed, with a public address: %v %v", err, c.Unsafe())
	}
	demoHash := "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK"
	cases := []struct {
		name, old, new, want string
		line                 int
	}{
		{"all interfaces", "192.168.1.10:8080", "0.0.0.0:8080", "listen: 0.0.0.0:8080 listens on every interface, where every guest of the LAN reaches it", 2},
		{"all interfaces v6", "192.168.1.10:8080", `"[::]:8080"`, "security.allow_all_interfaces: true", 2},
		{"no host", "192.168.1.10:8080", `":8080"`, "listens on every interface", 2},
		{"allowed, but no base URL", "listen: 192.168.1.10:8080\nsecurity:", "listen: 0.0.0.0:8080\nsecurity:\n  allow_all_interfaces: true",
			"center.public_base_url: QR codes would point to http://0.0.0.0:8080", 1},
		{"short session secret", "s-0123456789abcdef0123456789abcdef", "short", "security.session_secret: 5 bytes is too short for a secret (at least 32): make one with motcua secret", 4},
		{"short receipt key", "r1-0123456789abcdef0123456789abcdef", "r1", "security.receipt_secrets[1]: 2 bytes", 5},
		{"published tablet token", "t-0123456789abcdef0123456789abcdef", "demo-tablet-1", "counters[0].tablet_token: this value is published in motcua's own files", 7},
		{"published kiosk token", "k-0123456789abcdef0123456789abcdef", "demo-kiosk-k1", "kiosks[0].token: this value is published", 9},
		{"kiosk without token", `, token: "k-0123456789abcdef0123456789abcdef"`, "", "kiosks[0].token: kiosk k1 has no token", 9},
		{"published screen token", "h-0123456789abcdef0123456789abcdef", "doi-chuoi-nay", "screens[1].token: this value is published", 10},
		{"published push token", "p-0123456789abcdef0123456789abcdef", "doi-token-nay", "dossiers.push_token: this value is published", 11},
		{"short push token", "p-0123456789abcdef0123456789abcdef", "abc", "dossiers.push_token: 3 bytes", 11},
		{"short metrics token", `session_secret: "s-0123456789abcdef0123456789abcdef"`, `metrics_token: "abc"`, "security.metrics_token: 3 bytes", 4},
		{"the demo's hash", "HASH", demoHash, `staff[0].password_hash: canbo1's password is "demo", published in motcua's own files: set a new hash made by motcua hash-password`, 8},
		{"a new hash of demo", "HASH", hash(t, "demo"), `canbo1's password is "demo"`, 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			yaml := strings.Replace(own, tc.old, tc.new, 1)
			if yaml == own && !strings.Contains(tc.old, "HASH") {
				t.Fatal("the case changes nothing")
			}
			if tc.old == "HASH" {
				yaml = strings.Replace(safeBase, "HASH", tc.new, 1)
			}
			c, err := Parse([]byte(yaml))
			if err != nil {
				t.Fatal(err)
			}
			errs := c.Unsafe()
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) || errs[0].Line != tc.line {
				t.Fatalf("got %v, want one refusal on line %d with %q", errs, tc.line, tc.want)
			}
			c.Demo = true
			if errs := c.Unsafe(); len(errs) > 0 {
				t.Fatalf("the demo is refused: %v", errs[0])
			}
		})
	}
}

// A token read from a file is blamed on the file's key.
func TestUnsafeTokenFile(t *testing.T) {
	yaml := strings.Replace(safeBase, `token: "k-0123456789abcdef0123456789abcdef"`, "token_file: k1.token", 1)
	yaml = strings.Replace(yaml, "HASH", hash(t, "riêng"), 1)
	path := writeConfig(t, yaml, map[string]string{"k1.token": "demo-kiosk-k2\n"})
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	errs := c.Unsafe()
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "config "+path+":9: kiosks[0].token_file: this value is published") {
		t.Fatalf("got %v", errs)
	}
}

// Every token, secret and password hash in configs/*.yaml is one Unsafe
// knows as published.
func TestPublishedSecretsAreListed(t *testing.T) {
	files, err := filepath.Glob("../../../../configs/*.yaml")
	if err != nil || len(files) < 2 {
		t.Fatalf("configs: %v %v", files, err)
	}
	value := regexp.MustCompile(`(?m)\b(token|tablet_token|push_token|session_secret|receipt_secret|password_hash)\s*:\s*"?([^"\s,}#]+)`)
	list := regexp.MustCompile(`(?m)\breceipt_secrets\s*:\s*\[([^\]]*)\]`)
	found := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var values []string
		for _, m := range value.FindAllStringSubmatch(string(b), -1) {
			values = append(values, m[2])
		}
		for _, m := range list.FindAllStringSubmatch(string(b), -1) {
			for _, v := range strings.Split(m[1], ",") {
				values = append(values, strings.Trim(v, ` "'`))
			}
		}
		for _, v := range values {
			if v == "" || v == `""` || strings.HasPrefix(v, "<") { // <newest>: a placeholder
				continue
			}
			found++
			if strings.HasPrefix(v, "$2") {
				if !slices.ContainsFunc(publishedPasswords, func(p string) bool { return bcrypt.CompareHashAndPassword([]byte(v), []byte(p)) == nil }) {
					t.Errorf("%s: the password of hash %s is not in publishedPasswords", f, v)
				}
				continue
			}
			if !slices.Contains(publishedSecrets, v) {
				t.Errorf("%s: %q is published there but not in publishedSecrets", f, v)
			}
		}
	}
	if found < 10 {
		t.Fatalf("found only %d secrets in configs/: the pattern is wrong", found)
	}
}

// The example center starts once a technician has set its secrets as its
// comments say: cmd/motcua's TestExampleCenterStarts runs it; here its
// published values are refused.
func TestExampleIsRefusedAsShipped(t *testing.T) {
	c, err := Load("../../../../configs/center.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	errs := c.Unsafe()
	if len(errs) == 0 {
		t.Fatal("the example starts with its published secrets")
	}
	var ce *Error
	if !errors.As(errs[0], &ce) || ce.Line == 0 {
		t.Fatalf("refusal %v has no line", errs[0])
	}
}

func TestReceiptKeyRing(t *testing.T) {
	base := "center: {name: X}\nfields: [{code: A, name: A}]\ncounters: [{id: \"1\", services: [A]}]\n"
	c, err := Parse([]byte(base + "security: {receipt_secrets: [new, old]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if ks := c.Security.ReceiptKeys(); len(ks) != 2 || string(ks[0]) != "new" || string(ks[1]) != "old" {
		t.Fatalf("ring %q", ks)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"security: {receipt_secret: a, receipt_secrets: [b]}", "config:4: security.receipt_secrets: give receipt_secret or receipt_secrets, not both: put the receipt_secret last in receipt_secrets"},
		{"security: {receipt_secrets: [b, \"\"]}", "config:4: security.receipt_secrets[1]: a key cannot be empty"},
	} {
		if _, err := Parse([]byte(base + tc.yaml + "\n")); err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
