package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"motcua/devices/profile"
	"motcua/queue"
)

// Sections are the parts of a configuration that Check knows, in the order
// Parse checks them. center covers the top-level listen and data_dir too.
func Sections() []string {
	return []string{"center", "security", "fields", "counters", "staff", "kiosks", "procedures",
		"screens", "printing", "printers", "scanners", "boards", "buttons", "dossiers", "forms", "ratings", "hub", "identity", "priority", "notify", "online"}
}

// Check validates the named sections of c (all of Sections when none is
// named), in the order given, fills in their defaults, and returns every
// mistake found, each naming its key and line. A section's references to
// another (a counter's fields, a kiosk's printer) are checked against what
// that other section holds now, checked or not; so a section can be checked
// alone, as when one part of a center's configuration is replaced.
func (c *Config) Check(sections ...string) []*Error {
	if len(sections) == 0 {
		sections = Sections()
	}
	var errs []*Error
	for _, s := range sections {
		errs = append(errs, c.checkSection(s)...)
	}
	return errs
}

func (c *Config) checkSection(name string) []*Error {
	switch name {
	case "center":
		return c.checkCenter()
	case "security":
		return c.checkSecurity()
	case "fields":
		return c.checkFields()
	case "counters":
		return c.checkCounters()
	case "staff":
		return c.checkStaff()
	case "kiosks":
		return c.checkKiosks()
	case "procedures":
		return c.checkProcedures()
	case "screens":
		return c.checkScreens()
	case "printing":
		return c.checkPrinting()
	case "printers":
		return c.checkPrinters()
	case "scanners":
		return c.checkScanners()
	case "boards":
		return c.checkBoards()
	case "buttons":
		return c.checkButtons()
	case "dossiers":
		return c.checkDossiers()
	case "forms":
		return c.checkForms()
	case "ratings":
		return c.checkRatings()
	case "hub":
		return c.checkHub()
	case "identity":
		return c.checkIdentity()
	case "priority":
		return c.checkPriority()
	case "notify":
		return c.checkNotify()
	case "online":
		return c.checkOnline()
	}
	return []*Error{{Prefix: errPrefix, Key: name, Msg: "no such section: use " + strings.Join(Sections(), ", ")}}
}

// fail builds an Error for key, with the line of the key or of its nearest
// parent present in the file.
func (c *Config) fail(key, format string, args ...any) *Error {
	return &Error{Prefix: errPrefix, File: c.path, Key: key, Line: c.lines.Line(key), Msg: fmt.Sprintf(format, args...)}
}

// deviceToken reads a device's token from the value of key (token) or the
// file named by fileKey (trimmed; relative to the config file's folder), and
// refuses one that another device already holds.
func (c *Config) deviceToken(key, value, fileKey, file string) (string, []*Error) {
	tok := value
	switch {
	case value != "" && file != "":
		return "", []*Error{c.fail(fileKey, "give %s or %s, not both", lastKey(key), lastKey(fileKey))}
	case file != "" && c.atHub:
		return "", nil // read by the center, where the file is
	case file != "":
		b, err := os.ReadFile(c.relative(file))
		if err != nil {
			return "", []*Error{c.fail(fileKey, "cannot read the token: %v", err)}
		}
		if tok = strings.TrimSpace(string(b)); tok == "" {
			return "", []*Error{c.fail(fileKey, "%s is empty: write a token made by motcua secret in it", c.relative(file))}
		}
	case strings.TrimSpace(value) != value:
		return "", []*Error{c.fail(key, "remove the spaces around the token")}
	}
	if tok == "" {
		return "", nil
	}
	for _, d := range c.devices() {
		if d.key != key && d.token == tok {
			return "", []*Error{c.fail(key, "the same token is given to %s: each device needs its own (motcua secret)", d.key)}
		}
	}
	return tok, nil
}

// device is a device's token as read so far, with its key.
type device struct{ key, token string }

