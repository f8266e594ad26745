package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/notify"
)

const notifyBase = `center: {name: "X"}
fields: [{code: A, name: Hộ tịch}, {code: B, name: Đất đai}]
counters: [{id: "1", services: [A, B]}]
`

func TestNotifySection(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "zns.secret"), []byte("s3cret\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "zns.refresh"), []byte("rt-1\n"), 0o600)
	path := filepath.Join(dir, "center.yaml")
	os.WriteFile(path, []byte(notifyBase+`notify:
  kinds: [taken, ahead, called, result_ready]
  fields: {B: [called]}
  ahead_at: 2
  quiet_hours: "21:00-07:00"
  channels: [zns, email]
  rates: {zns: {per_second: 5, burst: 10}}
  zns:
    app_id: "4318822113592334560"
    secret_key_file: zns.secret
    refresh_token_file: zns.refresh
    templates:
      called: {id: "312301", params: {so_thu_tu: number, quay: counter}}
  email: {addr: "smtp.example.gov.vn:587", from: "motcua@example.gov.vn"}
`), 0o600)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	n := c.Notify
	if !n.Enabled() || n.AheadAt != 2 || len(n.Fields["B"]) != 1 || n.ZNS.SecretKey != "s3cret" || n.ZNS.RefreshToken != "rt-1" ||
		n.ZNS.Templates[notify.KindCalled].Params["quay"] != "counter" || n.Rates["zns"].Burst != 10 {
		t.Fatalf("notify %+v", n)
	}
	if from, to, ok := n.Quiet(); !ok || from != 21*60 || to != 7*60 {
		t.Errorf("quiet %d %d %v", from, to, ok)
	}
	if n.TicketRetention != 0 && n.TicketRetention != 24*time.Hour {
		t.Errorf("retention %v", n.TicketRetention)
	}
}

func TestNotifyMistakes(t *testing.T) {
	for _, tc := range []struct{ yaml, key string }{
		{"notify: {kinds: [later]}", "notify.kinds[0]"},
		{"notify: {fields: {Z: [called]}}", "notify.fields.Z"},
		{"notify: {channels: [fax]}", "notify.channels[0]"},
		{"notify: {channels: [sms]}", "notify.channels[0]"},
		{"notify: {channels: [sms, sms], sms: {url: 'https://x/', body: {a: b}}}", "notify.channels[1]"},
		{"notify: {quiet_hours: '9pm-7am'}", "notify.quiet_hours"},
		{"notify: {channels: [email], email: {addr: nohost, from: a@b.vn}}", "notify.email"},
		{"notify: {channels: [zns], zns: {app_id: '1'}}", "notify.zns"},
		{"notify: {channels: [email], email: {addr: 'h:25', from: a@b.vn}, rates: {zns: {per_second: 1}}}", "notify.rates.zns"},
		{"notify: {channels: [hub]}", "notify.channels[0]"}, // no hub: section
	} {
		_, err := Parse([]byte(notifyBase + tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: %v, want an error naming %s", tc.yaml, err, tc.key)
		}
	}
}
