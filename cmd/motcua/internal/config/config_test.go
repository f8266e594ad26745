package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestShippedConfigsLoad(t *testing.T) {
	for _, name := range []string{"demo.yaml", "center.example.yaml"} {
		c, err := Load(filepath.Join("..", "..", "..", "..", "configs", name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.Location() == nil || len(c.QueueFields()) == 0 || len(c.QueueCounters()) == 0 {
			t.Fatalf("%s: incomplete", name)
		}
	}
}

func TestDemoIsTheDocumentedCenter(t *testing.T) {
	c, err := Load("../../../../configs/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range c.QueueFields() {
		got = append(got, f.Code+" "+f.Name)
		if f.DailyCap != 0 || len(f.Hours) != 0 || len(f.Days) != 0 {
			t.Errorf("field %s is not open around the clock without a cap", f.Code)
		}
	}
	if strings.Join(got, ", ") != "A Hộ tịch, B Đất đai, C Xây dựng, D Kinh doanh" {
		t.Fatalf("fields %v", got)
	}
	for i, ct := range c.QueueCounters() {
		if len(ct.Services) != 4 || ct.Services[0] != string(rune('A'+i)) {
			t.Errorf("counter %s serves %v", ct.ID, ct.Services)
		}
	}
	for i := 1; i <= 4; i++ {
		s, ok := c.User("canbo" + string(rune('0'+i)))
		if !ok || !s.Allowed(string(rune('0'+i))) || s.Allowed(string(rune('0'+i%4+1))) {
			t.Errorf("canbo%d: %+v", i, s)
		}
	}
	if a, ok := c.User("quantri"); !ok || a.Role != RoleAdmin || !a.Allowed("3") {
		t.Errorf("quantri: %+v", a)
	}
	if c.Location().String() != "Asia/Ho_Chi_Minh" && c.Location().String() != "ICT" {
		t.Errorf("zone %s", c.Location())
	}
}

func TestErrorsNameTheKeyAndLine(t *testing.T) {
	base := `center:
  name: "X"
fields:
  - code: A
    name: "Hộ tịch"
    hours: ["07:30-11:30"]
counters:
  - id: "1"
    services: [A]
`
	cases := []struct {
		name, yaml, want string
		line             int
	}{
		{"unknown key", base + "colour: red\n", "colour", 10},
		{"unknown field served", strings.Replace(base, "services: [A]", "services: [A, E]", 1), `counters[0].services[1]: unknown field "E"`, 9},
		{"bad hours", strings.Replace(base, "07:30-11:30", "7h30-11h", 1), "fields[0].hours[0]", 6},
		{"hours backwards", strings.Replace(base, "07:30-11:30", "11:30-07:30", 1), "not a period", 6},
		{"lower-case code", strings.Replace(base, "code: A", "code: a", 1), "fields[0].code", 4},
		{"no name", strings.Replace(base, `name: "X"`, `name: ""`, 1), "center.name", 2},
		{"bad zone", strings.Replace(base, `name: "X"`, "name: X\n  timezone: Mars/Base", 1), "center.timezone", 3},
		{"wrong type", strings.Replace(base, `id: "1"`, "id: [1]", 1), "", 8},
		{"a field nobody serves", strings.Replace(base, "counters:", "  - {code: B, name: Đất đai}\ncounters:", 1), "no counter serves field B", 3},
		{"staff without hash", base + "staff:\n  - username: a\n    password_hash: demo\n", "staff[0].password_hash", 12},
		{"staff on unknown counter", base + "staff:\n  - username: a\n    password_hash: $2a$x\n    counters: [\"9\"]\n", "staff[0].counters[0]", 13},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a config error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q lacks %q", err, tc.want)
			}
			if tc.line > 0 && ce.Line != tc.line {
				t.Fatalf("error %q on line %d, want %d", err, ce.Line, tc.line)
			}
		})
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte("center: {name: X}\nfields: []\n"), 0o600)
	_, err := Load(p)
	if err == nil || !strings.HasPrefix(err.Error(), "config "+p+":2: fields:") {
		t.Fatalf("got %v", err)
	}
}

func TestHoursAndDaysReachTheEngine(t *testing.T) {
	c, err := Parse([]byte(`center: {name: X}
fields: [{code: A, name: Hộ tịch, hours: ["07:30-11:30", "13:00-24:00"], days: [mon, Sat]}]
counters: [{id: "1", services: [A]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	f := c.QueueFields()[0]
	if len(f.Hours) != 2 || f.Hours[0].From != 450 || f.Hours[1].To != 1440 {
		t.Fatalf("hours %v", f.Hours)
	}
	if len(f.Days) != 2 || f.Days[0] != time.Monday || f.Days[1] != time.Saturday {
		t.Fatalf("days %v", f.Days)
	}
	if c.Listen != "127.0.0.1:8080" || c.BaseURL() != "http://127.0.0.1:8080" {
		t.Fatalf("defaults: %s %s", c.Listen, c.BaseURL())
	}
}

func TestDossierSourcesAndScanners(t *testing.T) {
	pass := filepath.Join(t.TempDir(), "upstream.pass")
	os.WriteFile(pass, []byte("mat-khau\n"), 0o600)
	base := `center: {name: X}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}]
kiosks: [{id: k1}]
`
	c, err := Parse([]byte(base + `scanners:
  - {name: s1, kiosk: k1, vid: "0C2E", pid: "0b6a"}
dossiers:
  source: upstream
  upstream:
    request: {method: POST, url: "https://motcua.tinh.gov.vn/api/dvc", body: {mahoso: "{code}"}}
    auth: {kind: session, username: u, password_file: ` + pass + `}
    mapping: {records: result, code: MaHoSo, status: TrangThaiHoSo}
    timeout: 2s
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Dossiers.Upstream.Auth.Password != "mat-khau" || c.Dossiers.Upstream.Timeout != 2*time.Second {
		t.Fatalf("upstream %+v", c.Dossiers.Upstream)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"scanners: [{name: s1, kiosk: k9, path: /dev/ttyACM0}]", "scanners[0].kiosk"},
		{"scanners: [{name: s1, kiosk: k1}]", "give the device path"},
		{"scanners: [{name: s1, kiosk: k1, vid: 12, pid: 34}]", "4 hex digits"},
		{"scanners: [{name: s1, kiosk: k1, path: /dev/x, suffix: semicolon}]", "scanners[0].suffix"},
		{"dossiers: {source: upstream}", "dossiers.upstream.request.url"},
		{"dossiers: {source: ftp}", "dossiers.source"},
		{"dossiers: {code_pattern: '('}", "dossiers.code_pattern"},
		{"dossiers: {source: upstream, upstream: {request: {url: x}, auth: {password_file: /nonexistent}}}", "password_file"},
	} {
		if _, err := Parse([]byte(base + tc.yaml + "\n")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
