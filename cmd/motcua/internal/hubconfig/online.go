package hubconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"motcua/province/online"
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
	// Messages offers the booker, with their consent, messages about the
	// booking through the hub's notify channels (issue 15): a reminder
	// ReminderBefore its window (default 1h; 0: none), overridden per
	// center by ReminderBeforeCenters (center id: duration, 0: none
	// there), and, at the center, the messages of the ticket checked in
	// from it. The phone is kept until PhoneKeep (default 2h) after the
	// window's end, or until the booking is cancelled.
	Messages              bool                     `yaml:"messages"`
	ReminderBefore        *time.Duration           `yaml:"reminder_before"`
	ReminderBeforeCenters map[string]time.Duration `yaml:"reminder_before_centers"`
	PhoneKeep             time.Duration            `yaml:"phone_keep"`

	secret string
}

// Defaults of the online keys.
const (
	DefaultReminderBefore = time.Hour
	DefaultPhoneKeep      = online.DefaultPhoneKeep
)

// RemindBefore is how long before its window a booking at center is
// reminded of (0: none).
func (o *Online) RemindBefore(center string) time.Duration {
	if d, ok := o.ReminderBeforeCenters[center]; ok {
		return d
	}
	if o.ReminderBefore != nil {
		return *o.ReminderBefore
	}
	return DefaultReminderBefore
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
		if o.Messages {
			return c.fail("online.messages", "messages about bookings need online booking: give online.identity_secret and online.sender")
		}
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
	if err := c.checkMessages(); err != nil {
		return err
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

func (c *Config) checkMessages() error {
	o := &c.Online
	if !o.Messages {
		if o.ReminderBefore != nil || len(o.ReminderBeforeCenters) > 0 || o.PhoneKeep != 0 {
			return c.fail("online.messages", "reminder_before, reminder_before_centers and phone_keep need messages: true")
		}
		return nil
	}
	if !c.Notify.Enabled() {
		return c.fail("online.messages", "the booking's messages go through the hub's notify channels: give a notify: section with channels")
	}
	if d := o.ReminderBefore; d != nil && (*d < 0 || *d > 7*24*time.Hour) {
		return c.fail("online.reminder_before", "%v: a duration from 0 (no reminder) to 168h", *d)
	}
	for id, d := range o.ReminderBeforeCenters {
		known := false
		for _, ce := range c.Centers {
			known = known || ce.ID == id
		}
		switch {
		case !known:
			return c.fail("online.reminder_before_centers."+id, "%q is not in centers:", id)
		case d < 0 || d > 7*24*time.Hour:
			return c.fail("online.reminder_before_centers."+id, "%v: a duration from 0 (no reminder) to 168h", d)
		}
	}
	switch {
	case o.PhoneKeep == 0:
		o.PhoneKeep = DefaultPhoneKeep
	case o.PhoneKeep < 0 || o.PhoneKeep > 30*24*time.Hour:
		return c.fail("online.phone_keep", "%v: how long after the window's end the phone is kept, up to 720h", o.PhoneKeep)
	}
	return nil
}
