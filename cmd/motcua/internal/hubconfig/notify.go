package hubconfig

import (
	"fmt"
	"os"
	"strings"
	"time"

	"motcua/kiosk/notify"
	"motcua/kiosk/notify/email"
	"motcua/kiosk/notify/outbox"
	"motcua/kiosk/notify/smsgw"
	"motcua/kiosk/notify/zns"
)

// Notify is how the hub sends the messages its centers hand it (the
// centers whose notify.channels list hub, when they have no internet): the
// hub's own channels, configured as a center's notify section is. No
// channels: the hub refuses the centers' messages, and they try their next
// channel or fail.
type Notify struct {
	// Channels in fallback order: zns, sms, email.
	Channels []string `yaml:"channels"`
	// Rates limit a channel at this hub process: messages per second and
	// burst (the provider's limit is for the whole province's account).
	Rates map[string]NotifyRate `yaml:"rates"`
	// QuietHours "21:00-07:00": dossier and rating messages wait for its
	// end, in the hub's timezone.
	QuietHours string `yaml:"quiet_hours"`
	// Keep is how long the hub keeps a message: a finished one for the
	// counts, a pending one before it is dropped (default 720h, 30 days).
	Keep  time.Duration `yaml:"keep"`
	ZNS   *NotifyZNS    `yaml:"zns"`
	SMS   *smsgw.Opts   `yaml:"sms"`
	Email *email.Opts   `yaml:"email"`

	quiet *outbox.Quiet
}

// NotifyRate is a channel's token bucket.
type NotifyRate struct {
	PerSecond float64 `yaml:"per_second"`
	Burst     int     `yaml:"burst"`
}

// NotifyZNS is the ZNS channel with its secrets read from files.
type NotifyZNS struct {
	zns.Opts         `yaml:",inline"`
	SecretKeyFile    string `yaml:"secret_key_file"`
	RefreshTokenFile string `yaml:"refresh_token_file"`
}

// Enabled reports whether the hub sends its centers' messages.
func (n *Notify) Enabled() bool { return len(n.Channels) > 0 }

// Quiet returns the quiet hours, nil when none are set.
func (n *Notify) Quiet() *outbox.Quiet { return n.quiet }

func (c *Config) checkNotify() error {
	n := &c.Notify
	if n.Keep < 0 {
		return c.fail("notify.keep", "cannot be negative")
	}
	if n.Keep == 0 {
		n.Keep = 30 * 24 * time.Hour
	}
	n.quiet = nil
	if n.QuietHours != "" {
		q, err := outbox.ParseQuiet(n.QuietHours)
		if err != nil {
			return c.fail("notify.quiet_hours", "%v", err)
		}
		n.quiet = &q
	}
	seen := map[string]bool{}
	for i, ch := range n.Channels {
		key := fmt.Sprintf("notify.channels[%d]", i)
		if seen[ch] {
			return c.fail(key, "%q listed twice", ch)
		}
		seen[ch] = true
		switch {
		case ch == "zns" && n.ZNS == nil, ch == "sms" && n.SMS == nil, ch == "email" && n.Email == nil:
			return c.fail(key, "%s needs a notify.%s section", ch, ch)
		case ch != "zns" && ch != "sms" && ch != "email":
			return c.fail(key, "%q: use zns, sms or email (the hub has no hub to send through)", ch)
		}
	}
	for name, r := range n.Rates {
		if !seen[name] {
			return c.fail("notify.rates."+name, "no channel %q in notify.channels", name)
		}
		if r.PerSecond <= 0 {
			return c.fail("notify.rates."+name+".per_second", "must be above 0")
		}
	}
	read := func(key, name string, dst *string) error {
		if name == "" {
			return nil
		}
		b, err := os.ReadFile(c.rel(name))
		if err != nil {
			return c.fail(key, "%v", err)
		}
		*dst = strings.TrimSpace(string(b))
		return nil
	}
	if z := n.ZNS; z != nil {
		if err := read("notify.zns.secret_key_file", z.SecretKeyFile, &z.SecretKey); err != nil {
			return err
		}
		if err := read("notify.zns.refresh_token_file", z.RefreshTokenFile, &z.RefreshToken); err != nil {
			return err
		}
		if z.AppID == "" || z.SecretKey == "" {
			return c.fail("notify.zns", "app_id and secret_key (or secret_key_file) are required")
		}
		for k, t := range z.Templates {
			if !k.Valid() {
				return c.fail("notify.zns.templates."+string(k), "unknown kind %q: use one of %v", k, notify.Kinds())
			}
			if t.ID == "" {
				return c.fail("notify.zns.templates."+string(k)+".id", "the template's id is required")
			}
		}
	}
	if s := n.SMS; s != nil {
		if err := read("notify.sms.secret_file", s.SecretFile, &s.Secret); err != nil {
			return err
		}
		if _, err := smsgw.New(*s); err != nil {
			return c.fail("notify.sms", "%v", err)
		}
	}
	if e := n.Email; e != nil {
		if err := read("notify.email.password_file", e.PasswordFile, &e.Password); err != nil {
			return err
		}
		if _, err := email.New(*e); err != nil {
			return c.fail("notify.email", "%v", err)
		}
	}
	return nil
}
