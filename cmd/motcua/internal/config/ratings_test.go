package config

import (
	"strings"
	"testing"
)

func TestRatingsPushConfig(t *testing.T) {
	base := `center: {name: X}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}]
`
	c, err := Parse([]byte(base + `ratings:
  push_every: 1m
  push:
    request: {url: "https://hcc.tinh.gov.vn/api/danhgia", body: {MaHoSo: "{code}", Diem: "{rating}"}}
    auth: {kind: bearer, token: t}
`))
	if err != nil || c.Ratings.Push.Request.Body["Diem"] != "{rating}" {
		t.Fatalf("%+v %v", c.Ratings, err)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"ratings: {push: {request: {body: {a: b}}}}", "ratings.push.request.url"},
		{"ratings: {push: {request: {url: 'https://x.example/r'}}}", "ratings.push.request.body"},
		{"ratings: {push: {request: {url: 'ftp://x', body: {a: b}}}}", "ratings.push"},
		{"ratings: {push: {request: {url: 'https://x.example/r', body: {a: b}}, auth: {kind: bearer}}}", "ratings.push"},
		{"ratings: {push: {request: {url: 'https://x.example/r', body: {a: b}}, auth: {token_file: /nonexistent}}}", "token_file"},
		{"ratings: {push_every: -1s}", "ratings.push_every"},
	} {
		if _, err := Parse([]byte(base + tc.yaml + "\n")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}

// A published config whose adapters keep their secrets in files at the
// center passes at the hub, which does not read them.
func TestPublishedSecretFilesStayAtTheCenter(t *testing.T) {
	yaml := publishedYAML + `dossiers:
  sources:
    - name: igate
      kind: upstream
      upstream:
        request: {url: "https://igate.tinh.gov.vn/pa/dossier/{code}"}
        auth: {kind: client_credentials, token_url: "https://sso.tinh.gov.vn/token", client_id: c, client_secret_file: /etc/motcua/igate.secret}
        mapping: {status: s}
    - {name: tinh, kind: hub}
ratings:
  push:
    request: {url: "https://hcc.tinh.gov.vn/api/danhgia", body: {Diem: "{rating}"}}
    auth: {kind: bearer, token_file: /etc/motcua/ratings.token}
`
	if err := CheckPublished([]byte(yaml)); err != nil {
		t.Fatal(err)
	}
}
