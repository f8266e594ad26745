package push

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// tokens are the test kiosks' credentials.
var tokens = map[string]string{"token-k1": "k1", "token-k2": "k2", "token-k9": "k9"}

// bearer is the test's Authorize: the kiosk of the bearer token.
func bearer(r *http.Request) (string, bool) {
	k, ok := tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	return k, ok
}

func start(t *testing.T) (*Hub, string, context.CancelFunc) {
	t.Helper()
	h := New(Opts{Kiosks: []string{"k1", "k2"}, Authorize: bearer, Hosts: []string{"motcua.local:8080"}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	srv := httptest.NewServer(h)
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	return h, "ws" + strings.TrimPrefix(srv.URL, "http"), cancel
}

// dial opens url as the kiosk whose token is tok.
func dial(t *testing.T, url, tok string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer " + tok}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// pushUntil pushes code every 20 ms until c receives a frame (the page
// joins the hub just after its handshake) and returns the frame. One read
// waits for it: a websocket read that timed out cannot be retried.
func pushUntil(t *testing.T, h *Hub, kiosk, code string, c *websocket.Conn) Frame {
	t.Helper()
	stop := make(chan struct{})
	pushed := make(chan struct{})
	go func() {
		defer close(pushed)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			h.Push(kiosk, code)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	defer func() { close(stop); <-pushed }()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var f Frame
	if err := c.ReadJSON(&f); err != nil {
		t.Fatalf("no frame arrived: %v", err)
	}
	c.SetReadDeadline(time.Time{})
	return f
}

func TestScanReachesItsKioskOnly(t *testing.T) {
	h, url, _ := start(t)
	k1 := dial(t, url+"?kiosk=k1", "token-k1")
	k2 := dial(t, url, "token-k2") // the kiosk is the credential's
	f := pushUntil(t, h, "k1", "000.00.14.H56-200203-0118", k1)
	if f.Type != "scan" || f.Code != "000.00.14.H56-200203-0118" {
		t.Fatalf("frame %+v", f)
	}
	pushUntil(t, h, "k2", "for-k2", k2) // k2 is joined now
	h.Push("k1", "second")
	k2.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	var got Frame
	if err := k2.ReadJSON(&got); err == nil && got.Code != "for-k2" {
		t.Fatalf("kiosk k2 received k1's scan %+v", got)
	}
}

func TestUnknownKioskIsRefused(t *testing.T) {
	_, url, _ := start(t)
	_, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer token-k9"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown kiosk: err %v, resp %v", err, resp)
	}
}

// The issue: /ws/kiosk?kiosk=k1 with no credential received every scan
// (ID-card QR codes, signed receipt URLs). Only k1's credential gets k1's,
// on the service's own address.
func TestScansOnlyToTheKiosksCredential(t *testing.T) {
	h, url, _ := start(t)
	port := strings.TrimPrefix(url[strings.LastIndex(url, ":"):], ":")
	for _, tc := range []struct {
		name   string
		query  string
		header http.Header
		status int
		code   string
	}{
		{"no credential", "?kiosk=k1", nil, 401, "device_unpaired"},
		{"a wrong token", "?kiosk=k1", http.Header{"Authorization": {"Bearer token-k7"}}, 401, "device_unpaired"},
		{"k2 asking for k1", "?kiosk=k1", http.Header{"Authorization": {"Bearer token-k2"}}, 403, "forbidden"},
		{"another site's name", "", http.Header{"Authorization": {"Bearer token-k1"}, "Host": {"evil.example:" + port}}, 403, "forbidden"},
		{"another site's page", "", http.Header{"Authorization": {"Bearer token-k1"}, "Origin": {"http://evil.example"}}, 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := http.Header{}
			for k, v := range tc.header {
				hdr[k] = v
			}
			req, _ := http.NewRequest("GET", "http"+strings.TrimPrefix(url, "ws")+tc.query, nil)
			req.Header = hdr
			if host := hdr.Get("Host"); host != "" {
				req.Host = host
			}
			req.Header.Set("Connection", "Upgrade")
			req.Header.Set("Upgrade", "websocket")
			req.Header.Set("Sec-WebSocket-Version", "13")
			req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || (tc.code != "" && !strings.Contains(string(body), `"code":"`+tc.code)) {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, body, tc.status, tc.code)
			}
		})
	}
	// The configured name and localhost on the connection's port are the service's.
	for _, host := range []string{"motcua.local:8080", "localhost:" + port} {
		c, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer token-k1"}, "Host": {host}})
		if err != nil {
			t.Fatalf("Host %s: %v", host, err)
		}
		if f := pushUntil(t, h, "k1", "for-k1", c); f.Code != "for-k1" {
			t.Fatalf("Host %s: frame %+v", host, f)
		}
		c.Close()
	}
}

func TestStopClosesPagesAndPushReturns(t *testing.T) {
	h, url, cancel := start(t)
	c := dial(t, url, "token-k1")
	pushUntil(t, h, "k1", "x", c)
	cancel()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			break // closed by the hub
		}
	}
	for range 100 { // more than the push buffer: must not block once stopped
		h.Push("k1", "late")
	}
}

// TestConnectionCaps: one address holds at most MaxConnsPerAddr pages; the
// next upgrade is answered 503 too_many_connections (no socket), and a page
// that goes away gives its slot back. Failed before: every upgrade was
// accepted.
func TestConnectionCaps(t *testing.T) {
	h := New(Opts{Kiosks: []string{"k1"}, Authorize: bearer, MaxConnsPerAddr: 2})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	srv := httptest.NewServer(h)
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + Path
	auth := http.Header{"Authorization": {"Bearer token-k1"}}
	first := dial(t, url, "token-k1")
	dial(t, url, "token-k1")
	_, resp, err := websocket.DefaultDialer.Dial(url, auth)
	if err == nil {
		t.Fatal("a third page from one address was accepted")
	}
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("over the cap: %v %v, want 503 with Retry-After", resp, err)
	}
	var body strings.Builder
	io.Copy(&body, resp.Body)
	if !strings.Contains(body.String(), `"too_many_connections"`) {
		t.Fatalf("over the cap: body %s", body.String())
	}
	first.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, _, err := websocket.DefaultDialer.Dial(url, auth)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed page did not give its slot back: %v", err)
		}
		<-time.After(20 * time.Millisecond)
	}
}
