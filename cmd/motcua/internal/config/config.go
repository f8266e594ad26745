package config

import (
	"crypto/subtle"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"motcua/internal/yamlconf"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/upstream"
	"motcua/queue"
)

// Config is a center's configuration file.
type Config struct {
	// Demo marks the demo center (configs/demo.yaml): only then does the
	// service start with the secrets motcua's own files publish, or listen
	// on every interface (Unsafe).
	Demo     bool      `yaml:"demo"`
	Center   Center    `yaml:"center"`
	Listen   string    `yaml:"listen"`   // default 127.0.0.1:8080
	DataDir  string    `yaml:"data_dir"` // default "data", relative to the working directory
	Security Security  `yaml:"security"`
	TLS      TLS       `yaml:"tls"`
	Limits   Limits    `yaml:"limits"`
	Fields   []Field   `yaml:"fields"`
	Counters []Counter `yaml:"counters"`
	Staff    []Staff   `yaml:"staff"`
	Kiosks   []Kiosk   `yaml:"kiosks"`
	Screens  []Screen  `yaml:"screens"`
	Printers []Printer `yaml:"printers"`
	Printing Printing  `yaml:"printing"`
	Voice    Voice     `yaml:"voice"`
	Scanners []Scanner `yaml:"scanners"`
	// Boards, Buttons and RatingBoxes are the counter hardware on the
	// walls and desks (boards.go).
	Boards      []Board     `yaml:"boards"`
	Buttons     Buttons     `yaml:"buttons"`
	RatingBoxes []RatingBox `yaml:"rating_boxes"`
	Dossiers    Dossiers    `yaml:"dossiers"`
	// Forms shapes the slips counters print (form 01, 02, 03; forms.go).
	Forms Forms `yaml:"forms"`
	// Ratings configures the push of ratings to the main system (ratings.go).
	Ratings Ratings `yaml:"ratings"`
	// Procedures is the catalogue of procedures the kiosk shows (YAML,
	// docs/procedures.md), relative to this file's folder; empty: none.
	Procedures string `yaml:"procedures"`
	// Hub links the center to its province hub; none: it runs alone.
	Hub Hub `yaml:"hub"`
	// Identity: who takes a number, and how many one person may take.
	Identity Identity `yaml:"identity"`
	// Priority: the priority categories and their check at the kiosk.
	Priority Priority `yaml:"priority"`
	// Notify sends citizens their messages (notify.go); none: nothing sent.
	Notify Notify `yaml:"notify"`
	// Online: the online numbers booked at the hub.
	Online Online `yaml:"online"`

	path      string
	atHub     bool   // checked at the hub: files that live at the center are not read
	catalogue []byte // the procedures catalogue published by the hub
	lines     yamlconf.Lines
}

// Center describes the center itself.
type Center struct {
	Name          string `yaml:"name"`
	AgencyCode    string `yaml:"agency_code"`
	Address       string `yaml:"address"`
	Timezone      string `yaml:"timezone"`        // default Asia/Ho_Chi_Minh
	PublicBaseURL string `yaml:"public_base_url"` // printed in QR codes; default http://LISTEN
	// ClockMaxJump and ClockSettle: a clock that steps further forward than
	// ClockMaxJump is not followed (no new day, nothing cancelled) until it
	// has stayed there for ClockSettle (queue.Opts). Defaults 36h and 15m;
	// a negative clock_max_jump follows every step.
	ClockMaxJump time.Duration `yaml:"clock_max_jump"`
	ClockSettle  time.Duration `yaml:"clock_settle"`

	location *time.Location
}

