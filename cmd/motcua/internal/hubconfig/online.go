package hubconfig

import (
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
	// Sender is how confirmation codes reach the booker's phone. The only
	// one yet is "log", for the demo province (demo: true): the text goes
	// to the hub's log. SMS and Zalo come with the notification channels.
	Sender string `yaml:"sender"`

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
	if len(o.secret) < 16 {
		return c.fail("online.identity_secret", "at least 16 characters (motcua secret makes one): the same as the centers' identity.secret")
	}
	switch {
	case o.Sender == "log" && c.Demo:
	case o.Sender == "log":
		return c.fail("online.sender", "log writes confirmation codes to the hub's log: only for the demo province (demo: true)")
	default:
		return c.fail("online.sender", "no channel sends confirmation codes to phones yet outside the demo (sender: log with demo: true)")
	}
	return nil
}
