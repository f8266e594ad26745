package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
)

// BenchmarkScanToTicket is the kiosk's identity step from the scan to the
// ticket: a CCCD's QR code in POST /api/v1/tickets, read, hashed, checked
// against the person's caps, issued and committed (SQLite,
// synchronous=FULL) before the 201, one request after another as one
// kiosk sends them, each by another person; at a kiosk without a printer.
// It reports the p50 and p99 of one request (docs/BENCHMARKS.md).
func BenchmarkScanToTicket(b *testing.B) {
	hs := identityBenchCenter(b)
	client := hs.Client()
	fields := []string{"A", "B", "C", "D"}
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		card := fmt.Sprintf("0010%08d|123456789|Nguyễn Văn An|15081999|Nam|Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|20042021", i+1)
		body := `{"service":"` + fields[i%4] + `","citizen_id":"` + card + `"}`
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/tickets", bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer demo-kiosk-k2")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took = append(took, time.Since(start))
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	b.StopTimer()
	reportLatency(b, took)
}

// identityBenchCenter serves the demo with the ID card required in every
// field, the ticket rate limits lifted, until the benchmark ends.
func identityBenchCenter(b *testing.B) *httptest.Server {
	b.Helper()
	dir := b.TempDir()
	data, err := os.ReadFile(demo)
	if err != nil {
		b.Fatal(err)
	}
	yaml := strings.Replace(string(data), "procedures: procedures.sample.yaml", "", 1)
	yaml = identityYAML(yaml) + "security: {kiosk_tickets: {burst: 1000000, every: 1ns}, address_tickets: {burst: 1000000, every: 1ns}}\n"
	path := filepath.Join(dir, "center.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	cfg.DataDir = filepath.Join(dir, "data")
	svc, err := openService(context.Background(), cfg, serviceOpts{log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(svc.handler)
	b.Cleanup(func() { hs.Close(); svc.close() })
	return hs
}

// reportLatency reports the p50 and p99 of took, one request each.
func reportLatency(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	q := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))]) / 1e6 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}
