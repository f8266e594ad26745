package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"motcua/cmd/motcua/internal/config"
	"motcua/devices/serialtest"
)

// A serial scanner configured for kiosk k1 (here one end of a socat
// pseudo-terminal pair) delivers what it reads to k1's page, live, and
// garbage on the line does not stop it.
func TestSerialScannerReachesItsKioskPage(t *testing.T) {
	pty := serialtest.New(t) // Port: the scanner's port as motcua opens it
	data, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	yaml := strings.Replace(string(data), "procedures: procedures.sample.yaml", "", 1) +
		"\nscanners:\n  - {name: may-quet-k1, kiosk: k1, path: " + pty.Port + ", suffix: crlf}\n"
	path := filepath.Join(dir, "center.yaml")
	os.WriteFile(path, []byte(yaml), 0o600)
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = filepath.Join(dir, "data")
	svc, err := openService(context.Background(), cfg, serviceOpts{log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(svc.handler)
	t.Cleanup(func() { hs.Close(); svc.close() })

	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws/kiosk", http.Header{"Authorization": {"Bearer demo-kiosk-k1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	dev, err := pty.OpenDevice() // the scanner's side of the cable
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()

	const code = "000.00.14.H56-200203-0118"
	got := make(chan string, 1)
	go func() {
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		var f struct{ Type, Code string }
		if err := ws.ReadJSON(&f); err == nil && f.Type == "scan" {
			got <- f.Code
		}
		close(got)
	}()
	// The scanner may still be opening its port and the page joining the hub:
	// scan again (garbage first) until the code arrives, as a citizen would.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		dev.Write([]byte("\x00\x07\xff\xfe\r\n" + code + "\r\n"))
		select {
		case c, ok := <-got:
			if !ok || c != code {
				t.Fatalf("kiosk page got %q (ok %v), want %s", c, ok, code)
			}
			return
		case <-tick.C:
		}
	}
}

// What a province's monitoring reads: each printer in /healthz and in the
// Prometheus metrics.
func TestHealthAndMetricsShowThePrinters(t *testing.T) {
	c := startCenter(t, false)
	resp, err := http.Get(c.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Status   string
		Printers map[string]struct{ State, Paper string }
	}
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if h.Status != "ok" || len(h.Printers) != 5 {
		t.Fatalf("healthz %+v", h)
	}
	// The spooler asks each idle printer at start; a file printer is online.
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(c.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), `motcua_printer_online{printer="kiosk1"} 1`) &&
			strings.Contains(string(body), `motcua_printer_paper{paper="ok",printer="quay4"} 1`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics lack the printers:\n%s", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
