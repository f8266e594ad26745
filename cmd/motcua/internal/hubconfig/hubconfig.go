package hubconfig

import (
	"crypto/tls"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/nats-io/nkeys"

	"motcua/internal/yamlconf"
	"motcua/province/wire"
)

// Config is the hub's configuration file.
type Config struct {
	// Demo marks the demo province (configs/province/hub.yaml): only then
	// may it use the published demo keys and password.
	Demo     bool   `yaml:"demo"`
	Province string `yaml:"province"` // "Tỉnh Demo"
	Listen   string `yaml:"listen"`   // the hub's pages and API; default 127.0.0.1:8090
	DataDir  string `yaml:"data_dir"` // embedded JetStream's files; default data-hub
	Timezone string `yaml:"timezone"` // the centers' days; default Asia/Ho_Chi_Minh
	// Database is the PostgreSQL URL; $MOTCUA_PG_URL, when set, replaces it.
	Database string `yaml:"database"`
	NATS     NATS   `yaml:"nats"`
	// OfflineAfter: a center not heard from for this long shows offline
	// (default 1m: four missed heartbeats); AlertAfter: offline this long
	// raises an alert (default 15m).
	OfflineAfter time.Duration `yaml:"offline_after"`
	AlertAfter   time.Duration `yaml:"alert_after"`
	// SessionSecret signs the staff's sign-in (every hub process of the
	// province needs the same); at least 32 characters.
	SessionSecret string        `yaml:"session_secret"`
	SessionTTL    time.Duration `yaml:"session_ttl"` // default 12h
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string   `yaml:"metrics_token"`
	Centers      []Center `yaml:"centers"`
	Staff        []Staff  `yaml:"staff"`
	// Dossiers is the province's integration the centers may ask through
	// the hub (dossiers.go).
	Dossiers Dossiers `yaml:"dossiers"`
	// Online: the booking of online numbers (online.go).
	Online Online `yaml:"online"`
	// Notify: the hub's channels for the messages its centers hand it
	// (notify.go).
	Notify Notify `yaml:"notify"`

	location *time.Location
	hubSeed  []byte
	lines    yamlconf.Lines
	path     string
}

