package main

import (
	"motcua/cmd/motcua/internal/config"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The kiosk socket of the wired service serves a kiosk only to its
// credential: the bearer token, or the cookie of a paired browser.
func TestKioskSocketNeedsTheKiosksCredential(t *testing.T) {
	c := startCenter(t, false)
	ws := "ws" + strings.TrimPrefix(c.url, "http") + "/ws/kiosk"
	if _, resp, err := websocket.DefaultDialer.Dial(ws+"?kiosk=k1", nil); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no credential: err %v, resp %v", err, resp)
	}
	if _, resp, err := websocket.DefaultDialer.Dial(ws+"?kiosk=k1", http.Header{"Authorization": {"Bearer demo-kiosk-k2"}}); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("k2's credential for k1: err %v, resp %v", err, resp)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Post(c.url+"/api/v1/devices/pair", "application/json", strings.NewReader(`{"token":"demo-kiosk-k1"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("pair: %v %v", resp, err)
	}
	resp.Body.Close()
	d := websocket.Dialer{Jar: jar}
	conn, _, err := d.Dial(ws, nil)
	if err != nil {
		t.Fatalf("the paired browser: %v", err)
	}
	conn.Close()
	// As the kiosk page sends it: from the service's own origin (a cookie
	// from elsewhere is refused).
	req, _ := http.NewRequest("POST", c.url+"/api/v1/tickets", strings.NewReader(`{"service":"A"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", c.url)
	resp, err = client.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("ticket from the paired browser: %v %v", resp, err)
	}
	resp.Body.Close()
}

// The attack of the issue printed 173 priority tickets on kiosk1 in 3.1 s.
// On the wired service, anonymous requests print nothing, and kiosk k1's own
// credential prints its burst of 5, then is told to wait.
func TestPriorityPrintFloodOnTheKioskPrinter(t *testing.T) {
	c := startCenter(t, false)
	post := func(auth string) int {
		req, _ := http.NewRequest(http.MethodPost, c.url+"/api/v1/tickets", strings.NewReader(`{"service":"A","priority":true,"kiosk":"k1"}`))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	codes := map[int]int{}
	for range 173 {
		codes[post("")]++
	}
	start := time.Now()
	for range 173 {
		codes[post("demo-kiosk-k1")]++
	}
	// The bucket gives one more every 2 s of the real clock: a loaded
	// machine taking longer over the 173 requests lets a few more through.
	refills := int(time.Since(start) / config.DefaultTicketEvery)
	if codes[http.StatusUnauthorized] != 173 || codes[http.StatusCreated] < 5 || codes[http.StatusCreated] > 5+refills ||
		codes[http.StatusCreated]+codes[http.StatusTooManyRequests] != 173 {
		t.Fatalf("answers %v, want 173×401, 5×201 (+%d refilled in %s), the rest 429", codes, refills, time.Since(start))
	}
	issued := codes[http.StatusCreated]
	var files []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		files, _ = filepath.Glob(filepath.Join(c.data, "prints", "*-ticket-A*.bin"))
		if len(files) >= issued {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // any job beyond those issued would be on its way
	files, _ = filepath.Glob(filepath.Join(c.data, "prints", "*-ticket-A*.bin"))
	if len(files) != issued {
		t.Fatalf("%d tickets printed on kiosk1, want the %d issued (its burst): %v", len(files), issued, files)
	}
}
