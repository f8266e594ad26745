package hubconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHubDossierSources(t *testing.T) {
	t.Setenv("MOTCUA_PG_URL", "")
	secret := filepath.Join(t.TempDir(), "igate.secret")
	os.WriteFile(secret, []byte("client-secret\n"), 0o600)
	c, err := Parse([]byte(good + `dossiers:
  sources:
    - name: igate
      timeout: 1.5s
      upstream:
        request: {url: "https://igate.tinh.gov.vn/pa/dossier/{code}"}
        auth: {kind: client_credentials, token_url: "https://sso.tinh.gov.vn/auth/realms/digo/protocol/openid-connect/token",
               client_id: motcua-hub, client_secret_file: ` + secret + `}
        mapping: {records: content, code: code, status: dossierStatus.id}
`))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Dossiers.Sources
	if len(s) != 1 || s[0].Timeout != 1500*time.Millisecond || s[0].Upstream.Auth.ClientSecret != "client-secret" {
		t.Fatalf("sources %+v", s)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"dossiers: {sources: [{upstream: {request: {url: 'https://x.example/{code}'}, mapping: {status: s}}}]}", "dossiers.sources[0].name"},
		{"dossiers: {sources: [{name: a}]}", "dossiers.sources[0].upstream.request.url"},
		{"dossiers: {sources: [{name: a, timeout: 3s, upstream: {request: {url: 'https://x.example/{code}'}, mapping: {status: s}}}]}", "dossiers.sources[0].timeout"},
		{"dossiers: {sources: [{name: a, upstream: {request: {url: 'https://x.example/{code}'}}}]}", "dossiers.sources[0].upstream"},
		{"dossiers: {sources: [{name: a, upstream: {request: {url: 'https://x.example/{code}'}, mapping: {status: s}, auth: {token_file: /nonexistent}}}]}", "token_file"},
	} {
		if _, err := Parse([]byte(good + tc.yaml + "\n")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
