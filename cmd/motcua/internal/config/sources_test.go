package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDossierSourcesInOrder(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "igate.secret")
	os.WriteFile(secret, []byte("client-secret\n"), 0o600)
	base := `center: {name: X}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}]
`
	c, err := Parse([]byte(base + `dossiers:
  code_shapes: [{name: so-tnmt, pattern: '^TNMT-\d{10}$'}]
  sources:
    - name: igate
      kind: upstream
      timeout: 1.2s
      upstream:
        request: {url: "https://igate.tinh.gov.vn/pa/dossier/{code}"}
        auth: {kind: client_credentials, token_url: "https://sso.tinh.gov.vn/auth/realms/digo/protocol/openid-connect/token",
               client_id: motcua, client_secret_file: ` + secret + `}
        mapping: {records: content, code: code, status: dossierStatus.id}
    - {name: registry, kind: registry}
`))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Dossiers.Sources
	if len(s) != 2 || s[0].Name != "igate" || s[0].Timeout != 1200*time.Millisecond || s[0].Upstream.Auth.ClientSecret != "client-secret" || s[1].Kind != SourceRegistry {
		t.Fatalf("sources %+v", s)
	}
	if _, err := c.Dossiers.Codes().Parse("tnmt-2026000001"); err != nil {
		t.Fatalf("configured shape: %v", err)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"dossiers: {sources: [{kind: registry}]}", "dossiers.sources[0].name"},
		{"dossiers: {sources: [{name: a, kind: registry}, {name: a, kind: registry}]}", "dossiers.sources[1].name"},
		{"dossiers: {sources: [{name: a, kind: ftp}]}", "dossiers.sources[0].kind"},
		{"dossiers: {sources: [{name: a, kind: upstream}]}", "dossiers.sources[0].upstream.request.url"},
		{"dossiers: {sources: [{name: a, kind: registry, timeout: 5s}]}", "dossiers.sources[0].timeout"},
		{"dossiers: {sources: [{name: a, kind: upstream, upstream: {request: {url: x}, auth: {client_secret_file: /nonexistent}}}]}", "client_secret_file"},
		{"dossiers: {source: upstream, upstream: {request: {url: x}}, sources: [{name: a, kind: registry}]}", "not both"},
		{"dossiers: {code_shapes: [{name: x, pattern: '('}]}", "dossiers.code_shapes[0].pattern"},
		{"dossiers: {code_shapes: [{name: x}]}", "dossiers.code_shapes[0].pattern"},
		{"dossiers: {sources: [{name: tinh, kind: hub}]}", "no hub section"},
		{"dossiers: {sources: [{name: tinh, kind: hub, upstream: {request: {url: x}}}]}", "dossiers.sources[0].upstream"},
	} {
		if _, err := Parse([]byte(base + tc.yaml + "\n")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}

func TestHubSourceWithAHubSection(t *testing.T) {
	dir := t.TempDir()
	seed := seedFile(t, dir)
	c, err := Parse([]byte(publishedYAML + "hub:\n  center: c1\n  urls: [nats://127.0.0.1:4250]\n  credentials: " + seed + `
dossiers:
  sources:
    - {name: tinh, kind: hub, timeout: 2.4s}
    - {name: registry, kind: registry}
`))
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Dossiers.Sources; len(s) != 2 || s[0].Kind != SourceHub {
		t.Fatalf("sources %+v", s)
	}
}
