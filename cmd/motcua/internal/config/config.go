package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"motcua/kiosk/dossier/upstream"
	"motcua/queue"
)

// Config is a center's configuration file.
type Config struct {
	Center   Center    `yaml:"center"`
	Listen   string    `yaml:"listen"`   // default 127.0.0.1:8080
	DataDir  string    `yaml:"data_dir"` // default "data", relative to the working directory
	Security Security  `yaml:"security"`
	Fields   []Field   `yaml:"fields"`
	Counters []Counter `yaml:"counters"`
	Staff    []Staff   `yaml:"staff"`
	Kiosks   []Kiosk   `yaml:"kiosks"`
	Screens  []Screen  `yaml:"screens"`
	Printers []Printer `yaml:"printers"`
	Printing Printing  `yaml:"printing"`
	Voice    Voice     `yaml:"voice"`
	Scanners []Scanner `yaml:"scanners"`
	Dossiers Dossiers  `yaml:"dossiers"`
	// Procedures is the catalogue of procedures the kiosk shows (YAML,
	// docs/procedures.md), relative to this file's folder; empty: none.
	Procedures string `yaml:"procedures"`

	path  string
	lines map[string]int
}

// Center describes the center itself.
type Center struct {
	Name          string `yaml:"name"`
	AgencyCode    string `yaml:"agency_code"`
	Address       string `yaml:"address"`
	Timezone      string `yaml:"timezone"`        // default Asia/Ho_Chi_Minh
	PublicBaseURL string `yaml:"public_base_url"` // printed in QR codes; default http://LISTEN

	location *time.Location
}

// Security holds the secrets. Empty secrets are generated once and kept in
// the data directory.
type Security struct {
	SessionSecret string        `yaml:"session_secret"`
	SessionTTL    time.Duration `yaml:"session_ttl"` // default 12h
	// ReceiptSecret signs the lookup QR code of receipts. Empty: made once
	// and kept in the data directory (receipt.key).
	ReceiptSecret string `yaml:"receipt_secret"`
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
	Suffix string `yaml:"suffix"` // auto (default), cr, lf, crlf
}

// Dossier sources.
const (
	SourceRegistry = "registry"
	SourceUpstream = "upstream"
)

// Dossiers configures dossier lookups.
type Dossiers struct {
	// Source is registry (default: the embedded registry) or upstream (the
	// province's main one-stop system).
	Source string `yaml:"source"`
	// CodePattern is the regular expression of a bare dossier code.
	CodePattern string `yaml:"code_pattern"`
	// RatePerMinute limits lookups per kiosk (default 20, bursts of 5).
	RatePerMinute int `yaml:"rate_per_minute"`
	// PushToken lets the main system push status changes and imports
	// (Authorization: Bearer). Empty: only the administrator can.
	PushToken string `yaml:"push_token"`
	// Upstream is the main system's adapter, for source: upstream
	// (docs/dossier-sources.md). Password and token may be read from files.
	Upstream *upstream.Opts `yaml:"upstream"`
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
}

// Counter is a service counter.
type Counter struct {
	ID       string             `yaml:"id"`
	Name     string             `yaml:"name"`
	Services []string           `yaml:"services"`
	Policy   string             `yaml:"policy"`
	Weights  map[string]float64 `yaml:"weights"`
	Printer  string             `yaml:"printer"` // prints the receipts its clerk makes
}

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
}

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
	FlowControl string `yaml:"flow_control"` // serial: none or rtscts
	Addr        string `yaml:"addr"`         // tcp: host[:9100]
	Width       int    `yaml:"width"`        // paper: 80 (576 dots, default) or 58 (384 dots) mm
	// RasterCodes prints barcodes and QR codes as images, for printers
	// without the GS k / GS ( k commands.
	RasterCodes bool `yaml:"raster_codes"`
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
func (c *Config) ProceduresPath() string {
	if c.Procedures == "" || filepath.IsAbs(c.Procedures) || c.path == "" {
		return c.Procedures
	}
	return filepath.Join(filepath.Dir(c.path), c.Procedures)
}

// Screen is a lobby or counter display.
type Screen struct {
	Name     string   `yaml:"name"`
	Token    string   `yaml:"token"`
	Fields   []string `yaml:"fields"`
	Counters []string `yaml:"counters"`
}

// Error is a configuration error, naming the key and the line.
type Error struct {
	File string
	Key  string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Load reads and checks the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			ce.File = path
		}
		return nil, err
	}
	c.path = path
	return c, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Parse reads and checks a configuration.
func Parse(data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(err)
	}
	c := &Config{lines: map[string]int{}}
	index(&root, "", c.lines)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(err)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return c, nil
}

