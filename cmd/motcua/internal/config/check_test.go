package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/devices/profile"
	"motcua/internal/yamlconf"
)

// sectionsBase is a valid configuration with every section; the cases below
// break one line of it. Line numbers are those of this text.
const sectionsBase = `center:
  name: "UBND phường Bến Thành"
  public_base_url: "https://motcua.benthanh.gov.vn/"
security:
  session_ttl: 8h
fields:
  - {code: A, name: Hộ tịch}
  - {code: B, name: Đất đai}
counters:
  - id: "1"
    services: [A, B]
    policy: longest_wait
    weights: {A: 2}
    printer: quay1
staff:
  - {username: canbo1, password_hash: "$2a$10$x", counters: ["1"]}
kiosks:
  - {id: k1, printer: kiosk1}
procedures: procedures.yaml
screens:
  - {name: sanh, fields: [A], counters: ["1"]}
printing:
  ticket_timeout: 15s
printers:
  - {name: kiosk1, transport: file}
  - {name: quay1, transport: serial, path: /dev/ttyUSB0, width: 58}
scanners:
  - {name: s1, kiosk: k1, path: /dev/ttyACM0}
dossiers:
  rate_per_minute: 10
`

func TestSectionsBaseIsValid(t *testing.T) {
	c, err := Parse([]byte(sectionsBase))
	if err != nil {
		t.Fatal(err)
	}
	if c.Center.PublicBaseURL != "https://motcua.benthanh.gov.vn" {
		t.Errorf("base URL %q keeps its slash", c.Center.PublicBaseURL)
	}
	if c.Security.SessionTTL != 8*time.Hour || c.Printing.TicketTimeout != 15*time.Second || c.Printing.JobTimeout != 30*time.Minute {
		t.Errorf("durations %v %v %v", c.Security.SessionTTL, c.Printing.TicketTimeout, c.Printing.JobTimeout)
	}
	if c.Printers[0].Dir != "prints" || c.Printers[0].Width != 80 || c.Printers[1].Width != 58 {
		t.Errorf("printer defaults %+v", c.Printers)
	}
	if c.Staff[0].Role != RoleStaff || c.Dossiers.Source != SourceRegistry {
		t.Errorf("role %q, source %q", c.Staff[0].Role, c.Dossiers.Source)
	}
}

// Every section names the key and the line of its mistakes, in the words it
// always had.
func TestEverySectionNamesTheKeyAndLine(t *testing.T) {
	cases := []struct {
		section, old, new, want string
		line                    int
	}{
		{"center", `public_base_url: "https://motcua.benthanh.gov.vn/"`, `public_base_url: "motcua.vn"`,
			"config:3: center.public_base_url: must be an http(s) URL such as https://motcua.example.gov.vn", 3},
		{"center", `name: "UBND phường Bến Thành"`, `name: " "`,
			"config:2: center.name: the center needs a name (it is printed on every ticket)", 2},
		{"fields", "{code: B, name: Đất đai}", "{code: A, name: Đất đai}",
			"config:8: fields[1].code: field A is listed twice", 8},
		{"fields", "{code: B, name: Đất đai}", "{code: B, name: Đất đai, digits: 7}",
			"config:8: fields[1]: start, daily_cap and digits cannot be negative (digits at most 6)", 8},
		{"fields", "{code: B, name: Đất đai}", "{code: B, name: Đất đai, days: [mon, tết]}",
			`config:8: fields[1].days[1]: "tết": use mon, tue, wed, thu, fri, sat, sun`, 8},
		{"counters", "policy: longest_wait", "policy: random",
			`config:12: counters[0].policy: "random": use order or longest_wait`, 12},
		{"counters", "weights: {A: 2}", "weights: {C: 2}",
			"config:13: counters[0].weights.C: counter 1 does not serve field C", 13},
		{"counters", "weights: {A: 2}", "weights: {A: 0}",
			"config:13: counters[0].weights.A: a weight must be above 0", 13},
		{"counters", "printer: quay1", "printer: quay9",
			`config:14: counters[0].printer: unknown printer "quay9"`, 14},
		{"counters", `id: "1"`, `id: "quầy 1"`,
			`config:10: counters[0].id: "quầy 1": an id is letters, digits, - or _`, 10},
		{"staff", `counters: ["1"]}`, `counters: ["1"], role: boss}`,
			`config:16: staff[0].role: "boss": use staff or admin`, 16},
		{"kiosks", "{id: k1, printer: kiosk1}", "{id: k1, printer: kiosk9}",
			`config:18: kiosks[0].printer: unknown printer "kiosk9"`, 18},
		{"procedures", "procedures: procedures.yaml", `procedures: "procedures.yaml "`,
			`config:19: procedures: "procedures.yaml ": remove the spaces around the file name`, 19},
		{"screens", `{name: sanh, fields: [A], counters: ["1"]}`, `{name: sanh, fields: [A, E], counters: ["1"]}`,
			`config:21: screens[0].fields[1]: unknown field "E"`, 21},
		{"screens", `{name: sanh, fields: [A], counters: ["1"]}`, `{name: sanh, fields: [A], counters: ["7"]}`,
			`config:21: screens[0].counters[0]: unknown counter "7"`, 21},
		{"screens", `{name: sanh, fields: [A], counters: ["1"]}`, `{name: "sảnh", fields: [A], counters: ["1"]}`,
			`config:21: screens[0].name: "sảnh": a screen needs a unique name of letters, digits, - or _`, 21},
		{"printing", "ticket_timeout: 15s", "ticket_timeout: -1s",
			"config:22: printing: timeouts cannot be negative", 22},
		{"printers", "{name: kiosk1, transport: file}", "{name: kiosk1, transport: lpt}",
			`config:25: printers[0].transport: "lpt": use file, serial, usb or tcp`, 25},
		{"printers", "{name: kiosk1, transport: file}", "{name: kiosk1, transport: tcp}",
			"config:25: printers[0].addr: a network printer needs its address, e.g. 192.168.1.50:9100", 25},
		{"printers", "transport: serial, path: /dev/ttyUSB0, width: 58", "transport: usb, width: 58",
			"config:26: printers[1].path: a usb printer needs its device path (see motcua devices)", 26},
		{"printers", "width: 58", "width: 76",
			"config:26: printers[1].width: 76: paper is 58 or 80 (mm)", 26},
		{"printers", "width: 58", "width: 58, flow_control: xon",
			`config:26: printers[1].flow_control: "xon": use none, rtscts, xonxoff or dtrdsr`, 26},
		{"printers", "width: 58", "width: 58, baud: -9600",
			"config:26: printers[1].baud: a speed cannot be negative", 26},
		{"printers", "width: 58", "width: 58, status: sometimes",
			`config:26: printers[1].status: "sometimes": use auto, always or never`, 26},
		{"printers", "width: 58", "width: 58, model: tm-t99",
			`config:26: printers[1].model: "tm-t99": not a known printer model; use one of ` + strings.Join(profile.Names(), ", ") + ` (generic if yours is not listed)`, 26},
		{"printers", "width: 58", "width: 58, model: vkp80",
			"config:26: printers[1].width: 58: the vkp80 does not take 58 mm paper", 26},
		{"printers", "{name: kiosk1, transport: file}", "{name: kiosk1, transport: file}\n  - {name: kiosk1, transport: file}",
			`config:26: printers[1].name: "kiosk1": a printer needs a unique name of letters, digits, - or _`, 26},
		{"scanners", "path: /dev/ttyACM0}", "path: /dev/ttyACM0, baud: -1}",
			"config:28: scanners[0].baud: a speed cannot be negative", 28},
		{"scanners", "path: /dev/ttyACM0}", "path: /dev/ttyACM0, type: keyboard}",
			`config:28: scanners[0].type: "keyboard": use serial or hid (a USB keyboard scanner)`, 28},
		{"dossiers", "rate_per_minute: 10", "rate_per_minute: -1",
			"config:30: dossiers.rate_per_minute: cannot be negative", 30},
	}
	for _, tc := range cases {
		t.Run(tc.section+" "+tc.new, func(t *testing.T) {
			yaml := strings.Replace(sectionsBase, tc.old, tc.new, 1)
			if yaml == sectionsBase {
				t.Fatalf("%q is not in the base", tc.old)
			}
			_, err := Parse([]byte(yaml))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a config error", err)
			}
			if err.Error() != tc.want || ce.Line != tc.line {
				t.Fatalf("error %q on line %d,\nwant  %q on line %d", err, ce.Line, tc.want, tc.line)
			}
			// The section alone finds the same mistake.
			if got := decode(t, yaml).Check(tc.section); len(got) == 0 || got[0].Error() != tc.want {
				t.Fatalf("Check(%q) = %v, want %q first", tc.section, got, tc.want)
			}
		})
	}
}