// devices are the tokens of kiosks, rating tablets and screens read so far.
func (c *Config) devices() []device {
	var out []device
	for i, k := range c.Kiosks {
		out = append(out, device{fmt.Sprintf("kiosks[%d].token", i), k.token})
	}
	for i, ct := range c.Counters {
		out = append(out, device{fmt.Sprintf("counters[%d].tablet_token", i), ct.tabletToken})
	}
	for i, s := range c.Screens {
		out = append(out, device{fmt.Sprintf("screens[%d].token", i), s.token})
	}
	return out
}

func lastKey(key string) string { return key[strings.LastIndex(key, ".")+1:] }

var (
	codePattern = regexp.MustCompile(`^[A-Z]{1,3}$`)
	idPattern   = regexp.MustCompile(`^[0-9A-Za-z_-]{1,32}$`)
	hoursRe     = regexp.MustCompile(`^(\d{2}):(\d{2})-(\d{2}):(\d{2})$`)
	dayNames    = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
		"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
	hexID    = regexp.MustCompile(`^[0-9a-fA-F]{4}$`)
	suffixes = []string{"", "auto", "cr", "lf", "crlf", "tab", "none", "stx-etx"}
)

// The names other sections refer to, as c holds them now.
func (c *Config) fieldCodes() map[string]bool {
	return keySet(c.Fields, func(f Field) string { return f.Code })
}
func (c *Config) counterIDs() map[string]bool {
	return keySet(c.Counters, func(ct Counter) string { return ct.ID })
}
func (c *Config) kioskIDs() map[string]bool {
	return keySet(c.Kiosks, func(k Kiosk) string { return k.ID })
}
func (c *Config) printerNames() map[string]bool {
	return keySet(c.Printers, func(p Printer) string { return p.Name })
}

// keySet is the set of the keys of list.
func keySet[T any](list []T, key func(T) string) map[string]bool {
	out := make(map[string]bool, len(list))
	for _, x := range list {
		out[key(x)] = true
	}
	return out
}

// checkCenter checks center and defaults the time zone, listen and data_dir.
func (c *Config) checkCenter() []*Error {
	var errs []*Error
	if strings.TrimSpace(c.Center.Name) == "" {
		errs = append(errs, c.fail("center.name", "the center needs a name (it is printed on every ticket)"))
	}
	if c.Center.ClockSettle < 0 {
		errs = append(errs, c.fail("center.clock_settle", "must not be negative (how long a clock that jumped must stay before it is believed, e.g. 15m)"))
	}
	if c.Center.Timezone == "" {
		c.Center.Timezone = "Asia/Ho_Chi_Minh"
	}
	loc, err := time.LoadLocation(c.Center.Timezone)
	switch {
	case err == nil:
		c.Center.location = loc
	case c.Center.Timezone != "Asia/Ho_Chi_Minh":
		errs = append(errs, c.fail("center.timezone", "unknown time zone %q", c.Center.Timezone))
	default:
		c.Center.location = time.FixedZone("ICT", 7*3600) // no tzdata on the machine; Vietnam has no DST
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.Center.PublicBaseURL != "" {
		u, err := url.Parse(c.Center.PublicBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, c.fail("center.public_base_url", "must be an http(s) URL such as https://motcua.example.gov.vn"))
		} else {
			c.Center.PublicBaseURL = strings.TrimRight(c.Center.PublicBaseURL, "/")
		}
	}
	return append(errs, c.checkNet()...) // tls and limits
}

