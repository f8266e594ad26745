package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/notify/notifytest"
)

// The kiosk offers messages after the ticket: the number typed on its own
// keypad, sent only with the consent box ticked, forgotten once sent; the
// screen passes axe-core and fits both kiosk sizes.
func TestKioskPhoneForMessages(t *testing.T) {
	fake := notifytest.NewSMS(t)
	c := startCenter(t, false, func(yaml string) string {
		return yaml + `
notify:
  kinds: [taken, ahead, called]
  channels: [sms]
  sms:
    url: ` + fake.URL + `
    body: {ApiKey: ` + fake.APIKey + `, SecretKey: ` + fake.SecretKey + `, Phone: "{phone}", Content: "{text}", Brandname: MOTCUA, SmsType: "2", RequestId: "{key}"}
    answer: {code_path: CodeResult, ok: ["100"], duplicate: ["124"], recipient: ["99"], channel: ["101", "103"], id_path: SMSID}
    phone_format: "0"
    ascii: true
`
	})
	b := browser(t)
	axe := axeSource(t)
	for _, size := range kioskSizes {
		t.Run(size.name, func(t *testing.T) {
			before := fake.Requests()
			kiosk := tab(t, b, size.w, size.h)
			open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k2")
			goHome(t, kiosk, c)
			click(t, kiosk, `button.field[data-service="A"]`)
			waitFor(t, kiosk, "the confirmation", visible("confirm"))
			click(t, kiosk, "#take")
			waitFor(t, kiosk, "the ticket", visible("ticket"))
			waitFor(t, kiosk, "the offer of messages", visible("go-phone"))
			number := eval[string](t, kiosk, `document.getElementById("ticket-number").textContent`)
			click(t, kiosk, "#go-phone")
			waitFor(t, kiosk, "the phone screen", visible("phone"))
			for _, d := range "0912345678" {
				click(t, kiosk, fmt.Sprintf(`#phone-keypad [data-key="%c"]`, d))
			}
			if got := eval[string](t, kiosk, `document.getElementById("phone-text").textContent`); got != "0912 345 678" {
				t.Fatalf("typed number reads %q", got)
			}
			if hid := covered(t, kiosk, "#phone button, #phone-consent"); len(hid) > 0 {
				t.Errorf("covered on the phone screen: %q", hid)
			}
			click(t, kiosk, "#phone-send") // without consent
			waitFor(t, kiosk, "the consent reminder", `document.getElementById("phone-status").textContent.includes("đồng ý")`)
			checkAxe(t, kiosk, axe, "kiosk phone screen, consent missing")
			if n := fake.Requests() - before; n != 0 {
				t.Fatalf("%d SMS requests before consent", n)
			}
			click(t, kiosk, "#phone-consent")
			click(t, kiosk, "#phone-send")
			waitFor(t, kiosk, "the thanks", `document.getElementById("phone-status").textContent.includes("Đã nhận số điện thoại")`)
			if got := eval[string](t, kiosk, `document.getElementById("phone-text").textContent`); got != "" {
				t.Errorf("the number stays on screen after sending: %q", got)
			}
			checkAxe(t, kiosk, axe, "kiosk phone screen, sent")
			select {
			case m := <-fake.Arrived():
				if m.Phone != "0912345678" || !strings.Contains(m.Content, number) {
					t.Errorf("SMS %+v, want the number %s to 0912345678", m, number)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("no SMS")
			}
			waitFor(t, kiosk, "back to the ticket", visible("ticket"))
			if eval[bool](t, kiosk, visible("go-phone")) {
				t.Error("the offer is still shown for a ticket that has its number")
			}
		})
	}
}
