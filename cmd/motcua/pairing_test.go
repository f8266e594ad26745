package main

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

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
	resp, err = client.Post(c.url+"/api/v1/tickets", "application/json", strings.NewReader(`{"service":"A"}`))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("ticket from the paired browser: %v %v", resp, err)
	}
	resp.Body.Close()
}
