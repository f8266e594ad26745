package hubconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Online booking is off without a secret; on, it needs a sender, and the
// only one yet, log, is the demo province's.
func TestOnline(t *testing.T) {
	t.Setenv("MOTCUA_PG_URL", "")
	c, err := Parse([]byte(good))
	if err != nil || c.OnlineSecret() != "" {
		t.Fatalf("off by default: %v %q", err, c.OnlineSecret())
	}
	on := good + "online:\n  identity_secret: \"province-secret-0123456789\"\n  sender: log\n"
	if c, err := Parse([]byte("demo: true\n" + on)); err != nil || c.OnlineSecret() != "province-secret-0123456789" {
		t.Fatalf("demo with log: %v", err)
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"log outside the demo", on, "online.sender: log writes confirmation codes"},
		{"no sender", good + "online:\n  identity_secret: \"province-secret-0123456789\"\n", "online.sender: \"\": notify"},
		{"notify without channels", good + "online:\n  identity_secret: \"province-secret-0123456789\"\n  sender: notify\n", "online.sender: notify sends confirmation codes through the hub's notify channels: give"},
		{"short secret", "demo: true\n" + good + "online:\n  identity_secret: \"short\"\n  sender: log\n", "online.identity_secret: at least 16"},
		{"sender without secret", good + "online:\n  sender: log\n", "online.identity_secret: give"},
		{"a proxy by name", "demo: true\n" + on + "  trusted_proxies: [nginx]\n", "online.trusted_proxies[0]: \"nginx\": an address"},
		{"codes per address", "demo: true\n" + on + "  codes_per_address: -5\n", "online.codes_per_address: -5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse([]byte(tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// A booking's messages (issue 15) need the hub's notify channels; the
// reminder's lead time has a default, a per-center override, and bounds.
func TestOnlineMessages(t *testing.T) {
	t.Setenv("MOTCUA_PG_URL", "")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "esms.secret"), []byte("esms-secret\n"), 0o600)
	channels := `notify:
  channels: [sms]
  sms:
    url: https://rest.esms.vn/x
    body: {Phone: "{phone}", Content: "{text}"}
    secret_file: esms.secret
    answer: {code_path: CodeResult, ok: ["100"]}
`
	on := good + channels + "online:\n  identity_secret: \"province-secret-0123456789\"\n  sender: notify\n  messages: true\n"
	load := func(body string) (*Config, error) {
		path := filepath.Join(dir, "hub.yaml")
		os.WriteFile(path, []byte(body), 0o600)
		return Load(path)
	}
	c, err := load(on)
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Online.RemindBefore("c1"); d != time.Hour || c.Online.PhoneKeep != 2*time.Hour {
		t.Fatalf("defaults: reminder %v before, phone kept %v", d, c.Online.PhoneKeep)
	}
	c, err = load(on + "  reminder_before: 45m\n  reminder_before_centers: {c2: 0s}\n  phone_keep: 6h\n")
	if err != nil {
		t.Fatal(err)
	}
	if c.Online.RemindBefore("c1") != 45*time.Minute || c.Online.RemindBefore("c2") != 0 || c.Online.PhoneKeep != 6*time.Hour {
		t.Fatalf("set: %+v", c.Online)
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"without channels", "demo: true\n" + good + "online:\n  identity_secret: \"province-secret-0123456789\"\n  sender: log\n  messages: true\n",
			"online.messages: the booking's messages go through the hub's notify channels"},
		{"keys without messages", good + channels + "online:\n  identity_secret: \"province-secret-0123456789\"\n  sender: notify\n  reminder_before: 1h\n",
			"online.messages: reminder_before"},
		{"messages without booking", good + channels + "online:\n  messages: true\n", "online.messages: messages about bookings need online booking"},
		{"negative lead", on + "  reminder_before: -5m\n", "online.reminder_before: -5m0s"},
		{"unknown center", on + "  reminder_before_centers: {c9: 1h}\n", "online.reminder_before_centers.c9: \"c9\" is not in centers"},
		{"phone kept too long", on + "  phone_keep: 1000h\n", "online.phone_keep: 1000h0m0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := load(tc.yaml); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}
