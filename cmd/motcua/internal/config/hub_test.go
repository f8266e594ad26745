package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nkeys"
)

func seedFile(t *testing.T, dir string) string {
	t.Helper()
	kp, _ := nkeys.CreateUser()
	seed, _ := kp.Seed()
	p := filepath.Join(dir, "c1.nk")
	if err := os.WriteFile(p, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const publishedYAML = `center:
  name: "Trung tâm xã Tân Lập"
fields:
  - { code: A, name: "Hộ tịch" }
counters:
  - { id: "1", name: "Quầy 1", services: [A] }
`

func TestAPublishedConfigKeepsTheCentersOwnKeys(t *testing.T) {
	dir := t.TempDir()
	local := filepath.Join(dir, "center.yaml")
	seed := seedFile(t, dir)
	os.WriteFile(local, []byte(publishedYAML+"listen: 127.0.0.1:9090\ndata_dir: /var/lib/x\nhub:\n  center: c1\n  urls: [nats://127.0.0.1:4250]\n  credentials: c1.nk\n"), 0o600)
	c, err := Load(local)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Hub.Seed()) == 0 || !c.Hub.Enabled() {
		t.Fatalf("hub seed not read from %s", seed)
	}
	n, err := c.WithHub([]byte(strings.Replace(publishedYAML, "Hộ tịch", "Hộ tịch - Chứng thực", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if n.Listen != "127.0.0.1:9090" || n.DataDir != "/var/lib/x" || n.Hub.Center != "c1" {
		t.Fatalf("local keys lost: listen %q data %q hub %+v", n.Listen, n.DataDir, n.Hub)
	}
	if n.Fields[0].Name != "Hộ tịch - Chứng thực" {
		t.Fatalf("published field not taken: %+v", n.Fields)
	}
}

func TestThePublishedConfigIsRefusedWithItsKeyAndLine(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"a local key", publishedYAML + "listen: 0.0.0.0:80\n", "config:7: listen: listen is set in the center's own file"},
		{"secrets stay at the center", publishedYAML + "security:\n  receipt_secret: x\n", "config:7: security:"},
		{"a counter of an unknown field", strings.Replace(publishedYAML, "services: [A]", "services: [Z]", 1), "config:6: counters[0].services[0]"},
		{"no name", strings.Replace(publishedYAML, `name: "Trung tâm xã Tân Lập"`, `name: ""`, 1), "config:2: center.name"},
		{"not YAML", "fields: [\n", "config"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPublished([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckPublished: %v, want %q", err, tc.want)
			}
		})
	}
	if err := CheckPublished([]byte(publishedYAML + "kiosks:\n  - { id: k1, name: K, token_file: /etc/motcua/k1.token }\n")); err != nil {
		t.Fatalf("a token file, read at the center, refused at the hub: %v", err)
	}
}

func TestTheHubSectionIsChecked(t *testing.T) {
	dir := t.TempDir()
	seedFile(t, dir)
	os.WriteFile(filepath.Join(dir, "bad.nk"), []byte("not a seed"), 0o600)
	cases := []struct{ name, hub, want string }{
		{"no center", "hub:\n  urls: [nats://h:4222]\n", "hub.center"},
		{"bad id", "hub:\n  center: C.1\n  urls: [nats://h:4222]\n  credentials: c1.nk\n", "hub.center"},
		{"no urls", "hub:\n  center: c1\n  credentials: c1.nk\n", "hub.urls"},
		{"bad url", "hub:\n  center: c1\n  urls: [http://h]\n  credentials: c1.nk\n", "hub.urls[0]"},
		{"no key file", "hub:\n  center: c1\n  urls: [nats://h:4222]\n  credentials: none.nk\n", "hub.credentials"},
		{"not a seed", "hub:\n  center: c1\n  urls: [nats://h:4222]\n  credentials: bad.nk\n", "does not hold an NKey seed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "c.yaml")
			os.WriteFile(p, []byte(publishedYAML+tc.hub), 0o600)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: %v, want %q", err, tc.want)
			}
		})
	}
}

func TestTheHubPublishesTheProceduresCatalogueWithTheConfig(t *testing.T) {
	cat := "procedures:\n  - { code: \"1.001193\", field: A, name: \"Đăng ký khai sinh\", documents: [\"Tờ khai\"] }\n"
	c, err := published([]byte(publishedYAML+"---\n"+cat), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Catalogue() == nil || !strings.Contains(string(c.Catalogue()), "khai sinh") || c.Procedures != "" {
		t.Fatalf("catalogue %q, procedures %q", c.Catalogue(), c.Procedures)
	}
	// A procedure of a field the center does not have: the line is the
	// one in the whole published text.
	bad := strings.Replace(cat, "field: A", "field: Z", 1)
	err = CheckPublished([]byte(publishedYAML + "---\n" + bad))
	if err == nil || !strings.HasPrefix(err.Error(), "procedures:9:") {
		t.Fatalf("a catalogue's procedure of an unknown field: %v", err)
	}
	// A leading document marker is not a catalogue.
	if c, err := published([]byte("---\n"+publishedYAML), nil); err != nil || c.Catalogue() != nil {
		t.Fatalf("leading ---: %v, catalogue %q", err, c.Catalogue())
	}
}
