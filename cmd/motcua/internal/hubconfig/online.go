package hubconfig

import (
	"fmt"
	"motcua/province/online"
	"os"
	"path/filepath"
	"strings"
)

// Online is the hub's booking of online numbers (issue 14; docs/api.md,
// "Online numbers"): its public page /dat-so and API. Off without
// identity_secret.
type Online struct {
	// IdentitySecret is the province's identity secret, the same as every
	// center's identity.secret (motcua secret), or IdentitySecretFile a
	// file holding it, relative to this file's folder: the hub keys the
	// booker's ID number with it, so that the caps of one person count
	// their bookings and their walk-in numbers together.
	IdentitySecret     string `yaml:"identity_secret"`
	IdentitySecretFile string `yaml:"identity_secret_file"`
	// Sender is how confirmation codes reach the booker's phone: "notify",
	// the hub's notify channels (a message of kind code: SMS with its text,
	// Zalo ZNS with the template of kind code), or "log" for the demo
	// province (demo: true), the text in the hub's log.
	Sender string `yaml:"sender"`
	// CodesPerAddress is how many confirmation codes one client address
	// may ask for in 10 minutes (default 30: mobile networks put many
	// phones behind one address; -1 no limit). TrustedProxies are the
	// reverse proxies (addresses or CIDRs) in front of the hub, whose
	// X-Forwarded-For names the client; none by default.
	CodesPerAddress int      `yaml:"codes_per_address"`
	TrustedProxies  []string `yaml:"trusted_proxies"`

	secret string
}

// OnlineSecret is the identity secret of online booking, "" when off.
func (c *Config) OnlineSecret() string { return c.Online.secret }

func (c *Config) checkOnline() error {
	o := &c.Online
	o.secret = o.IdentitySecret
	if o.IdentitySecretFile != "" {
		path := o.IdentitySecretFile
		if !filepath.IsAbs(path) && c.path != "" {
			path = filepath.Join(filepath.Dir(c.path), path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return c.fail("online.identity_secret_file", "%v", err)
		}
		o.secret = strings.TrimSpace(string(b))
	}
	if o.secret == "" {
		if o.Sender != "" {
			return c.fail("online.identity_secret", "give the province's identity secret (the centers' identity.secret) to take online bookings")
		}
		return nil
	}
	for i, p := range o.TrustedProxies {
		if _, err := online.ClientAddr([]string{p}); err != nil {
			return c.fail(fmt.Sprintf("online.trusted_proxies[%d]", i), "%q: an address (10.0.0.2) or a CIDR (10.0.0.0/24) of a reverse proxy", p)
		}
	}
	if o.CodesPerAddress < -1 {
		return c.fail("online.codes_per_address", "%d: a number of codes, or -1 for no limit", o.CodesPerAddress)
	}
	if len(o.secret) < 16 {
		return c.fail("online.identity_secret", "at least 16 characters (motcua secret makes one): the same as the centers' identity.secret")
	}
	switch {
	case o.Sender == "log" && c.Demo:
	case o.Sender == "log":
		return c.fail("online.sender", "log writes confirmation codes to the hub's log: only for the demo province (demo: true); notify sends them through the hub's notify channels")
	case o.Sender == "notify" && !c.Notify.Enabled():
		return c.fail("online.sender", "notify sends confirmation codes through the hub's notify channels: give a notify: section with channels (SMS, or Zalo ZNS with a template of kind code)")
	case o.Sender == "notify":
	default:
		return c.fail("online.sender", "%q: notify (the hub's notify channels), or log in the demo province", o.Sender)
	}
	return nil
}