// NATS says where the hub's NATS is: embedded (one machine) or a cluster.
type NATS struct {
	// Embedded runs the NATS server in the hub, listening here for centers
	// (e.g. 0.0.0.0:4222). Set it or URLs, not both.
	Embedded string `yaml:"embedded"`
	// URLs of the province's NATS cluster, and the hub's own NKey seed file
	// there (Credentials), relative to this file's folder.
	URLs        []string `yaml:"urls"`
	Credentials string   `yaml:"credentials"`
	// Replicas of the events stream: 1 embedded, 3 on a cluster of 3.
	Replicas int `yaml:"replicas"`
	// TLSCert and TLSKey: the embedded server's certificate and key (PEM,
	// motcua cert makes them); set, every center must dial tls://.
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`

	tls *tls.Config
}

// TLS is the embedded server's TLS; nil without tls_cert.
func (n NATS) TLS() *tls.Config { return n.tls }

// Center is one enrolled center.
type Center struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// NKey is the public key of the center's seed (motcua hub enroll).
	NKey string `yaml:"nkey"`
}

// Roles of province staff.
const (
	RoleProvinceAdmin = "province_admin" // everything, every center
	RoleManager       = "manager"        // the centers listed: pages, reports, configuration
	RoleClerk         = "clerk"          // the centers and counters listed: sign in there
)

// Staff is one person of the province with the centers they work for.
type Staff struct {
	Username     string   `yaml:"username"`
	Name         string   `yaml:"name"`
	Role         string   `yaml:"role"`
	Centers      []string `yaml:"centers"`  // manager and clerk
	Counters     []string `yaml:"counters"` // clerk: counter ids at those centers; none: any
	PasswordHash string   `yaml:"password_hash"`
	Disabled     bool     `yaml:"disabled"`
}

// Location is the centers' time zone.
func (c *Config) Location() *time.Location { return c.location }

// HubSeed is the hub's NKey seed on a NATS cluster (NATS.Credentials).
func (c *Config) HubSeed() []byte { return c.hubSeed }

// Center returns an enrolled center.
func (c *Config) Center(id string) (Center, bool) {
	for _, ct := range c.Centers {
		if ct.ID == id {
			return ct, true
		}
	}
	return Center{}, false
}

// User returns a staff account.
func (c *Config) User(username string) (Staff, bool) {
	for _, s := range c.Staff {
		if s.Username == username {
			return s, true
		}
	}
	return Staff{}, false
}

// Sees tells whether s may see and manage center id at the hub.
func (s Staff) Sees(id string) bool {
	if s.Role == RoleProvinceAdmin {
		return true
	}
	if s.Role != RoleManager {
		return false
	}
	for _, c := range s.Centers {
		if c == id {
			return true
		}
	}
	return false
}

// Load reads and checks the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("hubconfig: %w", err)
	}
	c, err := parse(data, path)
	if err != nil {
		return nil, yamlconf.WithFile(err, path)
	}
	return c, nil
}

// Parse reads and checks a configuration.
func Parse(data []byte) (*Config, error) { return parse(data, "") }

const errPrefix = "hub config"

func parse(data []byte, path string) (*Config, error) {
	c := &Config{path: path}
	lines, err := yamlconf.Decode(errPrefix, data, c)
	if err != nil {
		return nil, err
	}
	c.lines = lines
	if url := os.Getenv("MOTCUA_PG_URL"); url != "" {
		c.Database = url
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) fail(key, format string, args ...any) error {
	return &yamlconf.Error{Prefix: errPrefix, File: c.path, Key: key, Line: c.lines.Line(key), Msg: fmt.Sprintf(format, args...)}
}

var username = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

func (c *Config) check() error {
	if strings.TrimSpace(c.Province) == "" {
		return c.fail("province", "name the province (shown on every page)")
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8090"
	}
	if c.DataDir == "" {
		c.DataDir = "data-hub"
	}
	if c.Timezone == "" {
		c.Timezone = "Asia/Ho_Chi_Minh"
	}
	loc, err := time.LoadLocation(c.Timezone)
	switch {
	case err == nil:
		c.location = loc
	case c.Timezone != "Asia/Ho_Chi_Minh":
		return c.fail("timezone", "unknown time zone %q", c.Timezone)
	default:
		c.location = time.FixedZone("ICT", 7*3600)
	}
	if c.Database == "" {
		return c.fail("database", "give the PostgreSQL URL, e.g. postgres://motcua@127.0.0.1:5432/motcua (or set MOTCUA_PG_URL)")
	}
	if !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") {
		return c.fail("database", "must be a postgres:// URL")
	}
	if err := c.checkNATS(); err != nil {
		return err
	}
	if c.OfflineAfter == 0 {
		c.OfflineAfter = time.Minute
	}
	if c.AlertAfter == 0 {
		c.AlertAfter = 15 * time.Minute
	}
	if c.OfflineAfter < 0 || c.AlertAfter < c.OfflineAfter {
		return c.fail("alert_after", "alert_after (%s) must not be shorter than offline_after (%s)", c.AlertAfter, c.OfflineAfter)
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = 12 * time.Hour
	}
	if len(c.SessionSecret) < 32 {
		return c.fail("session_secret", "at least 32 characters, the same in every hub process (motcua secret makes one)")
	}
	ids := map[string]int{}
	keys := map[string]string{}
	for i, ct := range c.Centers {
		key := fmt.Sprintf("centers[%d]", i)
		if err := wire.CheckCenter(ct.ID); err != nil {
			return c.fail(key+".id", "%s", strings.TrimPrefix(err.Error(), "wire: "))
		}
		if j, ok := ids[ct.ID]; ok {
			return c.fail(key+".id", "center %s is already centers[%d]", ct.ID, j)
		}
		ids[ct.ID] = i
		if strings.TrimSpace(ct.Name) == "" {
			return c.fail(key+".name", "the center needs a name")
		}
		if !nkeys.IsValidPublicUserKey(ct.NKey) {
			return c.fail(key+".nkey", "not a public user key (U..., 56 characters): motcua hub enroll prints it")
		}
		if other, ok := keys[ct.NKey]; ok {
			return c.fail(key+".nkey", "the same key as %s: each center has its own", other)
		}
		keys[ct.NKey] = ct.ID
	}
	users := map[string]bool{}
	admins := 0
	for i, s := range c.Staff {
		key := fmt.Sprintf("staff[%d]", i)
		if !username.MatchString(s.Username) || users[s.Username] {
			return c.fail(key+".username", "%q: a unique user name of a-z, 0-9, '-' or '_' (the centers take the same names)", s.Username)
		}
		users[s.Username] = true
		switch s.Role {
		case RoleProvinceAdmin:
			if !s.Disabled {
				admins++
			}
		case RoleManager, RoleClerk:
			if len(s.Centers) == 0 {
				return c.fail(key+".centers", "list the centers a %s works for", s.Role)
			}
			for j, id := range s.Centers {
				if _, ok := ids[id]; !ok {
					return c.fail(fmt.Sprintf("%s.centers[%d]", key, j), "no center %q is enrolled", id)
				}
			}
		default:
			return c.fail(key+".role", "%q: one of %s, %s, %s", s.Role, RoleProvinceAdmin, RoleManager, RoleClerk)
		}
		if !strings.HasPrefix(s.PasswordHash, "$2") {
			return c.fail(key+".password_hash", "a bcrypt hash (motcua hash-password makes one)")
		}
	}
	if admins == 0 {
		return c.fail("staff", "at least one province_admin who is not disabled")
	}
	if err := c.checkDossiers(); err != nil {
		return err
	}
	if err := c.checkNotify(); err != nil {
		return err
	}
	return c.checkOnline() // after notify: online.sender notify needs its channels
}

func (c *Config) checkNATS() error {
	n := &c.NATS
	switch {
	case n.Embedded != "" && len(n.URLs) > 0:
		return c.fail("nats.urls", "give nats.embedded or nats.urls, not both")
	case n.Embedded == "" && len(n.URLs) == 0:
		return c.fail("nats", "give nats.embedded (the hub runs NATS, e.g. 127.0.0.1:4250) or nats.urls (the province's cluster)")
	}
	if n.Replicas == 0 {
		n.Replicas = 1
	}
	if n.Replicas != 1 && n.Replicas != 3 && n.Replicas != 5 {
		return c.fail("nats.replicas", "1, 3 or 5")
	}
	if (n.TLSCert == "") != (n.TLSKey == "") {
		return c.fail("nats.tls_key", "give both nats.tls_cert and nats.tls_key, or neither")
	}
	if n.TLSCert != "" {
		if n.Embedded == "" {
			return c.fail("nats.tls_cert", "for the embedded server only: a cluster's TLS is in its own configuration")
		}
		cert, err := tls.LoadX509KeyPair(c.rel(n.TLSCert), c.rel(n.TLSKey))
		if err != nil {
			return c.fail("nats.tls_cert", "cannot load the certificate and key: %v", err)
		}
		n.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if len(n.URLs) == 0 {
		return nil
	}
	if n.Credentials == "" {
		return c.fail("nats.credentials", "the hub's NKey seed file on the cluster")
	}
	p := c.rel(n.Credentials)
	b, err := os.ReadFile(p)
	if err != nil {
		return c.fail("nats.credentials", "cannot read the hub's key: %v", err)
	}
	seed := []byte(strings.TrimSpace(string(b)))
	if _, err := nkeys.FromSeed(seed); err != nil {
		return c.fail("nats.credentials", "%s does not hold an NKey seed: %v", p, err)
	}
	c.hubSeed = seed
	return nil
}

// rel is a file named in the config: relative to the config's folder.
func (c *Config) rel(p string) string {
	if !strings.HasPrefix(p, "/") && c.path != "" {
		return dirOf(c.path) + "/" + p
	}
	return p
}

func dirOf(path string) string {
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return path[:i]
	}
	return "."
}