// checkSecurity defaults the session lifetime and checks the receipt key
// ring; the secrets are free text (empty ones are made at the first start,
// Unsafe refuses weak ones).
func (c *Config) checkSecurity() []*Error {
	var errs []*Error
	if c.Security.SessionTTL == 0 {
		c.Security.SessionTTL = 12 * time.Hour
	}
	if c.Security.ReceiptSecret != "" && len(c.Security.ReceiptSecrets) > 0 {
		errs = append(errs, c.fail("security.receipt_secrets", "give receipt_secret or receipt_secrets, not both: put the receipt_secret last in receipt_secrets"))
	}
	for i, k := range c.Security.ReceiptSecrets {
		if k == "" {
			errs = append(errs, c.fail(fmt.Sprintf("security.receipt_secrets[%d]", i), "a key cannot be empty"))
		}
	}
	for i, p := range c.Security.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			errs = append(errs, c.fail(fmt.Sprintf("security.trusted_proxies[%d]", i), "%q: an address (10.0.0.2) or a CIDR (10.0.0.0/24) of a reverse proxy", p))
		}
	}
	limits := []struct {
		key string
		rl  *RateLimit
	}{{"security.kiosk_tickets", &c.Security.KioskTickets}, {"security.address_tickets", &c.Security.AddressTickets}}
	for _, l := range limits {
		key, rl := l.key, l.rl
		if rl.Burst < 0 || rl.Every < 0 {
			errs = append(errs, c.fail(key, "burst and every must not be negative"))
		}
		if rl.Burst == 0 {
			rl.Burst = DefaultTicketBurst
		}
		if rl.Every == 0 {
			rl.Every = DefaultTicketEvery
		}
	}
	return errs
}

func (c *Config) checkFields() []*Error {
	if len(c.Fields) == 0 {
		return []*Error{c.fail("fields", "at least one field is needed")}
	}
	var errs []*Error
	seen := map[string]bool{}
	for i, f := range c.Fields {
		key := fmt.Sprintf("fields[%d]", i)
		switch {
		case !codePattern.MatchString(f.Code):
			errs = append(errs, c.fail(key+".code", "%q: a code is 1 to 3 capital letters (A, B, HT)", f.Code))
		case seen[f.Code]:
			errs = append(errs, c.fail(key+".code", "field %s is listed twice", f.Code))
		}
		seen[f.Code] = true
		if strings.TrimSpace(f.Name) == "" {
			errs = append(errs, c.fail(key+".name", "field %s needs a name", f.Code))
		}
		if f.Start < 0 || f.DailyCap < 0 || f.Digits < 0 || f.Digits > 6 {
			errs = append(errs, c.fail(key, "start, daily_cap and digits cannot be negative (digits at most 6)"))
		}
		for j, h := range f.Hours {
			if _, err := parseSpan(h); err != nil {
				errs = append(errs, c.fail(fmt.Sprintf("%s.hours[%d]", key, j), "%v", err))
			}
		}
		for j, d := range f.Days {
			if _, ok := dayNames[strings.ToLower(d)]; !ok {
				errs = append(errs, c.fail(fmt.Sprintf("%s.days[%d]", key, j), "%q: use mon, tue, wed, thu, fri, sat, sun", d))
			}
		}
	}
	return errs
}

