package main

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/internal/pgtest"
	"motcua/province/booking"
)

// TestOnlineNumberCheckedInWithTheHubDown: a center keeps the key its hub
// sent; with the hub gone and the center restarted, a booking signed by
// the hub is checked in at the kiosk, once: the same code after a kill -9
// of the center is refused, and so is a code of another key. No person's
// hash reaches the center's log.
func TestOnlineNumberCheckedInWithTheHubDown(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a hub and a center")
	}
	dir := t.TempDir()
	natsAddr := freeAddr(t)
	provinceFiles(t, dir, pgtest.URL(t), natsAddr, []string{"c1", "c2"}, func(string) string { return "nats://" + natsAddr })
	h := startChild(t, "hub", "--config", filepath.Join(dir, "hub.yaml"), "--addr", freeAddr(t))
	center := filepath.Join(dir, "c1.yaml")
	c := startChild(t, "serve", "--config", center, "--addr", "127.0.0.1:0")
	kept := filepath.Join(dir, "data-c1", hubBookingKeyFile)
	within(t, "the center keeps the hub's booking key", 60*time.Second, func() bool {
		_, err := os.Stat(kept)
		return err == nil
	})
	seed, err := os.ReadFile(filepath.Join(dir, "hub-data", booking.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	key, err := booking.LoadOrCreateKey(filepath.Join(dir, "hub-data"))
	if err != nil || len(seed) == 0 {
		t.Fatal(err)
	}
	hubSigner, _ := booking.NewSigner(key)
	h.kill()
	c.kill()
	c = startChild(t, "serve", "--config", center, "--addr", "127.0.0.1:0")

	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	now := time.Now().In(loc)
	from := now.Truncate(time.Minute).Add(-10 * time.Minute)
	person := strings.Repeat("5e", 32)
	tk := booking.Token{ID: "00000000000000e1", Center: "c1", Field: "A", Day: now.Format(time.DateOnly),
		From: from, To: from.Add(30 * time.Minute), Person: person}
	code, err := hubSigner.Sign(tk)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Number string `json:"number"`
		Online bool   `json:"online"`
	}
	body := map[string]string{"code": code}
	if st, raw := req(t, "POST", c.base+"/api/v1/bookings/check-in", "demo-kiosk-k2", body, &got); st != 201 || !got.Online {
		t.Fatalf("check-in with the hub down: %d %s", st, raw)
	}
	c.kill()
	c = startChild(t, "serve", "--config", center, "--addr", "127.0.0.1:0")
	if st, raw := req(t, "POST", c.base+"/api/v1/bookings/check-in", "demo-kiosk-k2", body, nil); st != 409 || !strings.Contains(raw, "booking_used") || !strings.Contains(raw, got.Number) {
		t.Fatalf("replayed after a kill -9: %d %s", st, raw)
	}
	other, _ := booking.NewSigner(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)))
	forged, _ := other.Sign(booking.Token{ID: "00000000000000e2", Center: "c1", Field: "A", Day: tk.Day, From: tk.From, To: tk.To, Person: person})
	if st, raw := req(t, "POST", c.base+"/api/v1/bookings/check-in", "demo-kiosk-k2", map[string]string{"code": forged}, nil); st != 400 || !strings.Contains(raw, "booking_invalid") {
		t.Fatalf("forged: %d %s", st, raw)
	}
	c.stop(t)
	if logs := c.logs.String(); strings.Contains(logs, person) || strings.Contains(logs, code[3:40]) {
		t.Fatalf("the person's hash or the code is in the center's log:\n%s", logs)
	}
}

