package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/internal/pgtest"
	"motcua/kiosk/notify/notifytest"
)

// A center whose only channel is its hub (no internet) and a hub whose
// channel is an SMS gateway, as `motcua serve` and `motcua hub` run them:
// the number a citizen gives at the center gets its SMS from the hub, once,
// with the center's key, and the hub's page counts it for the center and
// the province.
func TestCenterSendsThroughItsHubProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a hub and a center")
	}
	fake := notifytest.NewSMS(t)
	dir := t.TempDir()
	natsAddr := freeAddr(t)
	provinceFiles(t, dir, pgtest.URL(t), natsAddr, []string{"c1", "c2"}, func(string) string { return "nats://" + natsAddr }) // c2 is enrolled, not started
	appendFile(t, filepath.Join(dir, "c1.yaml"), "\nnotify:\n  kinds: [taken, called]\n  channels: [hub]\n")
	appendFile(t, filepath.Join(dir, "hub.yaml"), `notify:
  channels: [sms]
  sms:
    url: `+fake.URL+`
    body: {ApiKey: `+fake.APIKey+`, SecretKey: `+fake.SecretKey+`, Phone: "{phone}", Content: "{text}", Brandname: MOTCUA, SmsType: "2", RequestId: "{key}"}
    answer: {code_path: CodeResult, ok: ["100"], duplicate: ["124"], recipient: ["99"], channel: ["101", "103"], id_path: SMSID}
    phone_format: "0"
    ascii: true
`)
	hubAddr := freeAddr(t)
	h := startChild(t, "hub", "--config", filepath.Join(dir, "hub.yaml"), "--addr", hubAddr)
	t.Cleanup(h.kill)
	c := startChild(t, "serve", "--config", filepath.Join(dir, "c1.yaml"), "--addr", "127.0.0.1:0")
	t.Cleanup(c.kill)

	client := &http.Client{Timeout: 10 * time.Second}
	tk, status, err := postTicket(client, c.base, "A", "")
	if err != nil || status != http.StatusCreated {
		t.Fatalf("ticket: %d %v", status, err)
	}
	// The link may still be connecting: the hub channel then rests and the
	// message waits; the contact itself is taken at once.
	if code, body := req(t, "POST", c.base+"/api/v1/tickets/"+tk.ID+"/contact", "", map[string]any{"phone": "0912345678", "consent": true}, nil); code != 200 {
		t.Fatalf("contact: %d %s", code, body)
	}
	select {
	case m := <-fake.Arrived():
		if m.Phone != "0912345678" || !strings.Contains(m.Content, "Ban da lay so "+tk.Number) || m.RequestID != "c1:t:"+tk.ID+":taken" {
			t.Fatalf("SMS %+v", m)
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("no SMS from the hub\ncenter:\n%s\nhub:\n%s", c.logs, h.logs)
	}

	var tok struct {
		Token string `json:"token"`
	}
	if code, body := req(t, "POST", "http://"+hubAddr+"/api/v1/auth/login", "", map[string]string{"username": "quantri", "password": "demo"}, &tok); code != 200 {
		t.Fatalf("hub login: %d %s", code, body)
	}
	type counts struct {
		Rows []struct {
			By, Channel string
			Sent        int
		}
		Total struct{ Sent int }
	}
	var m counts
	within(t, "the center's and the hub's counts at the hub", 60*time.Second, func() bool {
		m = counts{}
		req(t, "GET", "http://"+hubAddr+"/api/v1/centers/c1/messages", tok.Token, nil, &m)
		var byCenter, byHub int
		for _, r := range m.Rows {
			if r.By == "center" && r.Channel == "hub" {
				byCenter = r.Sent
			}
			if r.By == "hub" && r.Channel == "sms" {
				byHub = r.Sent
			}
		}
		return byCenter == 1 && byHub == 1
	})
	if m.Total.Sent != 1 {
		t.Fatalf("total %+v: the message handed to the hub counts once", m)
	}
	if n := len(fake.Accepted()); n != 1 {
		t.Fatalf("the gateway got %d messages", n)
	}
	for _, logs := range []string{c.logs.String(), h.logs.String()} {
		if strings.Contains(logs, "912345678") {
			t.Fatal("a log line holds the number")
		}
	}
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
