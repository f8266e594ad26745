package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/nats-io/nkeys"

	"motcua/internal/yamlconf"
	"motcua/kiosk/procedures"
	"motcua/province/wire"
)

// Hub links a center to its province hub (docs/province.md). Without it a
// center runs alone.
type Hub struct {
	// Center is this center's id at the hub: c1, xa-tan-lap...
	Center string `yaml:"center"`
	// URLs are the hub's NATS servers, nats://host:4222 or tls://host:4222.
	URLs []string `yaml:"urls"`
	// Credentials is the file holding the center's NKey seed (SU...), made
	// by `motcua hub enroll`; relative to this file's folder. 0600.
	Credentials string `yaml:"credentials"`
	// CA is the PEM file of the CA that signed the hub's NATS certificate
	// (motcua cert made it: its ca.crt), for tls:// URLs; empty: the
	// system's CAs. Relative to this file's folder.
	CA string `yaml:"ca"`

	seed  []byte
	roots *x509.CertPool
}

// TLS is the link's TLS configuration: nil for nats:// URLs.
func (h Hub) TLS() *tls.Config {
	for _, u := range h.URLs {
		if strings.HasPrefix(u, "tls://") {
			return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: h.roots}
		}
	}
	return nil
}

// Enabled tells whether the center has a hub.
func (h Hub) Enabled() bool { return h.Center != "" }

// Seed is the center's NKey seed, read by Check.
func (h Hub) Seed() []byte { return h.seed }

// LocalKeys are the top-level keys only a center's own file sets: where it
// listens and keeps its data, its secrets, its hub. A configuration
// published by the hub sets everything else and none of these.
func LocalKeys() []string {
	return []string{"demo", "listen", "data_dir", "security", "tls", "limits", "hub"}
}

func (c *Config) checkHub() []*Error {
	h := &c.Hub
	if !h.Enabled() {
		if len(h.URLs) > 0 || h.Credentials != "" {
			return []*Error{c.fail("hub.center", "set the center's id at the hub (or remove the hub section to run alone)")}
		}
		return nil
	}
	var errs []*Error
	if err := wire.CheckCenter(h.Center); err != nil {
		errs = append(errs, c.fail("hub.center", "%s", strings.TrimPrefix(err.Error(), "wire: ")))
	}
	if len(h.URLs) == 0 {
		errs = append(errs, c.fail("hub.urls", "give the hub's NATS servers, e.g. [nats://hub.tinh.gov.vn:4222]"))
	}
	for i, u := range h.URLs {
		if !strings.HasPrefix(u, "nats://") && !strings.HasPrefix(u, "tls://") {
			errs = append(errs, c.fail(fmt.Sprintf("hub.urls[%d]", i), "must start with nats:// or tls://"))
		}
	}
	if h.Credentials == "" {
		return append(errs, c.fail("hub.credentials", "name the file with this center's NKey seed (made by motcua hub enroll)"))
	}
	b, err := os.ReadFile(c.relative(h.Credentials))
	if err != nil {
		return append(errs, c.fail("hub.credentials", "cannot read the center's key: %v", err))
	}
	seed := []byte(strings.TrimSpace(string(b)))
	kp, err := nkeys.FromSeed(seed)
	if err != nil {
		return append(errs, c.fail("hub.credentials", "%s does not hold an NKey seed (SU...): %v", c.relative(h.Credentials), err))
	}
	if pub, err := kp.PublicKey(); err != nil || !nkeys.IsValidPublicUserKey(pub) {
		return append(errs, c.fail("hub.credentials", "%s holds a key that is not a user key (SU...)", c.relative(h.Credentials)))
	}
	h.seed = seed
	if h.CA != "" {
		pem, err := os.ReadFile(c.relative(h.CA))
		if err != nil {
			return append(errs, c.fail("hub.ca", "cannot read the hub's CA: %v", err))
		}
		h.roots = x509.NewCertPool()
		if !h.roots.AppendCertsFromPEM(pem) {
			return append(errs, c.fail("hub.ca", "%s holds no PEM certificate", c.relative(h.CA)))
		}
	}
	return errs
}

// WithHub is the configuration the center runs with what the hub published
// (data, a center's YAML without its LocalKeys): the published sections,
// with the local keys of c. Its mistakes name the key and the line in data.
func (c *Config) WithHub(data []byte) (*Config, error) {
	return published(data, c)
}

// CheckPublished checks a configuration the hub is to publish, the way the
// center will check it: the same messages, with the key and the line.
// Device token files live at the center and are not read here.
func CheckPublished(data []byte) error {
	_, err := published(data, nil)
	return err
}