// checkCounters checks the counters, that every field has one, and the
// printers they name.
func (c *Config) checkCounters() []*Error {
	if len(c.Counters) == 0 {
		return []*Error{c.fail("counters", "at least one counter is needed")}
	}
	var errs []*Error
	fields := c.fieldCodes()
	seen := map[string]bool{}
	served := map[string]bool{}
	for i, ct := range c.Counters {
		key := fmt.Sprintf("counters[%d]", i)
		switch {
		case !idPattern.MatchString(ct.ID):
			errs = append(errs, c.fail(key+".id", "%q: an id is letters, digits, - or _", ct.ID))
		case seen[ct.ID]:
			errs = append(errs, c.fail(key+".id", "counter %s is listed twice", ct.ID))
		}
		seen[ct.ID] = true
		c.Counters[i].tabletToken = ""
		tok, terrs := c.deviceToken(key+".tablet_token", ct.TabletToken, key+".tablet_token_file", ct.TabletTokenFile)
		c.Counters[i].tabletToken, errs = tok, append(errs, terrs...)
		if len(ct.Services) == 0 {
			errs = append(errs, c.fail(key+".services", "counter %s serves no field", ct.ID))
		}
		for j, s := range ct.Services {
			if !fields[s] {
				errs = append(errs, c.fail(fmt.Sprintf("%s.services[%d]", key, j), "unknown field %q", s))
			}
			served[s] = true
		}
		switch queue.Policy(ct.Policy) {
		case "", queue.PolicyOrder, queue.PolicyLongestWait:
		default:
			errs = append(errs, c.fail(key+".policy", "%q: use order or longest_wait", ct.Policy))
		}
		weighted := make([]string, 0, len(ct.Weights))
		for s := range ct.Weights {
			weighted = append(weighted, s)
		}
		slices.Sort(weighted) // a map's order would change which mistake comes first
		for _, s := range weighted {
			if !slices.Contains(ct.Services, s) {
				errs = append(errs, c.fail(key+".weights."+s, "counter %s does not serve field %s", ct.ID, s))
			} else if ct.Weights[s] <= 0 {
				errs = append(errs, c.fail(key+".weights."+s, "a weight must be above 0"))
			}
		}
	}
	for _, f := range c.Fields {
		if !served[f.Code] {
			errs = append(errs, c.fail("fields", "no counter serves field %s: its tickets would never be called", f.Code))
		}
	}
	printers := c.printerNames()
	for i, ct := range c.Counters {
		if ct.Printer != "" && !printers[ct.Printer] {
			errs = append(errs, c.fail(fmt.Sprintf("counters[%d].printer", i), "unknown printer %q", ct.Printer))
		}
	}
	return errs
}

// checkStaff checks the accounts and defaults their role to staff.
func (c *Config) checkStaff() []*Error {
	var errs []*Error
	counters := c.counterIDs()
	seen := map[string]bool{}
	for i, s := range c.Staff {
		key := fmt.Sprintf("staff[%d]", i)
		switch {
		case !idPattern.MatchString(s.Username):
			errs = append(errs, c.fail(key+".username", "%q: a username is letters, digits, - or _", s.Username))
		case seen[s.Username]:
			errs = append(errs, c.fail(key+".username", "%s is listed twice", s.Username))
		}
		seen[s.Username] = true
		if !strings.HasPrefix(s.PasswordHash, "$2") {
			errs = append(errs, c.fail(key+".password_hash", "a bcrypt hash is needed: run motcua hash-password"))
		}
		if s.Role == "" {
			c.Staff[i].Role = RoleStaff
		} else if s.Role != RoleStaff && s.Role != RoleAdmin {
			errs = append(errs, c.fail(key+".role", "%q: use staff or admin", s.Role))
		}
		for j, ct := range s.Counters {
			if !counters[ct] {
				errs = append(errs, c.fail(fmt.Sprintf("%s.counters[%d]", key, j), "unknown counter %q", ct))
			}
		}
	}
	return errs
}

// checkKiosks checks the kiosks and the printers they name, and defaults
// their idle time.
func (c *Config) checkKiosks() []*Error {
	var errs []*Error
	seen := map[string]bool{}
	for i, k := range c.Kiosks {
		key := fmt.Sprintf("kiosks[%d]", i)
		if !idPattern.MatchString(k.ID) || seen[k.ID] {
			errs = append(errs, c.fail(key+".id", "%q: a kiosk needs a unique id of letters, digits, - or _", k.ID))
		}
		seen[k.ID] = true
		c.Kiosks[i].token = ""
		tok, terrs := c.deviceToken(key+".token", k.Token, key+".token_file", k.TokenFile)
		c.Kiosks[i].token, errs = tok, append(errs, terrs...)
		if k.IdleSeconds == 0 {
			c.Kiosks[i].IdleSeconds = DefaultKioskIdle
		} else if k.IdleSeconds < 5 || k.IdleSeconds > 600 {
			errs = append(errs, c.fail(key+".idle_seconds", "%d: give 5 to 600 seconds (a citizen needs time to read the number)", k.IdleSeconds))
		}
	}
	printers := c.printerNames()
	for i, k := range c.Kiosks {
		if k.Printer != "" && !printers[k.Printer] {
			errs = append(errs, c.fail(fmt.Sprintf("kiosks[%d].printer", i), "unknown printer %q", k.Printer))
		}
	}
	return errs
}

