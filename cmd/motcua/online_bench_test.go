package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/identity"
	"motcua/internal/pgtest"
	"motcua/kiosk/web"
	"motcua/province/booking"
	"motcua/province/online"
	"motcua/province/online/onlinetest"
	"motcua/province/pgstore"
	"motcua/queue"
)

// BenchmarkHubBookings is the hub's booking of online numbers with the
// caps of one person enforced across 100 centers, against real PostgreSQL:
// each op is POST /api/v1/online/bookings through the hub's handler (the
// code checked, the person's caps counted over the bookings and walk-in
// tickets of every center under the person's lock, the field's quota under
// its lock, the booking signed, its QR drawn, inserted, the code used),
// from 16 clients at once. The hub already holds 20,000 walk-in tickets of
// the day, 200 a center, whose people book too. Codes are requested before
// the clock starts. It reports requests/s and the p50 and p99 of one
// request; a quarter of the requests are refused by the caps (%capped),
// and booked/s counts those booked (docs/BENCHMARKS.md). In "without-qr"
// the answer carries no QR drawing: what the store and the rest cost.
func BenchmarkHubBookings(b *testing.B) {
	b.Run("with-qr", func(b *testing.B) { benchBookings(b, web.QRSVG) })
	b.Run("without-qr", func(b *testing.B) {
		benchBookings(b, func(string) ([]byte, error) { return []byte("<svg/>"), nil })
	})
}

