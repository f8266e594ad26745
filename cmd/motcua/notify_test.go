package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/dossier/registry"
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

// A dossier's contact: each status the main system pushes is told once,
// "result ready" for status 9; a dossier the registry does not know takes
// no contact.
func TestNotifyDossierStatus(t *testing.T) {
	fake := notifytest.NewSMS(t)
	svc, c := openDemo(t, t.TempDir(), dossierSMS(fake))
	const code = "000.00.14.H56-200203-0118"
	if err := svc.registry.Record(context.Background(), registry.ReceiptInfo{Code: code, Procedure: "Cấp giấy phép xây dựng",
		Applicant: "Nguyễn Văn An", ReceivedAt: time.Now(), DueAt: time.Now().AddDate(0, 0, 10)}); err != nil {
		t.Fatal(err)
	}
	if st := call(t, c, "", "POST", "/api/v1/dossiers/000.00.14.H56-200203-9999/contact", map[string]any{"phone": "0912345678", "consent": true}, nil); st != http.StatusNotFound {
		t.Errorf("an unknown dossier: %d, want 404", st)
	}
	if st := call(t, c, "", "POST", "/api/v1/dossiers/"+code+"/contact", map[string]any{"phone": "0912345678", "consent": true}, nil); st != http.StatusOK {
		t.Fatalf("contact: %d", st)
	}
	admin := staffToken(t, c, "quantri")
	for _, status := range []int{4, 4, 9} {
		if st := call(t, c, admin, "POST", "/api/v1/dossiers/"+code+"/status", map[string]any{"status": status}, nil); st != http.StatusNoContent {
			t.Fatalf("push %d: %d", status, st)
		}
	}
	for _, want := range []string{"Ho so " + code + ": Dang xu ly", "Ho so " + code + " da co ket qua"} {
		select {
		case m := <-fake.Arrived():
			if !strings.Contains(m.Content, want) || m.Phone != "0912345678" {
				t.Errorf("SMS %+v, want %q", m, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no SMS saying %q", want)
		}
	}
	if n := fake.Requests(); n != 2 {
		t.Errorf("%d SMS requests, want 2 (status 4 told once)", n)
	}
}

// dossierSMS is the notify section of a center telling dossiers' statuses
// by the fake eSMS-like gateway.
func dossierSMS(fake *notifytest.SMS) string {
	return `
notify:
  kinds: [dossier_status, result_ready]
  channels: [sms]
  sms:
    url: ` + fake.URL + `
    body: {ApiKey: ` + fake.APIKey + `, SecretKey: ` + fake.SecretKey + `, Phone: "{phone}", Content: "{text}", Brandname: MOTCUA, SmsType: "2", RequestId: "{key}"}
    answer: {code_path: CodeResult, ok: ["100"], duplicate: ["124"], recipient: ["99"], channel: ["101", "103"], id_path: SMSID}
    phone_format: "0"
    ascii: true
`
}

// A status that reaches the registry by an import, a DongBoHoSoMC push of
// the whole dossier or a form 02 is told as a pushed one is, once: the
// same status pushed afterwards sends nothing more, an older one imported
// neither.
func TestNotifyDossierImport(t *testing.T) {
	fake := notifytest.NewSMS(t)
	svc, c := openDemo(t, t.TempDir(), dossierSMS(fake))
	const code = "000.00.14.H56-200203-0118"
	if err := svc.registry.Record(context.Background(), registry.ReceiptInfo{Code: code, Procedure: "Cấp giấy phép xây dựng",
		Applicant: "Nguyễn Văn An", ReceivedAt: time.Now(), DueAt: time.Now().AddDate(0, 0, 10)}); err != nil {
		t.Fatal(err)
	}
	if st := call(t, c, "", "POST", "/api/v1/dossiers/"+code+"/contact", map[string]any{"phone": "0912345678", "consent": true}, nil); st != http.StatusOK {
		t.Fatalf("contact: %d", st)
	}
	admin := staffToken(t, c, "quantri")
	post := func(what, path string, body any, want int) {
		t.Helper()
		if st := call(t, c, admin, "POST", path, body, nil); st != want {
			t.Fatalf("%s: %d, want %d", what, st, want)
		}
	}
	arrives := func(what, key, text string) {
		t.Helper()
		select {
		case m := <-fake.Arrived():
			if !strings.Contains(m.Content, text) || m.RequestID != key || m.Phone != "0912345678" {
				t.Fatalf("SMS %+v, want %s %q", m, key, text)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no SMS for %s", what)
		}
	}
	// Without status_at an import's status is of the time of the import.
	post("import 4", "/api/v1/dossiers", []map[string]any{{"code": code, "status": 4}}, http.StatusOK)
	arrives("the imported status", "d:"+code+":dossier_status:4", "Ho so "+code+": Dang xu ly")
	post("push 4", "/api/v1/dossiers/"+code+"/status", map[string]any{"status": 4}, http.StatusNoContent)
	old := time.Now().Add(-time.Hour).Format(time.RFC3339)
	post("import an older 5", "/api/v1/dossiers", []map[string]any{{"code": code, "status": 5, "status_at": old}}, http.StatusOK)
	post("form 02", "/api/v1/forms", map[string]any{"form": "02", "dossier_code": code, "items": []string{"Bản sao căn cước có chứng thực"},
		"reason": "Thiếu giấy tờ tùy thân", "printer": "quay1"}, http.StatusAccepted)
	arrives("form 02", "d:"+code+":dossier_status:5", "Ho so "+code+": Yeu cau bo sung giay to")
	post("sync 9", "/api/v1/dossiers/sync", []map[string]any{{"MaHoSo": code, "TenTTHC": "Cấp giấy phép xây dựng",
		"ChuHoSo": "Nguyễn Văn An", "NgayTiepNhan": "20200203083000", "TrangThaiHoSo": 9}}, http.StatusAccepted)
	arrives("result ready", "d:"+code+":result_ready:9", "Ho so "+code+" da co ket qua")
	if n := fake.Requests(); n != 3 {
		t.Errorf("%d SMS requests, want 3 (status 4 told once, the older 5 not at all)", n)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