// checkProcedures checks the name of the catalogue file; the catalogue
// itself is read and checked by kiosk/procedures.
func (c *Config) checkProcedures() []*Error {
	if c.Procedures != "" && strings.TrimSpace(c.Procedures) != c.Procedures {
		return []*Error{c.fail("procedures", "%q: remove the spaces around the file name", c.Procedures)}
	}
	return nil
}

func (c *Config) checkScreens() []*Error {
	var errs []*Error
	fields, counters := c.fieldCodes(), c.counterIDs()
	seen := map[string]bool{}
	for i, s := range c.Screens {
		key := fmt.Sprintf("screens[%d]", i)
		if !idPattern.MatchString(s.Name) || seen[s.Name] {
			errs = append(errs, c.fail(key+".name", "%q: a screen needs a unique name of letters, digits, - or _", s.Name))
		}
		seen[s.Name] = true
		c.Screens[i].token = ""
		tok, terrs := c.deviceToken(key+".token", s.Token, key+".token_file", s.TokenFile)
		c.Screens[i].token, errs = tok, append(errs, terrs...)
		for j, f := range s.Fields {
			if !fields[f] {
				errs = append(errs, c.fail(fmt.Sprintf("%s.fields[%d]", key, j), "unknown field %q", f))
			}
		}
		for j, ct := range s.Counters {
			if !counters[ct] {
				errs = append(errs, c.fail(fmt.Sprintf("%s.counters[%d]", key, j), "unknown counter %q", ct))
			}
		}
	}
	return errs
}

// checkPrinting checks and defaults the print timeouts.
func (c *Config) checkPrinting() []*Error {
	pr := &c.Printing
	if pr.TicketTimeout < 0 || pr.JobTimeout < 0 {
		return []*Error{c.fail("printing", "timeouts cannot be negative")}
	}
	if pr.TicketTimeout == 0 {
		pr.TicketTimeout = 20 * time.Second
	}
	if pr.JobTimeout == 0 {
		pr.JobTimeout = 30 * time.Minute
	}
	if pr.KeepJobData == 0 {
		pr.KeepJobData = 7 * 24 * time.Hour
	}
	return nil
}

// checkPrinters checks each printer's transport and paper, and defaults the
// folder of a file printer and the paper width.
func (c *Config) checkPrinters() []*Error {
	var errs []*Error
	seen := map[string]bool{}
	for i, p := range c.Printers {
		key := fmt.Sprintf("printers[%d]", i)
		if !idPattern.MatchString(p.Name) || seen[p.Name] {
			errs = append(errs, c.fail(key+".name", "%q: a printer needs a unique name of letters, digits, - or _", p.Name))
		}
		seen[p.Name] = true
		switch p.Transport {
		case TransportFile:
			if p.Dir == "" {
				c.Printers[i].Dir = "prints"
			}
		case TransportSerial, TransportUSB:
			if p.Path == "" {
				errs = append(errs, c.fail(key+".path", "a %s printer needs its device path (see motcua devices)", p.Transport))
			}
		case TransportTCP:
			if p.Addr == "" {
				errs = append(errs, c.fail(key+".addr", "a network printer needs its address, e.g. 192.168.1.50:9100"))
			}
		default:
			errs = append(errs, c.fail(key+".transport", "%q: use file, serial, usb or tcp", p.Transport))
		}
		prof, ok := profile.Lookup(p.Model)
		if !ok {
			errs = append(errs, c.fail(key+".model", "%q: not a known printer model; use one of %s (generic if yours is not listed)",
				p.Model, strings.Join(profile.Names(), ", ")))
			prof = profile.Default()
		} else if p.Model != "" {
			c.Printers[i].Model = prof.Name
		}
		switch p.Width {
		case 0:
			c.Printers[i].Width = 80
			if !prof.Paper(80) {
				c.Printers[i].Width = 58
			}
		case 58, 80:
			if !prof.Paper(p.Width) {
				errs = append(errs, c.fail(key+".width", "%d: the %s does not take %d mm paper", p.Width, p.Model, p.Width))
			}
		default:
			errs = append(errs, c.fail(key+".width", "%d: paper is 58 or 80 (mm)", p.Width))
		}
		switch p.FlowControl {
		case "", "none", "rtscts", "xonxoff", "dtrdsr":
		default:
			errs = append(errs, c.fail(key+".flow_control", "%q: use none, rtscts, xonxoff or dtrdsr", p.FlowControl))
		}
		if p.Baud < 0 {
			errs = append(errs, c.fail(key+".baud", "a speed cannot be negative"))
		}
		switch p.Status {
		case "", "auto", "always", "never":
		default:
			errs = append(errs, c.fail(key+".status", "%q: use auto, always or never", p.Status))
		}
	}
	return errs
}