func benchBookings(b *testing.B, qr func(string) ([]byte, error)) {
	ctx := context.Background()
	ict := time.FixedZone("ICT", 7*3600)
	now := time.Now().In(ict)
	day := now.Format(time.DateOnly)
	db, err := pgstore.Open(ctx, pgtest.URL(b), pgstore.Opts{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	h, _ := identity.New([]byte("province-secret-0123456789"))
	key, err := booking.LoadOrCreateKey(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	signer, _ := booking.NewSigner(key)
	const centers = 100
	var offers []online.Offer
	whole := []queue.Span{{From: 0, To: 24 * 60}}
	for c := range centers {
		offers = append(offers, online.Offer{Center: fmt.Sprintf("c%03d", c), Name: fmt.Sprintf("Xã %d", c), Location: ict,
			Window: 60 * time.Minute, Caps: queue.Caps{PerDay: 2, PerField: 1}, Fields: []online.OfferField{
				{Code: "A", Name: "Hộ tịch", Quota: 1_000_000, Hours: whole}, {Code: "B", Name: "Đất đai", Quota: 1_000_000, Hours: whole}}})
	}
	sender := &onlinetest.Sender{}
	// One loopback address books for everyone here: no limit per address.
	svc, err := online.New(online.Opts{Store: db, Signer: signer, Hasher: h, Sender: sender, QR: qr, Codes: 1 << 30, PerAddress: -1,
		Offers: func(context.Context) ([]online.Offer, error) { return offers, nil }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	number := func(i int) string { return fmt.Sprintf("0010%08d", i+1) }
	// The walk-ins the hub holds: 200 a center, of field A, by people who
	// book below (the first 20,000 numbers).
	for c := range centers {
		var evs []queue.Event
		for j := range 200 {
			p := h.Person(number(c*200 + j))
			at := now.Add(-time.Hour)
			tk := queue.Ticket{ID: fmt.Sprintf("t%d-%d", c, j), Day: day, Origin: "A", Seq: j + 1, Number: fmt.Sprintf("A%03d", j+1),
				Service: "A", State: queue.Done, IssuedAt: at, QueuedAt: at, Print: queue.PrintNone, Person: string(p)}
			evs = append(evs, queue.Event{Seq: uint64(j + 1), At: at, Type: queue.EventIssued, Ticket: tk})
		}
		if _, err := db.Ingest(ctx, offers[c].Center, evs); err != nil {
			b.Fatal(err)
		}
	}
	window := now.Truncate(time.Hour).Format("15:04")
	type try struct{ body string }
	tries := make([]try, b.N)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range b.N {
		id := number(rng.IntN(40_000)) // half of them hold a walk-in of A
		phone := fmt.Sprintf("09%08d", i)
		req, err := svc.RequestCode(ctx, online.CodeRequest{Phone: phone, IDNumber: id})
		if err != nil {
			b.Fatal(err)
		}
		field := []string{"A", "B"}[rng.IntN(2)]
		tries[i] = try{fmt.Sprintf(`{"center":%q,"field":%q,"day":%q,"from":%q,"id_number":%q,"request":%q,"code":%q}`,
			offers[rng.IntN(centers)].Center, field, day, window, id, req, sender.LastCode(phone))}
	}
	hs := httptest.NewServer(svc.Handler())
	defer hs.Close()
	client := hs.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	took := make([]time.Duration, b.N)
	var next, booked, refused atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t0 := time.Now()
				resp, err := client.Post(hs.URL+"/api/v1/online/bookings", "application/json", strings.NewReader(tries[i].body))
				if err != nil {
					b.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				took[i] = time.Since(t0)
				switch {
				case resp.StatusCode == http.StatusCreated:
					booked.Add(1)
				case resp.StatusCode == http.StatusConflict && bytes.Contains(body, []byte(`"person_cap"`)):
					refused.Add(1)
				default:
					b.Errorf("booking %d: %d %s", i, resp.StatusCode, body)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(took)
	q := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))]) / 1e6 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "requests/s")
	b.ReportMetric(float64(booked.Load())/elapsed.Seconds(), "booked/s")
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(refused.Load())/float64(b.N)*100, "%capped")
}

// BenchmarkCheckInScanToTicket is an online number checked in at the
// kiosk, from the scan to the ticket: the booking's code in POST
// /api/v1/bookings/check-in, its signature checked with the hub's key,
// the person's caps counted, the ticket queued at its window's start and
// committed (SQLite, synchronous=FULL) before the 201; one after another
// as one kiosk sends them, each a different booking and person. It
// reports the p50 and p99 of one request (docs/BENCHMARKS.md).
func BenchmarkCheckInScanToTicket(b *testing.B) {
	dir := b.TempDir()
	data, err := os.ReadFile(demo)
	if err != nil {
		b.Fatal(err)
	}
	yaml := strings.Replace(string(data), "procedures: procedures.sample.yaml", "", 1) +
		"security: {kiosk_tickets: {burst: 1000000, every: 1ns}, address_tickets: {burst: 1000000, every: 1ns}}\n"
	path := filepath.Join(dir, "center.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	cfg.DataDir = filepath.Join(dir, "data")
	cfg.Hub.Center = "c1"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		b.Fatal(err)
	}
	keys, err := openBookingKeys(cfg.DataDir, log)
	if err != nil {
		b.Fatal(err)
	}
	key, err := booking.LoadOrCreateKey(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	signer, _ := booking.NewSigner(key)
	if err := keys.set(booking.EncodePublic(signer.Public()), nil); err != nil {
		b.Fatal(err)
	}
	svc, err := openService(context.Background(), cfg, serviceOpts{log: log, bookingKeys: keys})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(svc.handler)
	defer func() { hs.Close(); svc.close() }()
	loc := cfg.Location()
	now := time.Now().In(loc)
	from := now.Truncate(time.Minute).Add(-10 * time.Minute)
	h, _ := identity.New([]byte("province-secret-0123456789"))
	fields := []string{"A", "B", "C", "D"}
	bodies := make([]string, b.N)
	for i := range b.N {
		code, err := signer.Sign(booking.Token{ID: fmt.Sprintf("%016x", i+1), Center: "c1", Field: fields[i%4],
			Day: now.Format(time.DateOnly), From: from, To: from.Add(time.Hour), Person: string(h.Person(fmt.Sprintf("0010%08d", i+1)))})
		if err != nil {
			b.Fatal(err)
		}
		bodies[i] = `{"code":"` + code + `"}`
	}
	client := hs.Client()
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/bookings/check-in", strings.NewReader(bodies[i]))
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
			b.Fatalf("check-in %d: %d", i, resp.StatusCode)
		}
	}
	b.StopTimer()
	slices.Sort(took)
	q := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))]) / 1e6 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}
