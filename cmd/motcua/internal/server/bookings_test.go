package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/clock/clocktest"
	"motcua/province/booking"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// bookingEnv is the demo center as center "c1" of a hub whose key signs
// bookings, on a fake clock at 09:00; without key it has none yet.
func bookingEnv(t *testing.T, key *booking.Signer) (*env, *testBookings) {
	t.Helper()
	cfg, err := config.Load("../../../../configs/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Hub.Center = "c1"
	cfg.Security.KioskTickets = config.RateLimit{Burst: 100000, Every: time.Millisecond}
	cfg.Security.AddressTickets = cfg.Security.KioskTickets
	clock := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	store := queuetest.NewStore()
	e, err := queue.New(context.Background(), queue.Opts{Fields: cfg.QueueFields(), Counters: cfg.QueueCounters(),
		Store: store, Clock: clock, Location: ict, Caps: queue.Caps{PerDay: 2, PerField: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	keys := &testBookings{cancelled: map[string]bool{}}
	if key != nil {
		v, err := booking.NewVerifier(key.Public())
		if err != nil {
			t.Fatal(err)
		}
		keys.v = v
	}
	s := New(Opts{Config: cfg, Engine: e, Store: pingOK{}, Sessions: testSessions(t, clock), Clock: clock, Bookings: keys})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); cancel(); <-done })
	return &env{t: t, srv: hs, engine: e, store: store, clock: clock}, keys
}

// testBookings is what the hub said: its key (nil: none) and the bookings
// cancelled.
type testBookings struct {
	v         *booking.Verifier
	cancelled map[string]bool
}

func (b *testBookings) Verifier() *booking.Verifier { return b.v }
func (b *testBookings) Cancelled(id string) bool    { return b.cancelled[id] }

func hubKey(t *testing.T, seed byte) *booking.Signer {
	t.Helper()
	s, err := booking.NewSigner(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signed is the code of a booking of field A at center, 08:30-09:00 of
// 2026-11-21 (ICT).
func signed(t *testing.T, key *booking.Signer, id, center, person string) string {
	t.Helper()
	from := time.Date(2026, 11, 21, 8, 30, 0, 0, ict)
	code, err := key.Sign(booking.Token{ID: id, Center: center, Field: "A", Day: "2026-11-21",
		From: from, To: from.Add(30 * time.Minute), Person: person})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func checkInBody(code string) string { return fmt.Sprintf(`{"code":%q,"kiosk":"k1"}`, code) }

// TestCheckInAtTheKiosk: a booking's code scanned at the kiosk gives a
// ticket that ranks as a walk-in issued at the window's start, once; the
// same code again, a code the hub did not sign, another center's code and
// a code past its window and grace are refused in Vietnamese, and nothing
// changes then. The hub's link plays no part: the key is the center's.
func TestCheckInAtTheKiosk(t *testing.T) {
	key := hubKey(t, 1)
	e, hubSaid := bookingEnv(t, key)
	an := strings.Repeat("a1", 32)
	// Two walk-ins at 09:00, after the window's start (08:30).
	for range 2 {
		if code, r := e.do("POST", "/api/v1/tickets", kioskK1, `{"service":"A"}`); code != 201 {
			t.Fatalf("walk-in: %d %v", code, r)
		}
	}
	code, tk := e.do("POST", "/api/v1/bookings/check-in", kioskK1, checkInBody(signed(t, key, "00000000000000b1", "c1", an)))
	if code != 201 || tk["number"] != "A003" || tk["online"] != true || tk["state"] != "waiting" || tk["ahead"].(float64) != 0 {
		t.Fatalf("check-in: %d %v", code, tk)
	}
	code, q := e.do("GET", "/api/v1/queue", "", "")
	fields := q["fields"].([]any)
	var order []string
	for _, w := range fields[0].(map[string]any)["tickets"].([]any) {
		order = append(order, w.(map[string]any)["number"].(string))
	}
	if code != 200 || strings.Join(order, ",") != "A003,A001,A002" {
		t.Fatalf("queue of A: %d %v", code, order)
	}

	hubSaid.cancelled["00000000000000b5"] = true
	before := e.engine.Snapshot().Seq
	cases := []struct {
		name, code string
		status     int
		err, says  string
	}{
		{"replayed", signed(t, key, "00000000000000b1", "c1", an), 409, "booking_used", "đã được dùng để lấy số A003"},
		{"forged", signed(t, hubKey(t, 2), "00000000000000b2", "c1", an), 400, "booking_invalid", "không do hệ thống đặt số của tỉnh cấp"},
		{"damaged", "MCB0123456789", 400, "booking_invalid", "không phải mã số hẹn"},
		{"other center", signed(t, key, "00000000000000b3", "c2", an), 409, "booking_other_center", "trung tâm khác (c2)"},
		{"cancelled at the hub", signed(t, key, "00000000000000b5", "c1", an), 409, "booking_cancelled", "đã được hủy"},
		{"empty", "", 400, "invalid_field", "mã QR"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, r := e.do("POST", "/api/v1/bookings/check-in", kioskK1, checkInBody(c.code))
			if code != c.status || errCode(r) != c.err || !strings.Contains(errMessage(r), c.says) {
				t.Fatalf("%d %v, want %d %s saying %q", code, r, c.status, c.err, c.says)
			}
		})
	}
	// 09:00 + 15 minutes of grace: the last minute; one later, refused.
	e.clock.Set(time.Date(2026, 11, 21, 9, 15, 1, 0, ict))
	code, r := e.do("POST", "/api/v1/bookings/check-in", kioskK1, checkInBody(signed(t, key, "00000000000000b4", "c1", strings.Repeat("b2", 32))))
	if code != 410 || errCode(r) != "booking_expired" || !strings.Contains(errMessage(r), "khung giờ 08:30-09:00 đã qua hơn 15 phút") {
		t.Fatalf("expired: %d %v", code, r)
	}
	if seq := e.engine.Snapshot().Seq; seq != before {
		t.Fatalf("refusals changed the queue: at event %d, was at %d", seq, before)
	}
}

// TestCheckInCaps: the caps of one person count an online number, and a
// walk-in counts against a booking checked in after it.
func TestCheckInCaps(t *testing.T) {
	key := hubKey(t, 1)
	e, _ := bookingEnv(t, key)
	an := strings.Repeat("c3", 32)
	if code, r := e.do("POST", "/api/v1/bookings/check-in", kioskK1, checkInBody(signed(t, key, "00000000000000c1", "c1", an))); code != 201 {
		t.Fatalf("check-in: %d %v", code, r)
	}
	// A second booking of A for the same person: over the field's cap.
	code, r := e.do("POST", "/api/v1/bookings/check-in", kioskK1, checkInBody(signed(t, key, "00000000000000c2", "c1", an)))
	if code != 409 || errCode(r) != "person_cap" {
		t.Fatalf("second online number in A: %d %v", code, r)
	}
}

// TestCheckInAtTheCounter: the counter's staff enter a booking's code; it
// joins the queue unprinted. Without the hub's key nothing is checked in.
func TestCheckInAtTheCounter(t *testing.T) {
	key := hubKey(t, 1)
	e, _ := bookingEnv(t, key)
	tok := e.login("canbo1")
	body := fmt.Sprintf(`{"code":%q}`, signed(t, key, "00000000000000d1", "c1", strings.Repeat("d4", 32)))
	code, tk := e.do("POST", "/api/v1/counters/1/check-in", tok, body)
	if code != 201 || tk["number"] != "A001" || tk["online"] != true || tk["print"].(map[string]any)["state"] != "none" {
		t.Fatalf("check-in at the counter: %d %v", code, tk)
	}
	if code, r := e.do("POST", "/api/v1/counters/1/check-in", "", body); code != 401 {
		t.Fatalf("without a session: %d %v", code, r)
	}

	none, _ := bookingEnv(t, nil)
	code, r := none.do("POST", "/api/v1/bookings/check-in", kioskK1, checkInBody(signed(t, key, "00000000000000d2", "c1", strings.Repeat("d4", 32))))
	if code != 503 || errCode(r) != "booking_unavailable" {
		t.Fatalf("no key: %d %v", code, r)
	}
}