// yamlError turns the parser's first complaint into an Error with its line.
func yamlError(err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Line: line, Msg: m[2]}
	}
	return &Error{Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// index records the line of every key path: "fields[1].code".
func index(n *yaml.Node, path string, lines map[string]int) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			index(c, path, lines)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if path != "" {
				k = path + "." + k
			}
			lines[k] = n.Content[i].Line
			index(n.Content[i+1], k, lines)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			k := fmt.Sprintf("%s[%d]", path, i)
			lines[k] = c.Line
			index(c, k, lines)
		}
	}
}

// fail builds an Error for key, with the line of the key or of its nearest
// parent present in the file.
func (c *Config) fail(key, format string, args ...any) error {
	line := 0
	for k := key; k != ""; {
		if l, ok := c.lines[k]; ok {
			line = l
			break
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return &Error{Key: key, Line: line, Msg: fmt.Sprintf(format, args...)}
}

var (
	codePattern = regexp.MustCompile(`^[A-Z]{1,3}$`)
	idPattern   = regexp.MustCompile(`^[0-9A-Za-z_-]{1,32}$`)
	hoursRe     = regexp.MustCompile(`^(\d{2}):(\d{2})-(\d{2}):(\d{2})$`)
	dayNames    = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
		"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
)

func (c *Config) check() error {
	if strings.TrimSpace(c.Center.Name) == "" {
		return c.fail("center.name", "the center needs a name (it is printed on every ticket)")
	}
	if c.Center.Timezone == "" {
		c.Center.Timezone = "Asia/Ho_Chi_Minh"
	}
	loc, err := time.LoadLocation(c.Center.Timezone)
	if err != nil {
		if c.Center.Timezone != "Asia/Ho_Chi_Minh" {
			return c.fail("center.timezone", "unknown time zone %q", c.Center.Timezone)
		}
		loc = time.FixedZone("ICT", 7*3600) // no tzdata on the machine; Vietnam has no DST
	}
	c.Center.location = loc
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.Center.PublicBaseURL != "" {
		u, err := url.Parse(c.Center.PublicBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c.fail("center.public_base_url", "must be an http(s) URL such as https://motcua.example.gov.vn")
		}
		c.Center.PublicBaseURL = strings.TrimRight(c.Center.PublicBaseURL, "/")
	}
	if c.Security.SessionTTL == 0 {
		c.Security.SessionTTL = 12 * time.Hour
	}
	if len(c.Fields) == 0 {
		return c.fail("fields", "at least one field is needed")
	}
	fields := map[string]bool{}
	for i, f := range c.Fields {
		key := fmt.Sprintf("fields[%d]", i)
		if !codePattern.MatchString(f.Code) {
			return c.fail(key+".code", "%q: a code is 1 to 3 capital letters (A, B, HT)", f.Code)
		}
		if fields[f.Code] {
			return c.fail(key+".code", "field %s is listed twice", f.Code)
		}
		fields[f.Code] = true
		if strings.TrimSpace(f.Name) == "" {
			return c.fail(key+".name", "field %s needs a name", f.Code)
		}
		if f.Start < 0 || f.DailyCap < 0 || f.Digits < 0 || f.Digits > 6 {
			return c.fail(key, "start, daily_cap and digits cannot be negative (digits at most 6)")
		}
		for j, h := range f.Hours {
			if _, err := parseSpan(h); err != nil {
				return c.fail(fmt.Sprintf("%s.hours[%d]", key, j), "%v", err)
			}
		}
		for j, d := range f.Days {
			if _, ok := dayNames[strings.ToLower(d)]; !ok {
				return c.fail(fmt.Sprintf("%s.days[%d]", key, j), "%q: use mon, tue, wed, thu, fri, sat, sun", d)
			}
		}
	}
	if len(c.Counters) == 0 {
		return c.fail("counters", "at least one counter is needed")
	}
	counters := map[string]bool{}
	served := map[string]bool{}
	for i, ct := range c.Counters {
		key := fmt.Sprintf("counters[%d]", i)
		if !idPattern.MatchString(ct.ID) {
			return c.fail(key+".id", "%q: an id is letters, digits, - or _", ct.ID)
		}
		if counters[ct.ID] {
			return c.fail(key+".id", "counter %s is listed twice", ct.ID)
		}
		counters[ct.ID] = true
		if len(ct.Services) == 0 {
			return c.fail(key+".services", "counter %s serves no field", ct.ID)
		}
		for j, s := range ct.Services {
			if !fields[s] {
				return c.fail(fmt.Sprintf("%s.services[%d]", key, j), "unknown field %q", s)
			}
			served[s] = true
		}
		switch queue.Policy(ct.Policy) {
		case "", queue.PolicyOrder, queue.PolicyLongestWait:
		default:
			return c.fail(key+".policy", "%q: use order or longest_wait", ct.Policy)
		}
		for s, w := range ct.Weights {
			if !slices.Contains(ct.Services, s) {
				return c.fail(key+".weights."+s, "counter %s does not serve field %s", ct.ID, s)
			}
			if w <= 0 {
				return c.fail(key+".weights."+s, "a weight must be above 0")
			}
		}
	}
	for _, f := range c.Fields {
		if !served[f.Code] {
			return c.fail("fields", "no counter serves field %s: its tickets would never be called", f.Code)
		}
	}
	users := map[string]bool{}
	for i, s := range c.Staff {
		key := fmt.Sprintf("staff[%d]", i)
		if !idPattern.MatchString(s.Username) {
			return c.fail(key+".username", "%q: a username is letters, digits, - or _", s.Username)
		}
		if users[s.Username] {
			return c.fail(key+".username", "%s is listed twice", s.Username)
		}
		users[s.Username] = true
		if !strings.HasPrefix(s.PasswordHash, "$2") {
			return c.fail(key+".password_hash", "a bcrypt hash is needed: run motcua hash-password")
		}
		if s.Role == "" {
			c.Staff[i].Role = RoleStaff
		} else if s.Role != RoleStaff && s.Role != RoleAdmin {
			return c.fail(key+".role", "%q: use staff or admin", s.Role)
		}
		for j, ct := range s.Counters {
			if !counters[ct] {
				return c.fail(fmt.Sprintf("%s.counters[%d]", key, j), "unknown counter %q", ct)
			}
		}
	}
	kiosks := map[string]bool{}
	for i, k := range c.Kiosks {
		key := fmt.Sprintf("kiosks[%d]", i)
		if !idPattern.MatchString(k.ID) || kiosks[k.ID] {
			return c.fail(key+".id", "%q: a kiosk needs a unique id of letters, digits, - or _", k.ID)
		}
		kiosks[k.ID] = true
		if k.IdleSeconds == 0 {
			c.Kiosks[i].IdleSeconds = DefaultKioskIdle
		} else if k.IdleSeconds < 5 || k.IdleSeconds > 600 {
			return c.fail(key+".idle_seconds", "%d: give 5 to 600 seconds (a citizen needs time to read the number)", k.IdleSeconds)
		}
	}
	if c.Procedures != "" && strings.TrimSpace(c.Procedures) != c.Procedures {
		return c.fail("procedures", "%q: remove the spaces around the file name", c.Procedures)
	}
	screens := map[string]bool{}
	for i, s := range c.Screens {
		key := fmt.Sprintf("screens[%d]", i)
		if !idPattern.MatchString(s.Name) || screens[s.Name] {
			return c.fail(key+".name", "%q: a screen needs a unique name of letters, digits, - or _", s.Name)
		}
		screens[s.Name] = true
		for j, f := range s.Fields {
			if !fields[f] {
				return c.fail(fmt.Sprintf("%s.fields[%d]", key, j), "unknown field %q", f)
			}
		}
		for j, ct := range s.Counters {
			if !counters[ct] {
				return c.fail(fmt.Sprintf("%s.counters[%d]", key, j), "unknown counter %q", ct)
			}
		}
	}
	return c.checkDevices(kiosks)
}

var (
	hexID    = regexp.MustCompile(`^[0-9a-fA-F]{4}$`)
	suffixes = []string{"", "auto", "cr", "lf", "crlf"}
)

func (c *Config) checkDevices(kiosks map[string]bool) error {
	switch pr := &c.Printing; {
	case pr.TicketTimeout < 0 || pr.JobTimeout < 0:
		return c.fail("printing", "timeouts cannot be negative")
	default:
		if pr.TicketTimeout == 0 {
			pr.TicketTimeout = 20 * time.Second
		}
		if pr.JobTimeout == 0 {
			pr.JobTimeout = 30 * time.Minute
		}
	}
	printers := map[string]bool{}
	for i, p := range c.Printers {
		key := fmt.Sprintf("printers[%d]", i)
		if !idPattern.MatchString(p.Name) || printers[p.Name] {
			return c.fail(key+".name", "%q: a printer needs a unique name of letters, digits, - or _", p.Name)
		}
		printers[p.Name] = true
		switch p.Transport {
		case TransportFile:
			if p.Dir == "" {
				c.Printers[i].Dir = "prints"
			}
		case TransportSerial, TransportUSB:
			if p.Path == "" {
				return c.fail(key+".path", "a %s printer needs its device path (see motcua devices)", p.Transport)
			}
		case TransportTCP:
			if p.Addr == "" {
				return c.fail(key+".addr", "a network printer needs its address, e.g. 192.168.1.50:9100")
			}
		default:
			return c.fail(key+".transport", "%q: use file, serial, usb or tcp", p.Transport)
		}
		switch p.Width {
		case 0:
			c.Printers[i].Width = 80
		case 58, 80:
		default:
			return c.fail(key+".width", "%d: paper is 58 or 80 (mm)", p.Width)
		}
		switch p.FlowControl {
		case "", "none", "rtscts":
		default:
			return c.fail(key+".flow_control", "%q: use none or rtscts", p.FlowControl)
		}
		if p.Baud < 0 {
			return c.fail(key+".baud", "a speed cannot be negative")
		}
	}
	for i, k := range c.Kiosks {
		if k.Printer != "" && !printers[k.Printer] {
			return c.fail(fmt.Sprintf("kiosks[%d].printer", i), "unknown printer %q", k.Printer)
		}
	}
	for i, ct := range c.Counters {
		if ct.Printer != "" && !printers[ct.Printer] {
			return c.fail(fmt.Sprintf("counters[%d].printer", i), "unknown printer %q", ct.Printer)
		}
	}
	names := map[string]bool{}
	for i, sc := range c.Scanners {
		key := fmt.Sprintf("scanners[%d]", i)
		if !idPattern.MatchString(sc.Name) || names[sc.Name] {
			return c.fail(key+".name", "%q: a scanner needs a unique name of letters, digits, - or _", sc.Name)
		}
		names[sc.Name] = true
		if !kiosks[sc.Kiosk] {
			return c.fail(key+".kiosk", "unknown kiosk %q: a scanner sends its codes to one kiosk of kiosks", sc.Kiosk)
		}
		switch {
		case sc.Path == "" && sc.VID == "" && sc.PID == "":
			return c.fail(key, "give the device path, or its USB vid and pid (see motcua devices)")
		case sc.Path != "" && (sc.VID != "" || sc.PID != ""):
			return c.fail(key, "give either path or vid/pid, not both")
		case sc.Path == "" && (!hexID.MatchString(sc.VID) || !hexID.MatchString(sc.PID)):
			return c.fail(key+".vid", "vid and pid are 4 hex digits each, as motcua devices lists them")
		}
		if !slices.Contains(suffixes, strings.ToLower(sc.Suffix)) {
			return c.fail(key+".suffix", "%q: use auto, cr, lf or crlf", sc.Suffix)
		}
		if sc.Baud < 0 {
			return c.fail(key+".baud", "a speed cannot be negative")
		}
	}
	d := &c.Dossiers
	switch d.Source {
	case "":
		d.Source = SourceRegistry
	case SourceRegistry:
	case SourceUpstream:
		if d.Upstream == nil || d.Upstream.Request.URL == "" {
			return c.fail("dossiers.upstream.request.url", "source upstream needs the main system's URL")
		}
	default:
		return c.fail("dossiers.source", "%q: use registry or upstream", d.Source)
	}
	if u := d.Upstream; u != nil {
		for _, f := range []struct {
			key, name string
			dst       *string
		}{
			{"password_file", u.Auth.PasswordFile, &u.Auth.Password},
			{"token_file", u.Auth.TokenFile, &u.Auth.Token},
		} {
			if f.name == "" {
				continue
			}
			b, err := os.ReadFile(f.name)
			if err != nil {
				return c.fail("dossiers.upstream.auth."+f.key, "%v", err)
			}
			*f.dst = strings.TrimSpace(string(b))
		}
	}
	if d.CodePattern != "" {
		if _, err := regexp.Compile(d.CodePattern); err != nil {
			return c.fail("dossiers.code_pattern", "not a regular expression: %v", err)
		}
	}
	if d.RatePerMinute < 0 {
		return c.fail("dossiers.rate_per_minute", "cannot be negative")
	}
	return nil
}

// parseSpan reads "07:30-11:30"; "00:00-24:00" is the whole day.
func parseSpan(s string) (queue.Span, error) {
	m := hoursRe.FindStringSubmatch(strings.ReplaceAll(s, " ", ""))
	if m == nil {
		return queue.Span{}, fmt.Errorf("%q: write hours as HH:MM-HH:MM, e.g. 07:30-11:30", s)
	}
	n := make([]int, 4)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	from, to := n[0]*60+n[1], n[2]*60+n[3]
	if n[0] > 23 || n[1] > 59 || n[2] > 24 || n[3] > 59 || to > 24*60 || from >= to {
		return queue.Span{}, fmt.Errorf("%q: not a period within one day", s)
	}
	return queue.Span{From: from, To: to}, nil
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
	return "http://" + c.Listen
}

// QueueFields converts the fields for the engine.
func (c *Config) QueueFields() []queue.Field {
	out := make([]queue.Field, 0, len(c.Fields))
	for _, f := range c.Fields {
		qf := queue.Field{Code: f.Code, Name: f.Name, Start: f.Start, Digits: f.Digits, DailyCap: f.DailyCap}
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