// TestOnlineNumberBookedAtTheHubReachesTheCenter: the hub's file turns
// online booking on and the configuration published for c1 gives field A a
// quota; a citizen books two numbers for tomorrow through the hub's API
// (the code read from the demo sender's log) and cancels one; the
// cancellation reaches the center through the link, which then refuses
// that code, and checks the other's signature (it is tomorrow's). No raw
// ID number is in the hub's or the center's log.
func TestOnlineNumberBookedAtTheHubReachesTheCenter(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a hub and a center")
	}
	dir := t.TempDir()
	natsAddr := freeAddr(t)
	provinceFiles(t, dir, pgtest.URL(t), natsAddr, []string{"c1", "c2"}, func(string) string { return "nats://" + natsAddr })
	hubFile := filepath.Join(dir, "hub.yaml")
	hubYAML := mustRead(t, hubFile) + "online:\n  identity_secret: \"test-province-identity-secret-0123\"\n  sender: log\n"
	if err := os.WriteFile(hubFile, []byte(hubYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	hubAddr := freeAddr(t)
	h := startChild(t, "hub", "--config", hubFile, "--addr", hubAddr)
	hubURL := "http://" + hubAddr
	c := startChild(t, "serve", "--config", filepath.Join(dir, "c1.yaml"), "--addr", "127.0.0.1:0")

	var tok struct {
		Token string `json:"token"`
	}
	if code, body := req(t, "POST", hubURL+"/api/v1/auth/login", "", map[string]string{"username": "quantri", "password": "demo"}, &tok); code != 200 {
		t.Fatalf("hub login: %d %s", code, body)
	}
	published := strings.Replace(publishedYAML(t, mustRead(t, filepath.Join(dir, "c1.yaml"))),
		`{ code: A, name: "Hộ tịch" }`, `{ code: A, name: "Hộ tịch", hours: ["00:00-24:00"] }`, 1) +
		"\nonline: {quota: {A: 5}, window: 60m, days_ahead: 1}\n"
	if code, body := req(t, "PUT", hubURL+"/api/v1/centers/c1/config", tok.Token, []byte(published), nil); code != 200 {
		t.Fatalf("publish: %d %s", code, body)
	}
	type offer struct {
		ID     string `json:"id"`
		Fields []struct {
			Code string `json:"code"`
			Days []struct {
				Day     string   `json:"day"`
				Windows []string `json:"windows"`
			} `json:"days"`
		} `json:"fields"`
	}
	var offers []offer
	within(t, "c1 offers online numbers", 30*time.Second, func() bool {
		offers = nil
		req(t, "GET", hubURL+"/api/v1/online/centers", "", nil, &offers)
		return len(offers) == 1 && len(offers[0].Fields) == 1 && len(offers[0].Fields[0].Days) == 2
	})
	tomorrow := offers[0].Fields[0].Days[1]
	codeSent := regexp.MustCompile(`của bạn là (\d{6})`)
	book := func(id, phone string) (string, string) {
		t.Helper()
		var r struct{ Request string }
		before := len(codeSent.FindAllStringSubmatch(h.logs.String(), -1))
		if code, body := req(t, "POST", hubURL+"/api/v1/online/codes", "", map[string]string{"phone": phone, "id_number": id}, &r); code != 201 {
			t.Fatalf("code: %d %s", code, body)
		}
		var sent string
		within(t, "the new code in the hub's log", 10*time.Second, func() bool {
			all := codeSent.FindAllStringSubmatch(h.logs.String(), -1)
			if len(all) <= before {
				return false
			}
			sent = all[len(all)-1][1]
			return true
		})
		var b struct{ ID, Code string }
		if code, body := req(t, "POST", hubURL+"/api/v1/online/bookings", "", map[string]string{"center": "c1", "field": "A",
			"day": tomorrow.Day, "from": tomorrow.Windows[0], "id_number": id, "request": r.Request, "code": sent}, &b); code != 201 {
			t.Fatalf("book: %d %s", code, body)
		}
		return b.ID, b.Code
	}
	ids := []string{"001099012345", "079199000111"}
	cancelledID, cancelledCode := book(ids[0], "0912345678")
	_, keptCode := book(ids[1], "0987654321")
	if code, body := req(t, "POST", hubURL+"/api/v1/online/bookings/"+cancelledID+"/cancel", "", map[string]string{"code": cancelledCode}, nil); code != 200 {
		t.Fatalf("cancel: %d %s", code, body)
	}
	kept := filepath.Join(dir, "data-c1", hubBookingsFile)
	within(t, "the cancellation reaches c1", 30*time.Second, func() bool {
		b, err := os.ReadFile(kept)
		return err == nil && strings.Contains(string(b), `"id":"`+cancelledID+`"`) && strings.Contains(string(b), `"cancelled":true`)
	})
	if st, raw := req(t, "POST", c.base+"/api/v1/bookings/check-in", "demo-kiosk-k2", map[string]string{"code": cancelledCode}, nil); st != 409 || !strings.Contains(raw, "booking_cancelled") {
		t.Fatalf("a cancelled booking at the center: %d %s", st, raw)
	}
	if st, raw := req(t, "POST", c.base+"/api/v1/bookings/check-in", "demo-kiosk-k2", map[string]string{"code": keptCode}, nil); st != 409 || !strings.Contains(raw, "booking_day") {
		t.Fatalf("tomorrow's booking today: %d %s", st, raw)
	}
	c.stop(t)
	h.stop(t)
	for _, id := range ids {
		if strings.Contains(h.logs.String(), id) || strings.Contains(c.logs.String(), id) {
			t.Fatalf("the raw ID number %s is in a log", id)
		}
	}
}
