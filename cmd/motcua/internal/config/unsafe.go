package config

import (
	"fmt"
	"net"
	"slices"

	"golang.org/x/crypto/bcrypt"
)

// MinSecret is the shortest secret the service starts with outside demo:
// session and receipt secrets, the push token and device tokens.
const MinSecret = 32

// publishedSecrets are the tokens and secrets motcua's own files publish
// (configs/*.yaml, now or before): anyone may read them, so only the demo may
// use them. TestPublishedSecretsAreListed keeps the list complete.
var publishedSecrets = []string{
	"demo-kiosk-k1", "demo-kiosk-k2",
	"demo-tablet-1", "demo-tablet-2", "demo-tablet-3", "demo-tablet-4",
	"doi-chuoi-nay", "doi-token-nay", // the screen and push tokens of center.example.yaml before issue 10
}

// publishedPasswords are the staff passwords motcua's own files publish.
var publishedPasswords = []string{"demo"}

// Unsafe lists what the service refuses to start with outside a config
// marked demo: true, each naming its key and line and how to mend it:
//   - a token, secret or password that motcua's own files publish (staff
//     password hashes are compared with bcrypt against the published
//     passwords), or a secret shorter than MinSecret bytes;
//   - a kiosk without its token;
//   - listen on every interface (0.0.0.0, [::], ":port") without
//     security.allow_all_interfaces: true, or with it
//     but no center.public_base_url (QR codes would point to 0.0.0.0).
//
// Call it after Listen is final (serve's --addr). It costs one bcrypt
// comparison per distinct password hash.
func (c *Config) Unsafe() []*Error {
	if c.Demo {
		return nil
	}
	var errs []*Error
	if allInterfaces(c.Listen) {
		switch {
		case !c.Security.AllowAllInterfaces:
			errs = append(errs, c.fail("listen", "%s listens on every interface, where every guest of the LAN reaches it: name this machine's address on the center's network (e.g. 192.168.1.10:8080), or set security.allow_all_interfaces: true if a firewall limits who reaches it", c.Listen))
		case c.Center.PublicBaseURL == "":
			errs = append(errs, c.fail("center.public_base_url", "QR codes would point to http://%s, which no phone reaches: set the address citizens' phones open (e.g. https://motcua.example.gov.vn or http://192.168.1.10:8080)", c.Listen))
		}
	}
	secret := func(key, value string) {
		if value == "" {
			return
		}
		switch {
		case slices.Contains(publishedSecrets, value):
			errs = append(errs, c.fail(key, "this value is published in motcua's own files (the demo and the example): make a new one with motcua secret"))
		case len(value) < MinSecret:
			errs = append(errs, c.fail(key, "%d bytes is too short for a secret (at least %d): make one with motcua secret", len(value), MinSecret))
		}
	}
	secret("security.session_secret", c.Security.SessionSecret)
	secret("security.receipt_secret", c.Security.ReceiptSecret)
	for i, k := range c.Security.ReceiptSecrets {
		secret(fmt.Sprintf("security.receipt_secrets[%d]", i), k)
	}
	secret("dossiers.push_token", c.Dossiers.PushToken)
	secret("security.metrics_token", c.Security.MetricsToken)
	secret(secretKey(&c.Identity), c.Identity.secret)
	errs = append(errs, c.unsafePriority()...)
	for i, k := range c.Kiosks {
		key := fmt.Sprintf("kiosks[%d]", i)
		if k.token == "" {
			errs = append(errs, c.fail(key+".token", "kiosk %s has no token: without it the kiosk cannot issue tickets; make one with motcua secret and set token or token_file", k.ID))
		}
		secret(tokenKey(key, "token", k.TokenFile), k.token)
	}
	for i, ct := range c.Counters {
		secret(tokenKey(fmt.Sprintf("counters[%d]", i), "tablet_token", ct.TabletTokenFile), ct.tabletToken)
	}
	for i, s := range c.Screens {
		secret(tokenKey(fmt.Sprintf("screens[%d]", i), "token", s.TokenFile), s.token)
	}
	published := map[string]string{} // hash → the published password it hides, "" for none
	for i, s := range c.Staff {
		pw, seen := published[s.PasswordHash]
		if !seen {
			for _, p := range publishedPasswords {
				if bcrypt.CompareHashAndPassword([]byte(s.PasswordHash), []byte(p)) == nil {
					pw = p
					break
				}
			}
			published[s.PasswordHash] = pw
		}
		if pw != "" {
			errs = append(errs, c.fail(fmt.Sprintf("staff[%d].password_hash", i), "%s's password is %q, published in motcua's own files: set a new hash made by motcua hash-password", s.Username, pw))
		}
	}
	return errs
}

// tokenKey is the key a device's token came from: name, or name_file when
// a file holds it.
func tokenKey(device, name, file string) string {
	if file != "" {
		return device + "." + name + "_file"
	}
	return device + "." + name
}

// allInterfaces reports whether listen names no single address.
func allInterfaces(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false // not an address: net.Listen says so
	}
	ip := net.ParseIP(host)
	return host == "" || (ip != nil && ip.IsUnspecified())
}