// Security holds the secrets. Empty secrets are generated once and kept in
// the data directory.
type Security struct {
	// SessionSecret is no longer used (staff sessions live in the
	// database since issue 10); still accepted so older configs parse.
	SessionSecret string `yaml:"session_secret"`
	// SessionTTL is how long a staff session lasts from its login (fixed,
	// not sliding); default 12h.
	SessionTTL time.Duration `yaml:"session_ttl"`
	// ReceiptSecret signs the lookup QR code of receipts. Empty: made once
	// and kept in the data directory (receipt.key).
	ReceiptSecret string `yaml:"receipt_secret"`
	// ReceiptSecrets is the receipt key ring, newest first: the first signs
	// new receipts, every one verifies receipts already printed. Set either
	// this or ReceiptSecret.
	ReceiptSecrets []string `yaml:"receipt_secrets"`
	// AllowAllInterfaces lets a center outside demo listen on 0.0.0.0 or
	// [::]: set it only when a firewall limits who
	// reaches the machine.
	AllowAllInterfaces bool `yaml:"allow_all_interfaces"`
	// TrustedProxies are the addresses or CIDRs of reverse proxies whose
	// X-Forwarded-For is believed; empty (the default): none, the client is
	// the socket's address.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// KioskTickets limits the tickets of each kiosk, AddressTickets those
	// from each client address: a citizen takes a number every few seconds
	// at most. Default for both: bursts of 5, then one every 2 s.
	KioskTickets   RateLimit `yaml:"kiosk_tickets"`
	AddressTickets RateLimit `yaml:"address_tickets"`
	// MetricsToken, when set, is the bearer token /metrics asks for
	// (Authorization: Bearer …); empty: /metrics is open to the LAN.
	MetricsToken string `yaml:"metrics_token"`
}

// RateLimit is a token bucket: Burst requests at once, then one per Every.
type RateLimit struct {
	Burst int           `yaml:"burst"`
	Every time.Duration `yaml:"every"`
}

// The default ticket limits of a kiosk and of an address.
const (
	DefaultTicketBurst = 5
	DefaultTicketEvery = 2 * time.Second
)

// ReceiptKeys is the configured receipt key ring, newest first; empty when
// the config sets none (the data directory's receipt.key is then used).
func (s Security) ReceiptKeys() [][]byte {
	var out [][]byte
	if s.ReceiptSecret != "" {
		out = append(out, []byte(s.ReceiptSecret))
	}
	for _, k := range s.ReceiptSecrets {
		out = append(out, []byte(k))
	}
	return out
}

// Scanner is a serial or USB-CDC barcode scanner belonging to a kiosk.
type Scanner struct {
	Name   string `yaml:"name"`
	Kiosk  string `yaml:"kiosk"`
	Path   string `yaml:"path"`
	VID    string `yaml:"vid"`
	PID    string `yaml:"pid"`
	Serial string `yaml:"serial"`
	Baud   int    `yaml:"baud"`
	Suffix string `yaml:"suffix"` // auto (default), cr, lf, crlf, tab, none (a pause ends a code), stx-etx
	// Type is serial (default: RS-232 or USB-CDC) or hid: a USB keyboard
	// scanner read straight from its Linux input device and grabbed, so
	// that what it types reaches only its kiosk, whatever has focus.
	Type string `yaml:"type"`
}

// Scanner types.
const (
	ScannerSerial = "serial"
	ScannerHID    = "hid"
)

// Dossier sources.
const (
	SourceRegistry = "registry"
	SourceUpstream = "upstream"
	SourceHub      = "hub" // in dossiers.sources: the province hub's integration
)

// Dossiers configures dossier lookups.
type Dossiers struct {
	// Source is registry (default: the embedded registry) or upstream (the
	// province's main one-stop system).
	Source string `yaml:"source"`
	// CodePattern replaces the built-in national dossier code shape when
	// set (dossier.ShapesFor); CodeShapes are accepted besides the built-in
	// ones (a province's or a ministry's own systems). Codes() is the result.
	CodePattern string              `yaml:"code_pattern"`
	CodeShapes  []dossier.CodeShape `yaml:"code_shapes"`
	// RatePerMinute limits lookups per kiosk (default 20, bursts of 5).
	RatePerMinute int `yaml:"rate_per_minute"`
	// PushToken lets the main system push status changes and imports
	// (Authorization: Bearer). Empty: only the administrator can.
	PushToken string `yaml:"push_token"`
	// Upstream is the main system's adapter, for source: upstream
	// (docs/dossier-sources.md). Password and token may be read from files.
	Upstream *upstream.Opts `yaml:"upstream"`
	// Sources, when set, are asked in order (the province's system, a
	// ministry's, the registry), each within its timeout (sources.go).
	Sources []DossierSource `yaml:"sources"`
}

