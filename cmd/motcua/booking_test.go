package main

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
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
