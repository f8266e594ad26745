package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/internal/pgtest"
	"motcua/kiosk/notify/notifytest"
)

// smsSection is a notify sms: section for the fake gateway g.
func smsSection(g *notifytest.SMS) string {
	return `  sms:
    url: ` + g.URL + `
    body: {ApiKey: ` + g.APIKey + `, SecretKey: ` + g.SecretKey + `, Phone: "{phone}", Content: "{text}", Brandname: MOTCUA, SmsType: "2", RequestId: "{key}"}
    answer: {code_path: CodeResult, ok: ["100"], duplicate: ["124"], recipient: ["99"], channel: ["101", "103"], id_path: SMSID}
    phone_format: "0"
    ascii: true
`
}

// TestOnlineNumbersMessagesAtTheCenter: a citizen books today's window at
// the hub's API with their consent to messages; the hub sends the phone to
// c1 with its bookings (never into c1's file of bookings); checked in at
// the kiosk, the online number gets "number taken" and, once called at
// counter 1, "go to counter 1" from c1's own SMS gateway, as a phone
// typed at the kiosk would. No log line of the hub or the center holds the
// phone.
func TestOnlineNumbersMessagesAtTheCenter(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a hub and a center")
	}
	hubGW, centerGW := notifytest.NewSMS(t), notifytest.NewSMS(t)
	dir := t.TempDir()
	natsAddr := freeAddr(t)
	provinceFiles(t, dir, pgtest.URL(t), natsAddr, []string{"c1", "c2"}, func(string) string { return "nats://" + natsAddr }) // c2 is enrolled, not started
	appendFile(t, filepath.Join(dir, "c1.yaml"), "\nnotify:\n  kinds: [taken, called]\n  channels: [sms]\n"+smsSection(centerGW))
	appendFile(t, filepath.Join(dir, "hub.yaml"), "notify:\n  channels: [sms]\n"+smsSection(hubGW)+
		"online:\n  identity_secret: \"test-province-identity-secret-0123\"\n  sender: log\n  messages: true\n")
	hubAddr := freeAddr(t)
	h := startChild(t, "hub", "--config", filepath.Join(dir, "hub.yaml"), "--addr", hubAddr)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			h.kill()
		}
	})
	hubURL := "http://" + hubAddr
	c := startChild(t, "serve", "--config", filepath.Join(dir, "c1.yaml"), "--addr", "127.0.0.1:0")
	t.Cleanup(func() {
		if !stopped {
			c.kill()
		}
	})

	var tok struct{ Token string }
	if code, body := req(t, "POST", hubURL+"/api/v1/auth/login", "", map[string]string{"username": "quantri", "password": "demo"}, &tok); code != 200 {
		t.Fatalf("hub login: %d %s", code, body)
	}
	published := strings.Replace(publishedYAML(t, mustRead(t, filepath.Join(dir, "c1.yaml"))),
		`{ code: A, name: "Hộ tịch" }`, `{ code: A, name: "Hộ tịch", hours: ["00:00-24:00"] }`, 1) +
		"\nonline: {quota: {A: 5}, window: 60m}\n"
	if code, body := req(t, "PUT", hubURL+"/api/v1/centers/c1/config", tok.Token, []byte(published), nil); code != 200 {
		t.Fatalf("publish: %d %s", code, body)
	}
	type offer struct {
		Messages bool `json:"messages"`
		Fields   []struct {
			Days []struct {
				Day     string   `json:"day"`
				Windows []string `json:"windows"`
			} `json:"days"`
		} `json:"fields"`
	}
	var offers []offer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("offers %+v\nhub:\n%s", offers, h.logs)
		}
	})
	within(t, "c1 offers online numbers", 30*time.Second, func() bool {
		offers = nil
		req(t, "GET", hubURL+"/api/v1/online/centers", "", nil, &offers)
		return len(offers) == 1 && len(offers[0].Fields) == 1 && len(offers[0].Fields[0].Days) > 0
	})
	if len(offers) == 0 || !offers[0].Messages {
		t.Fatal("the hub does not offer messages with online.messages on")
	}
	today := offers[0].Fields[0].Days[0]
	const phone = "0912345678"
	var r struct{ Request string }
	if code, body := req(t, "POST", hubURL+"/api/v1/online/codes", "", map[string]string{"phone": phone, "id_number": "001099012345"}, &r); code != 201 {
		t.Fatalf("code: %d %s", code, body)
	}
	codeSent := regexp.MustCompile(`của bạn là (\d{6})`)
	var sent string
	within(t, "the code in the hub's log", 10*time.Second, func() bool {
		m := codeSent.FindStringSubmatch(h.logs.String())
		if m != nil {
			sent = m[1]
		}
		return m != nil
	})
	var b struct {
		ID, Code string
		Notify   bool
	}
	if code, body := req(t, "POST", hubURL+"/api/v1/online/bookings", "", map[string]any{"center": "c1", "field": "A",
		"day": today.Day, "from": today.Windows[0], "id_number": "001099012345", "request": r.Request, "code": sent,
		"notify": true, "phone": "0912 345 678"}, &b); code != 201 || !b.Notify || strings.Contains(body, "912345678") {
		t.Fatalf("book: %d %s", code, body)
	}
	kept := filepath.Join(dir, "data-c1", hubBookingsFile)
	within(t, "the booking reaches c1", 30*time.Second, func() bool {
		f, err := os.ReadFile(kept)
		return err == nil && strings.Contains(string(f), `"id":"`+b.ID+`"`)
	})
	if f, _ := os.ReadFile(kept); strings.Contains(string(f), "912345678") {
		t.Fatalf("the phone is in the center's file of bookings:\n%s", f)
	}
	var tk struct {
		ID, Number string
		Online     bool
	}
	if st, raw := req(t, "POST", c.base+"/api/v1/bookings/check-in", "demo-kiosk-k2", map[string]string{"code": b.Code}, &tk); st != 201 || !tk.Online {
		t.Fatalf("check-in: %d %s", st, raw)
	}
	next := func(what string) notifytest.SMSMessage {
		t.Helper()
		select {
		case m := <-centerGW.Arrived():
			return m
		case <-time.After(60 * time.Second):
			t.Fatalf("no %s SMS from the center\ncenter:\n%s", what, c.logs)
		}
		return notifytest.SMSMessage{}
	}
	if m := next("taken"); m.Phone != phone || !strings.Contains(m.Content, "Ban da lay so "+tk.Number) || m.RequestID != "t:"+tk.ID+":taken" {
		t.Fatalf("taken: %+v", m)
	}
	staff := centerLogin(t, c.base, "canbo1")
	if code, body := req(t, "POST", c.base+"/api/v1/counters/1/next", staff, nil, nil); code != 200 || !strings.Contains(body, tk.Number) {
		t.Fatalf("next at counter 1: %d %s", code, body)
	}
	if m := next("called"); m.Phone != phone || !strings.Contains(m.Content, "Moi cong dan co so "+tk.Number+" den Quay 1") {
		t.Fatalf("called: %+v", m)
	}
	if n := hubGW.Requests(); n != 0 {
		t.Fatalf("%d SMS from the hub: the window had begun, no reminder was due", n)
	}
	stopped = true
	c.stop(t)
	h.stop(t)
	for name, logs := range map[string]string{"hub": h.logs.String(), "center": c.logs.String()} {
		if strings.Contains(logs, "912345678") || strings.Contains(logs, "912 345 678") {
			t.Errorf("the %s's log holds the phone:\n%s", name, logs)
		}
	}
}
