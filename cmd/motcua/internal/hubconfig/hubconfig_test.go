package hubconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const good = `province: "Tỉnh Thử"
database: postgres://motcua@127.0.0.1/motcua
nats:
  embedded: 127.0.0.1:4250
session_secret: "0123456789abcdef0123456789abcdef"
centers:
  - { id: c1, name: "Xã Một", nkey: UCSBZSYKEDR6GFM6CRYXDL735UDTQQXLQX27PUILIHXZAADCF2M5RPQ6 }
  - { id: c2, name: "Xã Hai", nkey: UCP5R4WHUV4XN3SJEKXYNMMJPF62JKR23B22HQNB7EABN7L2SSXGUUNF }
staff:
  - { username: quantri, name: "Quản trị", role: province_admin, password_hash: "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK" }
  - { username: giamdoc1, name: "Giám đốc", role: manager, centers: [c1], password_hash: "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK" }
`

func TestAGoodFileTakesItsDefaults(t *testing.T) {
	t.Setenv("MOTCUA_PG_URL", "")
	c, err := Parse([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8090" || c.DataDir != "data-hub" || c.NATS.Replicas != 1 || c.OfflineAfter.Minutes() != 1 ||
		c.AlertAfter.Minutes() != 15 || c.Location() == nil {
		t.Fatalf("defaults: %+v", c)
	}
	if _, ok := c.Center("c2"); !ok {
		t.Fatal("center c2 not found")
	}
	t.Setenv("MOTCUA_PG_URL", "postgres://other@db/x")
	if c, _ := Parse([]byte(good)); c.Database != "postgres://other@db/x" {
		t.Fatalf("MOTCUA_PG_URL not taken: %s", c.Database)
	}
}

func TestMistakesNameTheKeyAndLine(t *testing.T) {
	t.Setenv("MOTCUA_PG_URL", "")
	cases := []struct{ name, from, to, want string }{
		{"no province", `province: "Tỉnh Thử"`, `province: ""`, "hub config:1: province"},
		{"not postgres", "postgres://motcua@127.0.0.1/motcua", "mysql://x", "hub config:2: database"},
		{"no nats", "  embedded: 127.0.0.1:4250", "  replicas: 1", "hub config:3: nats"},
		{"short secret", `"0123456789abcdef0123456789abcdef"`, `"short"`, "hub config:5: session_secret"},
		{"bad id", "id: c2,", "id: C.2,", "hub config:8: centers[1].id"},
		{"same id", "id: c2,", "id: c1,", "centers[1].id: center c1 is already centers[0]"},
		{"bad key", "nkey: UCP5", "nkey: XCP5", "hub config:8: centers[1].nkey"},
		{"same key", "UCP5R4WHUV4XN3SJEKXYNMMJPF62JKR23B22HQNB7EABN7L2SSXGUUNF", "UCSBZSYKEDR6GFM6CRYXDL735UDTQQXLQX27PUILIHXZAADCF2M5RPQ6", "the same key as c1"},
		{"unknown role", "role: manager", "role: boss", "hub config:11: staff[1].role"},
		{"manager of no center", "centers: [c1]", "centers: [c9]", "staff[1].centers[0]: no center \"c9\""},
		{"dotted user", "username: giamdoc1", "username: giam.doc", "staff[1].username"},
		{"no admin", "role: province_admin", "role: province_admin, disabled: true", "at least one province_admin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(strings.Replace(good, tc.from, tc.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestAClusterNeedsTheHubsKey(t *testing.T) {
	t.Setenv("MOTCUA_PG_URL", "")
	dir := t.TempDir()
	cluster := strings.Replace(good, "  embedded: 127.0.0.1:4250", "  urls: [nats://n1:4222, nats://n2:4222, nats://n3:4222]\n  replicas: 3\n  credentials: hub.nk", 1)
	p := filepath.Join(dir, "hub.yaml")
	os.WriteFile(p, []byte(cluster), 0o600)
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "nats.credentials") {
		t.Fatalf("no key file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "hub.nk"), []byte("SUACTYRDEFMLQTWDRKQXFSBYXQLRVUGJ2DCCUYCMY2SML4MCII43R6BBRQ\n"), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.HubSeed()) == 0 || c.NATS.Replicas != 3 {
		t.Fatalf("seed %q replicas %d", c.HubSeed(), c.NATS.Replicas)
	}
	both := strings.Replace(cluster, "  replicas: 3", "  replicas: 3\n  embedded: 127.0.0.1:1", 1)
	if _, err := Parse([]byte(both)); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Fatalf("embedded and urls: %v", err)
	}
}