func published(data []byte, local *Config) (*Config, error) {
	data, catalogue, catLine := splitPublished(data)
	n := &Config{atHub: local == nil}
	lines, err := yamlconf.Decode(errPrefix, data, n)
	if err != nil {
		return nil, err
	}
	n.lines = lines
	for _, k := range LocalKeys() {
		if _, ok := lines[k]; ok {
			return nil, n.fail(k, "%s is set in the center's own file, not published by the hub", k)
		}
	}
	if catalogue != nil {
		if err := n.takeCatalogue(catalogue, catLine); err != nil {
			return nil, err
		}
	}
	if local != nil {
		n.Demo, n.Listen, n.DataDir, n.Security, n.TLS, n.Limits, n.Hub = local.Demo, local.Listen, local.DataDir, local.Security, local.TLS, local.Limits, local.Hub
		n.path = local.path
	}
	if errs := n.Check(); len(errs) > 0 {
		if local == nil {
			// The center's own keys are not there at the hub: their
			// defaults are the center's business.
			for _, e := range errs {
				if !isLocal(e.Key) {
					return nil, e
				}
			}
			return n, nil
		}
		return nil, errs[0]
	}
	return n, nil
}

func isLocal(key string) bool {
	for _, k := range LocalKeys() {
		if key == k || strings.HasPrefix(key, k+".") {
			return true
		}
	}
	return false
}

// WithAccounts is c with the province's accounts for this center: each
// replaces the center's own account of the same name; a disabled one
// removes it (its sessions end: the account is gone). A clerk listed with
// no counters may work at any of the center's counters; a clerk's counters
// the center does not have are left out, and a clerk left with none is not
// let in at all, rather than at every counter.
func (c *Config) WithAccounts(list []wire.Account) (*Config, []string) {
	n := *c
	n.Staff = nil
	hub := map[string]wire.Account{}
	for _, a := range list {
		hub[a.Username] = a
	}
	for _, s := range c.Staff {
		if _, ok := hub[s.Username]; !ok {
			n.Staff = append(n.Staff, s)
		}
	}
	counters := c.counterIDs()
	var skipped []string
	for _, a := range list {
		if a.Disabled {
			continue
		}
		s := Staff{Username: a.Username, Name: a.Name, PasswordHash: a.PasswordHash, Role: RoleStaff}
		if a.Role == RoleAdmin {
			s.Role = RoleAdmin
		}
		for _, ct := range a.Counters {
			if counters[ct] {
				s.Counters = append(s.Counters, ct)
			}
		}
		if s.Role == RoleStaff && len(a.Counters) == 0 {
			for _, ct := range c.Counters { // a clerk of the center: any counter
				s.Counters = append(s.Counters, ct.ID)
			}
		}
		if s.Role == RoleStaff && len(a.Counters) > 0 && len(s.Counters) == 0 {
			skipped = append(skipped, a.Username)
			continue
		}
		n.Staff = append(n.Staff, s)
	}
	return &n, skipped
}

// splitPublished parts what the hub publishes: the configuration, then,
// after a line "---", the procedures catalogue (docs/procedures.md) when the
// province publishes it too; catLine is the line the catalogue starts on.
func splitPublished(data []byte) (cfg, catalogue []byte, catLine int) {
	lines := strings.SplitAfter(string(data), "\n")
	start := 0
	for start < len(lines) && strings.TrimSpace(lines[start]) == "" {
		start++
	}
	if start < len(lines) && strings.TrimRight(lines[start], "\r\n") == "---" {
		start++ // a document marker before the configuration
	}
	for i := start; i < len(lines); i++ {
		if strings.TrimRight(lines[i], "\r\n") == "---" {
			return []byte(strings.Join(lines[:i], "")), []byte(strings.Join(lines[i+1:], "")), i + 2
		}
	}
	return data, nil, 0
}

// takeCatalogue checks a published catalogue against the fields of n and
// keeps it: it replaces the file procedures names. Its mistakes name their
// line in the whole published text.
func (c *Config) takeCatalogue(data []byte, firstLine int) error {
	codes := make([]string, 0, len(c.Fields))
	for _, f := range c.Fields {
		codes = append(codes, f.Code)
	}
	if _, err := procedures.Parse(data, codes); err != nil {
		var ye *yamlconf.Error
		if errors.As(err, &ye) && ye.Line > 0 {
			e := *ye
			e.Line += firstLine - 1
			return &e
		}
		return err
	}
	c.catalogue = data
	c.Procedures = ""
	return nil
}

// Catalogue is the procedures catalogue the hub published with this
// configuration; nil: the file Procedures names, if any.
func (c *Config) Catalogue() []byte { return c.catalogue }
