package hubconfig

import (
	"strings"
	"testing"
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