// decode reads a configuration without checking it.
func decode(t *testing.T, yaml string) *Config {
	t.Helper()
	c := &Config{}
	lines, err := yamlconf.Decode(errPrefix, []byte(yaml), c)
	if err != nil {
		t.Fatal(err)
	}
	c.lines = lines
	return c
}

// A section is checked alone against the others as they are, and reports
// all of its mistakes, in file order.
func TestCheckOneSection(t *testing.T) {
	c := decode(t, strings.NewReplacer(
		"{name: kiosk1, transport: file}", "{name: kiosk1, transport: tcp}",
		"width: 58", "width: 76",
		`name: "UBND phường Bến Thành"`, `name: ""`,
	).Replace(sectionsBase))
	var got []string
	for _, e := range c.Check("printers") {
		got = append(got, e.Error())
	}
	want := []string{
		"config:25: printers[0].addr: a network printer needs its address, e.g. 192.168.1.50:9100",
		"config:26: printers[1].width: 76: paper is 58 or 80 (mm)",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Check(printers) = %q, want %q (and nothing of center)", got, want)
	}
	if c.Printers[0].Width != 80 {
		t.Errorf("the section's defaults were not filled in: width %d", c.Printers[0].Width)
	}
	if errs := c.Check("center", "printers"); len(errs) != 3 || errs[0].Key != "center.name" {
		t.Fatalf("Check(center, printers) = %v", errs)
	}
	if errs := c.Check(); len(errs) != 3 {
		t.Fatalf("Check() = %v, want the 3 mistakes of every section", errs)
	}
	errs := c.Check("voices")
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "config: voices: no such section: use center, security,") {
		t.Fatalf("Check(voices) = %v", errs)
	}
}

// model: names a printer profile, in any case; a 58 mm-only model's paper
// defaults to 58 mm.
func TestPrinterModel(t *testing.T) {
	c, err := Parse([]byte(strings.NewReplacer(
		"{name: kiosk1, transport: file}", "{name: kiosk1, transport: file, model: XP-58IIH}",
		"width: 58}", "width: 80, model: tm-t88v}",
	).Replace(sectionsBase)))
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Printers[0]; p.Model != "xp-58iih" || p.Width != 58 {
		t.Errorf("printer 0: model %q, width %d", p.Model, p.Width)
	}
	if p := c.Printers[1]; p.Model != "tm-t88v" || p.Width != 80 {
		t.Errorf("printer 1: model %q, width %d", p.Model, p.Width)
	}
}
