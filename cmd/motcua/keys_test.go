package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
)

// openDemo serves the demo config, with extra appended to its text, on data.
func openDemo(t *testing.T, data, extra string) (*service, *center) {
	t.Helper()
	text, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(text), "procedures: procedures.sample.yaml", "", 1) + extra
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = data
	svc, err := openService(context.Background(), cfg, serviceOpts{log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(svc.handler)
	t.Cleanup(func() { hs.Close(); svc.close() })
	return svc, &center{url: hs.URL, engine: svc.engine, data: data}
}

// A receipt key short or unreadable stops the start: replacing it would
// break the QR code of every receipt printed with it.
func TestReceiptKeyIsNeverReplaced(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(path string)
		want string
	}{
		{"short", func(p string) { os.WriteFile(p, []byte("0123456789"), 0o600) }, "is 10 bytes, shorter than 32"},
		{"unreadable", func(p string) { os.Mkdir(p, 0o700) }, "cannot read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "receipt.key")
			tc.make(path)
			before, _ := os.ReadFile(path)
			_, err := secret("", dir, "receipt.key")
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line naming %s with %q", err, path, tc.want)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Fatal("the key was replaced")
			}
		})
	}
	// None yet: one is made, kept, and read again.
	dir := t.TempDir()
	k1, err := secret("", dir, "receipt.key")
	if err != nil || len(k1) != 32 {
		t.Fatalf("new key %d bytes, %v", len(k1), err)
	}
	if k2, err := secret("", dir, "receipt.key"); err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("the kept key changed: %v", err)
	}
}

// Rotating the receipt key: receipts printed with the key of the data
// directory, and with the key it replaced, still verify; new ones are
// signed with the newest key.
func TestReceiptKeyRotation(t *testing.T) {
	const code = "000.00.14.H56-261120-0042"
	data := t.TempDir()
	svc, _ := openDemo(t, data, "")
	if err := svc.registry.Record(context.Background(), registry.ReceiptInfo{Code: code, Procedure: "Đăng ký khai sinh",
		Applicant: "Trần Thị Bình", ReceivedAt: time.Now(), DueAt: time.Now().AddDate(0, 0, 3)}); err != nil {
		t.Fatal(err)
	}
	svc.close()
	generated, err := os.ReadFile(filepath.Join(data, "receipt.key"))
	if err != nil {
		t.Fatal(err)
	}
	older, newest := "older-key-0123456789abcdef0123456789", "newest-key-0123456789abcdef012345678"
	_, c := openDemo(t, data, "security:\n  receipt_secrets: [\""+newest+"\", \""+older+"\"]\n")
	for _, tc := range []struct {
		name string
		key  []byte
		want int
	}{
		{"generated", generated, 200}, {"older", []byte(older), 200}, {"newest", []byte(newest), 200},
		{"another", []byte("another-key-0123456789abcdef01234567"), 422},
	} {
		resp, err := http.Get(c.url + "/api/v1/dossiers/" + code + "?sig=" + lookup.Signature(tc.key, code))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("receipt signed with the %s key: %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	printReceipt(t, c)
	want := "sig=" + lookup.Signature([]byte(newest), code)
	eventually(t, "the receipt printed with the newest key", func() bool {
		files, _ := filepath.Glob(filepath.Join(data, "prints", "*-receipt-*.bin"))
		for _, f := range files {
			if b, _ := os.ReadFile(f); bytes.Contains(b, []byte(want)) {
				return true
			}
		}
		return false
	})
}
