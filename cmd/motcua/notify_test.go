package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/notify/notifytest"
)

// A center with notifications on: the number given for a ticket gets its
// "number taken" SMS through the configured gateway; a request without
// consent or with a bad number is refused in Vietnamese and changes nothing.
func TestNotifyTicketContact(t *testing.T) {
	fake := notifytest.NewSMS(t)
	extra := `
notify:
  kinds: [taken, called]
  channels: [sms]
  sms:
    url: ` + fake.URL + `
    body: {ApiKey: ` + fake.APIKey + `, SecretKey: ` + fake.SecretKey + `, Phone: "{phone}", Content: "{text}", Brandname: MOTCUA, SmsType: "2", RequestId: "{key}"}
    answer: {code_path: CodeResult, ok: ["100"], duplicate: ["124"], recipient: ["99"], channel: ["101", "103"], id_path: SMSID}
    phone_format: "0"
    ascii: true
`
	_, c := openDemo(t, t.TempDir(), extra)
	client := &http.Client{Timeout: 10 * time.Second}
	tk, status, err := postTicket(client, c.url, "A", "")
	if err != nil || status != http.StatusCreated {
		t.Fatalf("ticket: %d %v", status, err)
	}
	post := func(body string) (int, map[string]any) {
		t.Helper()
		resp, err := client.Post(c.url+"/api/v1/tickets/"+tk.ID+"/contact", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	for _, tc := range []struct{ body, code string }{
		{`{"phone": "0912345678"}`, "missing_consent"},
		{`{"phone": "12345", "consent": true}`, "invalid_field"},
		{`{"consent": true}`, "missing_contact"},
	} {
		st, out := post(tc.body)
		e, _ := out["error"].(map[string]any)
		if st != http.StatusBadRequest || e["code"] != tc.code || e["message"] == "" {
			t.Errorf("%s: %d %v, want 400 %s", tc.body, st, out, tc.code)
		}
	}
	if st, out := post(`{"phone": "0912 345 678", "consent": true}`); st != http.StatusOK || strings.Contains(toJSON(out), "345") {
		t.Fatalf("contact: %d %v", st, out)
	}
	select {
	case m := <-fake.Arrived():
		if m.Phone != "0912345678" || !strings.Contains(m.Content, "Ban da lay so "+tk.Number) || m.RequestID != "t:"+tk.ID+":taken" {
			t.Fatalf("SMS %+v", m)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no SMS")
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
