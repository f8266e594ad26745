package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/notify/notifytest"
)

// TestCenterKilledMidSend runs `motcua serve` as a process whose only
// channel is a provider that takes each message and then holds its answer.
// Seven citizens give their numbers; with the sender's four workers each
// holding a request the provider took, the center is killed with SIGKILL,
// three messages still waiting in its outbox. Started again on the same
// data directory it sends the four again with the same key and the three
// it had not sent: nothing decided is lost. The eSMS-like gateway refuses
// the repeated RequestId (124, counted sent), so it holds exactly one
// message per ticket; Zalo ZNS does not deduplicate, so each of the four
// reaches it twice, with the same tracking_id. No log line of either
// process holds a number.
func TestCenterKilledMidSend(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a center twice")
	}
	t.Run("sms", func(t *testing.T) {
		fake := notifytest.NewSMS(t)
		killMidSend(t, provider{
			yaml: `
  channels: [sms]
  sms:
    url: ` + fake.URL + `
    body: {ApiKey: ` + fake.APIKey + `, SecretKey: ` + fake.SecretKey + `, Phone: "{phone}", Content: "{text}", Brandname: MOTCUA, SmsType: "2", RequestId: "{key}"}
    answer: {code_path: CodeResult, ok: ["100"], duplicate: ["124"], recipient: ["99"], channel: ["101", "103"], id_path: SMSID}
    phone_format: "0"
    ascii: true
`,
			phone: func(p string) string { return p },
			set:   fake.Set,
			accepted: func() (out []sent) {
				for _, m := range fake.Accepted() {
					out = append(out, sent{m.RequestID, m.Phone})
				}
				return out
			},
			requests: fake.RequestsFor,
			twice:    false,
		})
	})
	t.Run("zns", func(t *testing.T) {
		fake := notifytest.NewZNS(t, "rt-first")
		dir := t.TempDir()
		for name, v := range map[string]string{"zns-secret.key": fake.SecretKey, "zns-refresh.token": "rt-first"} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(v), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		killMidSend(t, provider{
			yaml: `
  channels: [zns]
  zns:
    send_url: ` + fake.SendURL + `
    token_url: ` + fake.TokenURL + `
    app_id: "` + fake.AppID + `"
    secret_key_file: ` + filepath.Join(dir, "zns-secret.key") + `
    refresh_token_file: ` + filepath.Join(dir, "zns-refresh.token") + `
    templates:
      taken: {id: "312300", params: {so_thu_tu: number, linh_vuc: field, con: ahead}}
`,
			phone: func(p string) string { return "84" + p[1:] },
			set:   fake.Set,
			accepted: func() (out []sent) {
				for _, m := range fake.Accepted() {
					out = append(out, sent{m.TrackingID, m.Phone})
				}
				return out
			},
			twice: true,
		})
	})
}

// provider is a fake channel as killMidSend drives it.
type provider struct {
	yaml     string                             // the notify section's channels
	phone    func(string) string                // a number as the provider gets it
	set      func(string, notifytest.Behaviour) // by the provider's number
	accepted func() []sent
	requests func(key string) int // nil: not counted
	twice    bool                 // a message taken before the kill is taken again
}

type sent struct{ key, phone string }

func killMidSend(t *testing.T, p provider) {
	dir := t.TempDir()
	text, err := os.ReadFile(bench) // the demo without its ticket limits
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(text), "procedures: procedures.sample.yaml", "procedures: "+mustAbs(t, "../../configs/procedures.sample.yaml"), 1) +
		"\nnotify:\n  kinds: [taken]" + p.yaml
	cfg := filepath.Join(dir, "center.yaml")
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	c := startChild(t, "serve", "--config", cfg, "--addr", "127.0.0.1:0", "--data", data)
	killed := false // kill waits for the exit, which comes once
	t.Cleanup(func() {
		if !killed {
			c.kill()
		}
	})

	const n, workers = 7, 4 // outbox.Opts.Workers' default
	phones := make([]string, n)
	keys := make(map[string]string, n) // key → the provider's number
	client := &http.Client{Timeout: 10 * time.Second}
	for i := range phones {
		phones[i] = fmt.Sprintf("09876543%02d", i)
		p.set(p.phone(phones[i]), notifytest.Hold)
		tk, status, err := postTicket(client, c.base, "A", "")
		if err != nil || status != http.StatusCreated {
			t.Fatalf("ticket %d: %d %v", i, status, err)
		}
		if code, body := req(t, "POST", c.base+"/api/v1/tickets/"+tk.ID+"/contact", "", map[string]any{"phone": phones[i], "consent": true}, nil); code != 200 {
			t.Fatalf("contact %d: %d %s", i, code, body)
		}
		keys["t:"+tk.ID+":taken"] = p.phone(phones[i])
	}
	// Every contact's answer came after its message was committed: all
	// seven are decided. The provider now holds one request per worker.
	within(t, "the provider holding a request per worker", 60*time.Second, func() bool { return len(p.accepted()) >= workers })
	c.kill()
	killed = true
	held := map[string]bool{}
	for _, m := range p.accepted() {
		held[m.key] = true
	}
	if len(held) != workers {
		t.Fatalf("the provider took %d messages before the kill, want %d (one per worker)", len(held), workers)
	}
	for _, ph := range phones {
		p.set(p.phone(ph), notifytest.Accept)
	}

	c2 := startChild(t, "serve", "--config", cfg, "--addr", "127.0.0.1:0", "--data", data)
	t.Cleanup(c2.kill)
	taken := func(k string) int {
		if p.twice && held[k] {
			return 2
		}
		return 1
	}
	per := map[string]int{}
	within(t, "every decided message sent after the restart", 90*time.Second, func() bool {
		clear(per)
		for _, m := range p.accepted() {
			per[m.key]++
		}
		for k := range keys {
			if per[k] < taken(k) || (p.requests != nil && held[k] && p.requests(k) < 2) {
				return false
			}
		}
		return true
	})
	for _, m := range p.accepted() {
		if keys[m.key] != m.phone {
			t.Errorf("message %s went to %s, want %s", m.key, m.phone, keys[m.key])
		}
	}
	if len(per) != n {
		t.Errorf("the provider holds messages %v, want those of the %d tickets", per, n)
	}
	for k := range keys {
		if per[k] != taken(k) {
			t.Errorf("%s: taken %d times, want %d", k, per[k], taken(k))
		}
		if want := 1 + boolInt(held[k]); p.requests != nil && p.requests(k) != want {
			t.Errorf("%s: %d requests, want %d (a message held at the kill again with the same key)", k, p.requests(k), want)
		}
	}
	for _, logs := range []string{c.logs.String(), c2.logs.String()} {
		for _, ph := range phones {
			if strings.Contains(logs, ph[1:]) {
				t.Fatalf("a log line holds the number %s", ph)
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