// Field is a field of procedures.
type Field struct {
	Code     string   `yaml:"code"`
	Name     string   `yaml:"name"`
	Start    int      `yaml:"start"`
	Digits   int      `yaml:"digits"`
	DailyCap int      `yaml:"daily_cap"`
	Hours    []string `yaml:"hours"` // "07:30-11:30"
	Days     []string `yaml:"days"`  // mon … sun
	// Identity is off, optional or required; empty: identity.mode.
	Identity string `yaml:"identity"`
	// Lane: a category of applicant (agents, businesses with bulk
	// dossiers) with its own numbering, daily_cap and counters, called
	// only when no citizen waits at a counter that serves it too.
	Lane bool `yaml:"lane"`
}

// Counter is a service counter.
type Counter struct {
	ID       string             `yaml:"id"`
	Name     string             `yaml:"name"`
	Services []string           `yaml:"services"`
	Policy   string             `yaml:"policy"`
	Weights  map[string]float64 `yaml:"weights"`
	Printer  string             `yaml:"printer"` // prints the receipts its clerk makes
	// TabletToken is the secret of the counter's rating tablet (motcua
	// secret); TabletTokenFile a file holding it. Neither: no tablet.
	TabletToken     string `yaml:"tablet_token"`
	TabletTokenFile string `yaml:"tablet_token_file"`

	tabletToken string // from tablet_token or tablet_token_file
}

// TabletCredential is the token of the counter's rating tablet, read from
// tablet_token or tablet_token_file; "" when it has none.
func (ct Counter) TabletCredential() string { return ct.tabletToken }

// Role of a staff account.
const (
	RoleStaff = "staff"
	RoleAdmin = "admin"
)

// Staff is a staff account.
type Staff struct {
	Username     string   `yaml:"username"`
	Name         string   `yaml:"name"`
	PasswordHash string   `yaml:"password_hash"` // bcrypt: motcua hash-password
	Role         string   `yaml:"role"`          // staff (default) or admin
	Counters     []string `yaml:"counters"`      // counters the account may act on; admin: all
}

// Kiosk is a touch kiosk.
type Kiosk struct {
	ID      string `yaml:"id"`
	Name    string `yaml:"name"`
	Printer string `yaml:"printer"` // prints its queue tickets; "" shows them on screen only
	// Confirm asks for a second tap ("Lấy số") after the field; false issues
	// the ticket on the first tap. Default true.
	Confirm *bool `yaml:"confirm"`
	// IdleSeconds is how long a ticket or a page stays on screen before the
	// kiosk returns to its start screen. Default 30.
	IdleSeconds int `yaml:"idle_seconds"`
	// Camera: the kiosk reads the ID card's QR code through its camera
	// (any UVC webcam its browser sees) at the identity step, and the
	// receipt's code on the lookup screen, besides the scanner and the
	// keypad. Default false: a kiosk with a scanner keeps the scanner.
	Camera bool `yaml:"camera"`
	// Token proves the kiosk to the service (Authorization: Bearer, or the
	// cookie of ?pair=); TokenFile is a file holding it. Make one with
	// motcua secret.
	Token     string `yaml:"token"`
	TokenFile string `yaml:"token_file"`

	token string // from token or token_file
}

// Credential is the kiosk's token, read from token or token_file; "" when
// it has none.
func (k Kiosk) Credential() string { return k.token }

// Printer transports.
const (
	TransportFile   = "file"
	TransportSerial = "serial"
	TransportUSB    = "usb"
	TransportTCP    = "tcp"
)

