package config

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

// Notify configures the messages sent to citizens who give a phone number
// or an address (docs/notifications.md). No channels: none are sent.
type Notify struct {
	// Kinds sent for every field and for dossiers: taken, ahead, called,
	// no_show, rating, dossier_status, result_ready.
	Kinds []notify.Kind `yaml:"kinds"`
	// Fields replace Kinds for some fields (an empty list: none).
	Fields map[string][]notify.Kind `yaml:"fields"`
	// AheadAt is the N of "N people ahead of you" (default 3).
	AheadAt int `yaml:"ahead_at"`
	// TicketRetention and DossierRetention: how long a number or address
	// is kept (defaults 24h and 2160h, 90 days).
	TicketRetention  time.Duration `yaml:"ticket_retention"`
	DossierRetention time.Duration `yaml:"dossier_retention"`
	// QuietHours "21:00-07:00": dossier and rating messages wait for its end.
	QuietHours string `yaml:"quiet_hours"`
	// Channels in fallback order: zns, sms, email, and hub (through the
	// province hub, for a center whose internet is down; last).
	Channels []string `yaml:"channels"`
	// Rates limit a channel: messages per second and burst.
	Rates map[string]NotifyRate `yaml:"rates"`
	ZNS   *NotifyZNS            `yaml:"zns"`
	SMS   *smsgw.Opts           `yaml:"sms"`
	Email *email.Opts           `yaml:"email"`

	quiet *[2]int
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

// Enabled reports whether any message is sent.
func (n *Notify) Enabled() bool { return len(n.Channels) > 0 }

// Quiet returns the quiet hours in minutes after midnight; ok false when
// none are set.
func (n *Notify) Quiet() (from, to int, ok bool) {
	if n.quiet == nil {
		return 0, 0, false
	}
	return n.quiet[0], n.quiet[1], true
}

// checkNotify checks the notifications and reads their secrets.
func (c *Config) checkNotify() []*Error {
	var errs []*Error
	n := &c.Notify
	fields := c.fieldCodes()
	kinds := func(key string, ks []notify.Kind) {
		for i, k := range ks {
			if !k.Valid() {
				errs = append(errs, c.fail(fmt.Sprintf("%s[%d]", key, i), "%q: use one of %v", k, notify.Kinds()))
			}
		}
	}
	kinds("notify.kinds", n.Kinds)
	for f, ks := range n.Fields {
		if !fields[f] {
			errs = append(errs, c.fail("notify.fields."+f, "no field %q", f))
		}
		kinds("notify.fields."+f, ks)
	}
	if n.AheadAt < 0 {
		errs = append(errs, c.fail("notify.ahead_at", "cannot be negative"))
	}
	if n.TicketRetention < 0 || n.DossierRetention < 0 {
		errs = append(errs, c.fail("notify", "retentions cannot be negative"))
	}
	n.quiet = nil
	if n.QuietHours != "" {
		q, err := outbox.ParseQuiet(n.QuietHours)
		if err != nil {
			errs = append(errs, c.fail("notify.quiet_hours", "%v", err))
		} else {
			n.quiet = &[2]int{q.From, q.To}
		}
	}
	seen := map[string]bool{}
	for i, ch := range n.Channels {
		key := fmt.Sprintf("notify.channels[%d]", i)
		if seen[ch] {
			errs = append(errs, c.fail(key, "%q listed twice", ch))
		}
		seen[ch] = true
		switch ch {
		case "zns":
			if n.ZNS == nil {
				errs = append(errs, c.fail(key, "zns needs a notify.zns section"))
			}
		case "sms":
			if n.SMS == nil {
				errs = append(errs, c.fail(key, "sms needs a notify.sms section"))
			}
		case "email":
			if n.Email == nil {
				errs = append(errs, c.fail(key, "email needs a notify.email section"))
			}
		case "hub":
			if !c.Hub.Enabled() && !c.atHub {
				errs = append(errs, c.fail(key, "hub sends through the province hub: it needs a hub: section"))
			}
		default:
			errs = append(errs, c.fail(key, "%q: use zns, sms, email or hub", ch))
		}
	}
	for name, r := range n.Rates {
		if !seen[name] {
			errs = append(errs, c.fail("notify.rates."+name, "no channel %q in notify.channels", name))
		} else if name == "hub" {
			errs = append(errs, c.fail("notify.rates.hub", "the hub's own rates limit what it sends"))
		}
		if r.PerSecond <= 0 {
			errs = append(errs, c.fail("notify.rates."+name+".per_second", "must be above 0"))
		}
	}
	read := func(key, name string, dst *string) {
		if name == "" || c.atHub {
			return
		}
		b, err := os.ReadFile(c.relative(name))
		if err != nil {
			errs = append(errs, c.fail(key, "%v", err))
			return
		}
		*dst = strings.TrimSpace(string(b))
	}
	if z := n.ZNS; z != nil {
		read("notify.zns.secret_key_file", z.SecretKeyFile, &z.SecretKey)
		read("notify.zns.refresh_token_file", z.RefreshTokenFile, &z.RefreshToken)
		if z.AppID == "" || z.SecretKey == "" {
			errs = append(errs, c.fail("notify.zns", "app_id and secret_key (or secret_key_file) are required"))
		}
		for k, t := range z.Templates {
			if !k.Valid() {
				errs = append(errs, c.fail("notify.zns.templates."+string(k), "unknown kind %q", k))
			} else if t.ID == "" {
				errs = append(errs, c.fail("notify.zns.templates."+string(k)+".id", "the template's id is required"))
			}
		}
	}
	if s := n.SMS; s != nil {
		read("notify.sms.secret_file", s.SecretFile, &s.Secret)
		if _, err := smsgw.New(*s); err != nil {
			errs = append(errs, c.fail("notify.sms", "%v", err))
		}
	}
	if e := n.Email; e != nil {
		read("notify.email.password_file", e.PasswordFile, &e.Password)
		if _, err := email.New(*e); err != nil {
			errs = append(errs, c.fail("notify.email", "%v", err))
		}
	}
	return errs
}
