package hubconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The hub's notify section: its channels like a center's, their secrets
// read from files beside the config, and mistakes named by key.
func TestHubNotify(t *testing.T) {
	t.Setenv("MOTCUA_PG_URL", "")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "zns.key"), []byte("zalo-secret\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "esms.secret"), []byte("esms-secret\n"), 0o600)
	body := good + `notify:
  channels: [zns, sms]
  quiet_hours: "21:00-07:00"
  rates: {zns: {per_second: 10, burst: 20}}
  zns:
    app_id: "4318822113592334560"
    secret_key_file: zns.key
    refresh_token: rt
    templates: {called: {id: "102", params: {so: number, quay: counter}}}
  sms:
    url: https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/
    body: {ApiKey: k, SecretKey: "{secret}", Phone: "{phone}", Content: "{text}", RequestId: "{key}"}
    secret_file: esms.secret
    answer: {code_path: CodeResult, ok: ["100"]}
`
	path := filepath.Join(dir, "hub.yaml")
	os.WriteFile(path, []byte(body), 0o600)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	n := c.Notify
	if !n.Enabled() || n.ZNS.SecretKey != "zalo-secret" || n.SMS.Secret != "esms-secret" || n.Keep != 30*24*time.Hour {
		t.Fatalf("notify %+v", n)
	}
	if q := n.Quiet(); q == nil || q.From != 21*60 || q.To != 7*60 {
		t.Fatalf("quiet %+v", q)
	}
	if c, err := Parse([]byte(good)); err != nil || c.Notify.Enabled() {
		t.Fatalf("without a section: %v", err)
	}
	for _, tc := range []struct{ yaml, key string }{
		{"notify: {channels: [hub]}", "notify.channels[0]"},
		{"notify: {channels: [sms]}", "notify.channels[0]"},
		{"notify: {channels: [fax]}", "notify.channels[0]"},
		{"notify: {quiet_hours: 9pm}", "notify.quiet_hours"},
		{"notify: {keep: -1h}", "notify.keep"},
		{"notify: {channels: [zns], zns: {app_id: '1'}}", "notify.zns"},
		{"notify: {channels: [email], email: {addr: 'h:25', from: a@b.vn}, rates: {zns: {per_second: 1}}}", "notify.rates.zns"},
	} {
		if _, err := Parse([]byte(good + tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: %v, want an error naming %s", tc.yaml, err, tc.key)
		}
	}
}