// checkScanners checks each scanner's device and the kiosk it sends to.
func (c *Config) checkScanners() []*Error {
	var errs []*Error
	kiosks := c.kioskIDs()
	seen := map[string]bool{}
	for i, sc := range c.Scanners {
		key := fmt.Sprintf("scanners[%d]", i)
		if !idPattern.MatchString(sc.Name) || seen[sc.Name] {
			errs = append(errs, c.fail(key+".name", "%q: a scanner needs a unique name of letters, digits, - or _", sc.Name))
		}
		seen[sc.Name] = true
		if !kiosks[sc.Kiosk] {
			errs = append(errs, c.fail(key+".kiosk", "unknown kiosk %q: a scanner sends its codes to one kiosk of kiosks", sc.Kiosk))
		}
		switch {
		case sc.Path == "" && sc.VID == "" && sc.PID == "":
			errs = append(errs, c.fail(key, "give the device path, or its USB vid and pid (see motcua devices)"))
		case sc.Path != "" && (sc.VID != "" || sc.PID != ""):
			errs = append(errs, c.fail(key, "give either path or vid/pid, not both"))
		case sc.Path == "" && (!hexID.MatchString(sc.VID) || !hexID.MatchString(sc.PID)):
			errs = append(errs, c.fail(key+".vid", "vid and pid are 4 hex digits each, as motcua devices lists them"))
		}
		if !slices.Contains(suffixes, strings.ToLower(sc.Suffix)) {
			errs = append(errs, c.fail(key+".suffix", "%q: use auto, cr, lf, crlf, tab, none or stx-etx", sc.Suffix))
		}
		if sc.Baud < 0 {
			errs = append(errs, c.fail(key+".baud", "a speed cannot be negative"))
		}
		switch sc.Type {
		case "", ScannerSerial, ScannerHID:
		default:
			errs = append(errs, c.fail(key+".type", "%q: use serial or hid (a USB keyboard scanner)", sc.Type))
		}
	}
	return errs
}

// checkDossiers checks the lookup source, reads the upstream secrets kept
// in files, and defaults the source to the registry.
func (c *Config) checkDossiers() []*Error {
	var errs []*Error
	d := &c.Dossiers
	switch d.Source {
	case "":
		d.Source = SourceRegistry
	case SourceRegistry:
	case SourceUpstream:
		if len(d.Sources) > 0 {
			errs = append(errs, c.fail("dossiers.source", "give either source: upstream or a list of sources, not both"))
		}
		if d.Upstream == nil || d.Upstream.Request.URL == "" {
			errs = append(errs, c.fail("dossiers.upstream.request.url", "source upstream needs the main system's URL"))
		}
	default:
		errs = append(errs, c.fail("dossiers.source", "%q: use registry or upstream", d.Source))
	}
	errs = append(errs, c.readUpstreamSecrets("dossiers.upstream", d.Upstream)...)
	errs = append(errs, c.checkSources()...)
	errs = append(errs, c.checkCodeShapes()...)
	if d.RatePerMinute < 0 {
		errs = append(errs, c.fail("dossiers.rate_per_minute", "cannot be negative"))
	}
	return errs
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
