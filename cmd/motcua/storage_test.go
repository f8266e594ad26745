package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"motcua/cmd/motcua/internal/config"
)

// demoConfig is the demo center with the tickets' rate limits of make bench
// (configs/bench.yaml), so that a test can take tickets as fast as it likes.
func demoConfig(t *testing.T, dir string) *config.Config {
	t.Helper()
	cfg, err := config.Load(bench)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = dir
	cfg.Listen = "127.0.0.1:0"
	return cfg
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// A data directory that held a database and lost it stops the start with
// one line naming the file; a fresh one starts.
func TestServiceRefusesALostDatabase(t *testing.T) {
	ctx := context.Background()
	fresh := t.TempDir()
	svc, err := openService(ctx, demoConfig(t, fresh), serviceOpts{log: quiet})
	if err != nil {
		t.Fatalf("fresh directory: %v", err)
	}
	svc.close()

	// The keys of an earlier start and an emptied database (no marker: an
	// install from before the marker).
	used := t.TempDir()
	for _, f := range []string{"session.key", "receipt.key"} {
		os.WriteFile(filepath.Join(used, f), []byte(strings.Repeat("k", 32)), 0o600)
	}
	os.WriteFile(filepath.Join(used, "motcua.db"), nil, 0o600)
	for _, dir := range []string{used, fresh} {
		if dir == fresh {
			os.Truncate(filepath.Join(fresh, "motcua.db"), 0)
		}
		_, err := openService(ctx, demoConfig(t, dir), serviceOpts{log: quiet})
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "motcua.db")) ||
			!strings.Contains(err.Error(), "backup") || strings.Contains(err.Error(), "\n") {
			t.Fatalf("%s: %v, want one line naming motcua.db and the backup", dir, err)
		}
		if st, _ := os.Stat(filepath.Join(dir, "motcua.db")); st.Size() != 0 {
			t.Fatal("the refused start wrote into the database")
		}
	}
	svc, err = openService(ctx, demoConfig(t, used), serviceOpts{log: quiet, resetDB: true})
	if err != nil {
		t.Fatalf("--reset-database: %v", err)
	}
	svc.close()
}

// smallDisk mounts a tmpfs of size bytes on a temporary directory, or skips
// the test when this machine does not let it mount.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.Itoa(size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a small filesystem here (needs root and mount): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// fill writes into dir until the filesystem is full and returns the file.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling: %v", err)
			}
			return path
		}
	}
}

type apiAnswer struct {
	status int
	body   map[string]any
	raw    string
}

func request(t *testing.T, method, url, body string) apiAnswer {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer demo-kiosk-k2")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := apiAnswer{status: resp.StatusCode, raw: string(raw)}
	json.Unmarshal(raw, &a.body)
	return a
}

// The disk fills: a ticket is refused with storage_unavailable (503, in
// Vietnamese), /healthz and /metrics say so, every acknowledged ticket stays;
// once there is room again numbering goes on after the last acknowledged one.
func TestDiskFullIsAnsweredAndShown(t *testing.T) {
	dir := smallDisk(t, 8<<20)
	ctx := context.Background()
	svc, err := openService(ctx, demoConfig(t, dir), serviceOpts{log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { svc.close() }()
	srv := httptest.NewServer(svc.handler)
	defer srv.Close()
	take := func() apiAnswer { return request(t, "POST", srv.URL+"/api/v1/tickets", `{"service":"A","kiosk":"k2"}`) }

	var acked []string
	for range 5 {
		a := take()
		if a.status != 201 {
			t.Fatalf("before the disk fills: %d %s", a.status, a.raw)
		}
		acked = append(acked, a.body["id"].(string))
	}
	filler := fill(t, dir)
	var refused apiAnswer
	for range 2000 {
		a := take()
		if a.status == 201 {
			acked = append(acked, a.body["id"].(string))
			continue
		}
		refused = a
		break
	}
	errBody, _ := refused.body["error"].(map[string]any)
	if refused.status != 503 || errBody["code"] != "storage_unavailable" || !strings.Contains(fmt.Sprint(errBody["message"]), "không lưu được") {
		t.Fatalf("on a full disk: %d %s, want 503 storage_unavailable in Vietnamese", refused.status, refused.raw)
	}
	if h := request(t, "GET", srv.URL+"/healthz", ""); h.status != 503 || h.body["storage"] != "full" {
		t.Fatalf("healthz on a full disk: %d %s, want 503 with storage full", h.status, h.raw)
	}
	m := request(t, "GET", srv.URL+"/metrics", "")
	if !strings.Contains(m.raw, "motcua_store_ok 0") || !regexp.MustCompile(`motcua_store_errors_total\{kind="full"\} [1-9]`).MatchString(m.raw) {
		t.Fatalf("metrics on a full disk lack motcua_store_ok 0 and a full error:\n%s", grepLines(m.raw, "motcua_store"))
	}
	// Nothing acknowledged is lost, nothing refused is there.
	if q := request(t, "GET", srv.URL+"/api/v1/queue", ""); q.body["waiting"].(map[string]any)["A"] != float64(len(acked)) {
		t.Fatalf("waiting %v, want A:%d", q.body["waiting"], len(acked))
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	a := take()
	if want := fmt.Sprintf("A%03d", len(acked)+1); a.status != 201 || a.body["number"] != want {
		t.Fatalf("with room again: %d %s, want %s", a.status, a.raw, want)
	}
	acked = append(acked, a.body["id"].(string))
	if h := request(t, "GET", srv.URL+"/healthz", ""); h.status != 200 {
		t.Fatalf("healthz with room again: %d %s", h.status, h.raw)
	}
	if m := request(t, "GET", srv.URL+"/metrics", ""); !strings.Contains(m.raw, "motcua_store_ok 1") {
		t.Fatalf("metrics with room again:\n%s", grepLines(m.raw, "motcua_store"))
	}

	// After a restart every acknowledged ticket is there.
	svc.close()
	svc, err = openService(ctx, demoConfig(t, dir), serviceOpts{log: quiet})
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	for i, id := range acked {
		tk, err := svc.engine.Ticket(ctx, id)
		if err != nil || tk.Number != fmt.Sprintf("A%03d", i+1) {
			t.Fatalf("ticket %d after the restart: %+v %v", i+1, tk, err)
		}
	}
}

func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