// Voice configures the spoken calls of the lobby screens (docs/voice.md).
type Voice struct {
	// Clips is a folder of the center's own recorded WAV clips, one per word;
	// relative to the data directory. Empty: none.
	Clips string `yaml:"clips"`
	// Espeak is the espeak-ng program: "" finds it in PATH, "off" uses the
	// clips only. Without either, screens use the browser's speech.
	Espeak string `yaml:"espeak"`
	// EspeakVoice: vi (northern, default), vi-vn-x-central, vi-vn-x-south.
	EspeakVoice string `yaml:"espeak_voice"`
}

// Printing holds what applies to every printer.
type Printing struct {
	// TicketTimeout: a queue ticket not printed within this time is given up
	// (the citizen has left the kiosk with the number shown on screen).
	// Default 20s.
	TicketTimeout time.Duration `yaml:"ticket_timeout"`
	// KeepJobData: a printed or failed job keeps its bytes and preview this
	// long, then only its row (printer, kind, ref, state, times) stays.
	// Default 168h (7 days); negative keeps them forever.
	KeepJobData time.Duration `yaml:"keep_job_data"`
	// JobTimeout: any other job (a receipt) not printed within this time
	// fails. Default 30m.
	JobTimeout time.Duration `yaml:"job_timeout"`
}

// Printer is an ESC/POS thermal printer.
type Printer struct {
	Name        string `yaml:"name"`
	Transport   string `yaml:"transport"`    // file, serial, usb or tcp
	Dir         string `yaml:"dir"`          // file: output folder, relative to the data directory
	Path        string `yaml:"path"`         // serial, usb: the device
	Baud        int    `yaml:"baud"`         // serial: 9600 … 115200, as set on the printer (default 9600)
	FlowControl string `yaml:"flow_control"` // serial: none, rtscts, xonxoff or dtrdsr
	Addr        string `yaml:"addr"`         // tcp: host[:9100]
	Width       int    `yaml:"width"`        // paper: 80 (576 dots, default) or 58 (384 dots) mm
	// RasterCodes prints barcodes and QR codes as images, for printers
	// without the GS k / GS ( k commands.
	RasterCodes bool `yaml:"raster_codes"`
	// Status is how its status is used: auto (default: asked, and a printer
	// that never answers is printed on without confirmation), always (a
	// printer that does not answer is offline) or never (a one-way link).
	Status string `yaml:"status"`
	// Model is the printer's profile (devices/profile: tm-t20iii, tm-t88v,
	// xp-80c…; default generic): its width in dots, feed unit, image
	// centring, codes, cut, flow control and status support. width,
	// raster_codes, flow_control and status override it.
	Model string `yaml:"model"`
}

// DefaultKioskIdle is the idle time of a kiosk that sets none.
const DefaultKioskIdle = 30

// Confirms reports whether the kiosk asks for a second tap.
func (k Kiosk) Confirms() bool { return k.Confirm == nil || *k.Confirm }

// Kiosk finds a kiosk by id.
func (c *Config) Kiosk(id string) (Kiosk, bool) {
	for _, k := range c.Kiosks {
		if k.ID == id {
			return k, true
		}
	}
	return Kiosk{}, false
}

// ProceduresPath is the catalogue file, resolved against the config file's
// folder; "" when the config names none.
func (c *Config) ProceduresPath() string { return c.relative(c.Procedures) }

// relative resolves name, a file the config names, against the config
// file's folder.
func (c *Config) relative(name string) string {
	if name == "" || filepath.IsAbs(name) || c.path == "" {
		return name
	}
	return filepath.Join(filepath.Dir(c.path), name)
}

// Screen is a lobby or counter display.
type Screen struct {
	Name string `yaml:"name"`
	// Token, or the file TokenFile holding it, is what the screen must
	// show (?token=); neither: the screen is open to anyone.
	Token     string   `yaml:"token"`
	TokenFile string   `yaml:"token_file"`
	Fields    []string `yaml:"fields"`
	Counters  []string `yaml:"counters"`

	token string // from token or token_file
}

