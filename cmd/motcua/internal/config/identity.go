package config

import (
	"fmt"
	"os"
	"strings"

	"motcua/internal/identity"
	"motcua/queue"
)

// Identity is who takes a number (issue 14): whether the kiosk asks for the
// citizen's ID card (CCCD) or its number, and how many numbers one person
// may take a day. Only a keyed hash of the ID number is kept
// (internal/identity), under a secret shared by every center of the
// province, so that caps hold across centers.
type Identity struct {
	// Mode is the mode of every field that sets none: off (default: the
	// kiosk does not ask), optional (it asks, the citizen may go on
	// without) or required (no number without the card or its number).
	Mode string `yaml:"mode"`
	// Secret is the province-wide identity secret (motcua secret), the
	// same at every center and at the hub; SecretFile a file holding it.
	// Needed when a field asks.
	Secret     string `yaml:"secret"`
	SecretFile string `yaml:"secret_file"`
	// PerDay and PerField cap the numbers of one person a day, across the
	// center's fields, and in one field. Defaults 2 and 1 (the rule of Hà
	// Nội's iHanoi); negative: no such cap.
	PerDay   int `yaml:"per_day"`
	PerField int `yaml:"per_field"`

	secret string // from secret or secret_file
}

// The default caps of one person.
const (
	DefaultPerDay   = 2
	DefaultPerField = 1
)

// IdentitySecret is the identity secret, read from secret or secret_file;
// "" when the config sets none.
func (i Identity) IdentitySecret() string { return i.secret }

// IdentityMode is the mode of the field with code, off for an unknown one.
func (c *Config) IdentityMode(code string) identity.Mode {
	for _, f := range c.Fields {
		if f.Code == code {
			if f.Identity != "" {
				return identity.Mode(f.Identity)
			}
			break
		}
	}
	if c.Identity.Mode == "" {
		return identity.Off
	}
	return identity.Mode(c.Identity.Mode)
}

// Asks reports whether any field asks who takes its numbers.
func (c *Config) Asks() bool {
	for _, f := range c.Fields {
		if c.IdentityMode(f.Code).Asks() {
			return true
		}
	}
	return false
}

// QueueCaps are the caps of one person for the engine.
func (c *Config) QueueCaps() queue.Caps {
	return queue.Caps{PerDay: c.Identity.PerDay, PerField: c.Identity.PerField}
}

func (c *Config) checkIdentity() []*Error {
	var errs []*Error
	id := &c.Identity
	modes := "off, optional or required"
	if id.Mode != "" && !identity.Mode(id.Mode).Valid() {
		errs = append(errs, c.fail("identity.mode", "%q: use %s", id.Mode, modes))
	}
	for i, f := range c.Fields {
		if f.Identity != "" && !identity.Mode(f.Identity).Valid() {
			errs = append(errs, c.fail(fmt.Sprintf("fields[%d].identity", i), "%q: use %s (empty: identity.mode)", f.Identity, modes))
		}
	}
	if id.PerDay == 0 {
		id.PerDay = DefaultPerDay
	}
	if id.PerField == 0 {
		id.PerField = DefaultPerField
	}
	switch {
	case id.Secret != "" && id.SecretFile != "":
		errs = append(errs, c.fail("identity.secret_file", "give secret or secret_file, not both"))
	case id.SecretFile != "" && c.atHub:
		// read by the center, where the file is
	case id.SecretFile != "":
		b, err := os.ReadFile(c.relative(id.SecretFile))
		if err != nil {
			errs = append(errs, c.fail("identity.secret_file", "cannot read the secret: %v", err))
			break
		}
		if id.secret = strings.TrimSpace(string(b)); id.secret == "" {
			errs = append(errs, c.fail("identity.secret_file", "%s is empty: write the province's identity secret in it (motcua secret)", c.relative(id.SecretFile)))
		}
	case strings.TrimSpace(id.Secret) != id.Secret:
		errs = append(errs, c.fail("identity.secret", "remove the spaces around the secret"))
	default:
		id.secret = id.Secret
	}
	if len(errs) > 0 {
		return errs
	}
	if id.secret != "" && len(id.secret) < identity.MinSecret {
		errs = append(errs, c.fail(secretKey(id), "%d bytes is too short (at least %d; %d outside demo): make one with motcua secret", len(id.secret), identity.MinSecret, MinSecret))
	}
	if id.secret == "" && !c.atHub && c.Asks() {
		errs = append(errs, c.fail("identity.secret", "a field asks for the ID card but no identity secret is set: give the province's (the same at every center) in secret or secret_file"))
	}
	return errs
}

// secretKey is the key the identity secret came from.
func secretKey(id *Identity) string {
	if id.SecretFile != "" {
		return "identity.secret_file"
	}
	return "identity.secret"
}
