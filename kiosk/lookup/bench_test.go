package lookup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/upstream"
)

// latencies records per-operation durations and reports their percentiles.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return
	}
	slices.Sort(l.d)
	at := func(q float64) float64 {
		return float64(l.d[min(len(l.d)-1, int(q*float64(len(l.d))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// endpoint is GET /api/v1/dossiers/{code} as the HTTP layer serves it:
// decode, call the service, turn errors into JSON (here only the kinds the
// benchmark meets).
func endpoint(s *Service) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/dossiers/{code}", func(w http.ResponseWriter, r *http.Request) {
		d, err := s.Lookup(r.Context(), "k1", r.PathValue("code"), r.URL.Query().Get("sig"))
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			status, code := http.StatusInternalServerError, "internal"
			if errors.Is(err, ErrNotFound) {
				status, code = http.StatusNotFound, "not_found"
			}
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code}})
			return
		}
		json.NewEncoder(w).Encode(d)
	})
	return mux
}

// benchEndpoint runs GETs of codes through the endpoint, from parallel
// clients, recording each request's latency.
func benchEndpoint(b *testing.B, s *Service, codes []string, parallelism int) {
	srv := httptest.NewServer(endpoint(s))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var lat latencies
	var mu sync.Mutex
	next := 0
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			c := codes[next%len(codes)]
			next++
			mu.Unlock()
			start := time.Now()
			resp, err := client.Get(srv.URL + "/api/v1/dossiers/" + c)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			lat.add(time.Since(start))
			if resp.StatusCode != http.StatusOK {
				b.Errorf("%s: HTTP %d", c, resp.StatusCode)
				return
			}
		}
	})
	b.StopTimer()
	lat.report(b)
}

func benchCodes(n int) []string {
	codes := make([]string, n)
	for i := range codes {
		codes[i] = fmt.Sprintf("000.00.14.H56-240510-%04d", i+1)
	}
	return codes
}

func benchService(b *testing.B, src dossier.Source) *Service {
	s, err := New(Opts{Parser: newParser(b, base), Source: src, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkLookupLocal: GET /api/v1/dossiers/{code} answered by the local
// registry holding 5,000 dossiers with some history.
func BenchmarkLookupLocal(b *testing.B) {
	clk := clocktest.New(time.Now())
	reg := newRegistry(b, clk)
	codes := benchCodes(5000)
	var csv strings.Builder
	csv.WriteString("code,status,procedure,applicant,received_at,due_at,unit\n")
	for _, c := range codes {
		fmt.Fprintf(&csv, "%s,4,Đăng ký khai sinh,Nguyễn Thị Hoa,2024-05-10 08:00,2024-05-20,Phòng Tư pháp\n", c)
	}
	if _, err := reg.Import(context.Background(), strings.NewReader(csv.String()), 0); err != nil {
		b.Fatal(err)
	}
	benchEndpoint(b, benchService(b, reg), codes, 4)
}

// slowSystem is a TraCuuHoSo main system that takes delay per lookup.
func slowSystem(b *testing.B, delay time.Duration) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		if r.URL.Path == "/login" {
			w.Write([]byte(`{"error_code":0,"session":"s"}`))
			return
		}
		time.Sleep(delay)
		fmt.Fprintf(w, `{"error_code":0,"result":[{"MaHoSo":%q,"TenTTHC":"Đăng ký khai sinh","ChuHoSo":"Nguyễn Thị Hoa",`+
			`"NgayTiepNhan":"20240510080000","NgayHenTra":"20240520170000","TrangThaiHoSo":4,"DonViXuLy":"Phòng Tư pháp"}]}`, in["mahoso"])
	}))
	b.Cleanup(srv.Close)
	return srv
}

func upstreamClient(b *testing.B, srv *httptest.Server, cache bool) *upstream.Client {
	o := upstream.TraCuuHoSo(srv.URL+"/login", srv.URL+"/lookup", "motcua", "x", "000.00.14.H56")
	o.Logger = slog.New(slog.DiscardHandler)
	o.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	if !cache {
		o.CacheTTL, o.NotFoundTTL = -1, -1
	}
	c, err := upstream.New(o)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkLookupUpstreamCold: every lookup goes to a main system that takes
// 100 ms (cache off), 16 kiosks at once.
func BenchmarkLookupUpstreamCold(b *testing.B) {
	up := upstreamClient(b, slowSystem(b, 100*time.Millisecond), false)
	benchEndpoint(b, benchService(b, up), benchCodes(5000), 8)
}

// BenchmarkLookupUpstreamCached: the same codes again within the cache TTL.
func BenchmarkLookupUpstreamCached(b *testing.B) {
	up := upstreamClient(b, slowSystem(b, 100*time.Millisecond), true)
	codes := benchCodes(200)
	var wg sync.WaitGroup
	for _, c := range codes { // warm the cache: all at once, 100 ms in all
		wg.Go(func() {
			if _, err := up.Lookup(context.Background(), c); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
	benchEndpoint(b, benchService(b, up), codes, 4)
}

func benchDecode(b *testing.B, qr, barcode string) {
	data := encodePNG(b, frame(b, qr, barcode))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := DecodeImage(bytes.NewReader(data), DefaultMaxImageBytes); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "decodes/s")
}

// BenchmarkDecodeImageQR: a 640×480 PNG frame holding a receipt QR code.
func BenchmarkDecodeImageQR(b *testing.B) { benchDecode(b, Sign(base+"/h/", secret, code), "") }

// BenchmarkDecodeImageCode128: a 640×480 PNG frame holding a receipt's Code128.
func BenchmarkDecodeImageCode128(b *testing.B) { benchDecode(b, "", code) }