// Credential is the screen's token, read from token or token_file; "" when
// the screen needs none.
func (s Screen) Credential() string { return s.token }

// KioskByToken finds the kiosk whose token is tok. Every kiosk's token is
// compared in constant time; an empty tok matches none.
func (c *Config) KioskByToken(tok string) (Kiosk, bool) {
	found := -1
	for i, k := range c.Kiosks {
		if tokenEqual(k.token, tok) {
			found = i
		}
	}
	if found < 0 {
		return Kiosk{}, false
	}
	return c.Kiosks[found], true
}

// TabletByToken finds the counter whose rating tablet's token is tok, and
// returns the counter's id. Every token is compared in constant time; an
// empty tok matches none.
func (c *Config) TabletByToken(tok string) (counter string, ok bool) {
	for _, ct := range c.Counters {
		if tokenEqual(ct.tabletToken, tok) {
			counter, ok = ct.ID, true
		}
	}
	return counter, ok
}

// tokenEqual compares a configured token with a presented one in time that
// does not depend on where they differ; an unset token matches nothing.
func tokenEqual(configured, presented string) bool {
	return configured != "" && subtle.ConstantTimeCompare([]byte(configured), []byte(presented)) == 1
}

// Error is a configuration error, naming the key and the line; its text
// starts with "config".
type Error = yamlconf.Error

const errPrefix = "config"

// Load reads and checks the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := parse(data, path)
	if err != nil {
		return nil, yamlconf.WithFile(err, path)
	}
	return c, nil
}

// Parse reads and checks a configuration: the first mistake Check finds is
// its error. Files it names (token_file…) are relative to the working
// directory.
func Parse(data []byte) (*Config, error) { return parse(data, "") }

func parse(data []byte, path string) (*Config, error) {
	c := &Config{path: path}
	lines, err := yamlconf.Decode(errPrefix, data, c)
	if err != nil {
		return nil, err
	}
	c.lines = lines
	if errs := c.Check(); len(errs) > 0 {
		return nil, errs[0]
	}
	return c, nil
}

// Location is the center's time zone.
func (c *Config) Location() *time.Location { return c.Center.location }

// Path is the file the configuration was read from.
func (c *Config) Path() string { return c.path }

// BaseURL is the public base URL of the service, for QR codes.
func (c *Config) BaseURL() string {
	if c.Center.PublicBaseURL != "" {
		return c.Center.PublicBaseURL
	}
	if c.TLS.Enabled() {
		return "https://" + c.Listen
	}
	return "http://" + c.Listen
}

// QueueFields converts the fields for the engine.
func (c *Config) QueueFields() []queue.Field {
	out := make([]queue.Field, 0, len(c.Fields))
	for _, f := range c.Fields {
		qf := queue.Field{Code: f.Code, Name: f.Name, Start: f.Start, Digits: f.Digits, DailyCap: f.DailyCap, Lane: f.Lane}
		for _, h := range f.Hours {
			s, _ := parseSpan(h) // checked by Parse
			qf.Hours = append(qf.Hours, s)
		}
		for _, d := range f.Days {
			qf.Days = append(qf.Days, dayNames[strings.ToLower(d)])
		}
		out = append(out, qf)
	}
	return out
}

// QueueCounters converts the counters for the engine.
func (c *Config) QueueCounters() []queue.Counter {
	out := make([]queue.Counter, 0, len(c.Counters))
	for _, ct := range c.Counters {
		out = append(out, queue.Counter{ID: ct.ID, Name: ct.Name, Services: ct.Services,
			Policy: queue.Policy(ct.Policy), Weights: ct.Weights})
	}
	return out
}

// User finds a staff account.
func (c *Config) User(username string) (Staff, bool) {
	for _, s := range c.Staff {
		if s.Username == username {
			return s, true
		}
	}
	return Staff{}, false
}

// Allowed reports whether the account may act on the counter.
func (s Staff) Allowed(counter string) bool {
	return s.Role == RoleAdmin || slices.Contains(s.Counters, counter)
}
