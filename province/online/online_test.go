package online_test

import (
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
	"motcua/internal/identity"
	"motcua/internal/pgtest"
	"motcua/province/booking"
	"motcua/province/online"
	"motcua/province/online/onlinetest"
	"motcua/province/pgstore"
	"motcua/queue"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var ict = time.FixedZone("ICT", 7*3600)

// rig is a hub's booking service on its own database: centers c1 and c2,
// each with fields A (quota 2) and B (quota 5), open 08:00-11:00 every
// day, bookable today and 2 days ahead; caps 2 a day, 1 per field.
type rig struct {
	t      *testing.T
	db     *pgstore.DB
	svc    *online.Service
	sender *onlinetest.Sender
	clock  *clocktest.Fake
	hasher *identity.Hasher
	signer *booking.Signer
}

func offers(context.Context) ([]online.Offer, error) {
	fields := []online.OfferField{
		{Code: "A", Name: "Hộ tịch", Quota: 2, Hours: []queue.Span{{From: 8 * 60, To: 11 * 60}}},
		{Code: "B", Name: "Đất đai", Quota: 5, Hours: []queue.Span{{From: 8 * 60, To: 11 * 60}}},
	}
	caps := queue.Caps{PerDay: 2, PerField: 1}
	return []online.Offer{
		{Center: "c1", Name: "Xã Một", Location: ict, DaysAhead: 2, Window: 30 * time.Minute, Caps: caps, Fields: fields},
		{Center: "c2", Name: "Xã Hai", Location: ict, DaysAhead: 2, Window: 30 * time.Minute, Caps: caps,
			Fields: append(slices.Clip(fields), online.OfferField{Code: "D", Name: "Kinh doanh", Quota: 5, Hours: fields[0].Hours})},
	}, nil
}

// newRig allows codes per phone in 15 minutes (0: the default).
func newRig(t *testing.T, codes int) *rig {
	t.Helper()
	clk := clocktest.New(time.Date(2026, 12, 1, 7, 0, 0, 0, ict))
	db, err := pgstore.Open(context.Background(), pgtest.URL(t), pgstore.Opts{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	h, err := identity.New([]byte("province-secret-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := booking.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := booking.NewSigner(key)
	sender := &onlinetest.Sender{}
	svc, err := online.New(online.Opts{Store: db, Signer: signer, Hasher: h, Sender: sender, Offers: offers,
		QR: func(text string) ([]byte, error) { return []byte("<svg>" + text + "</svg>"), nil }, Clock: clk,
		Codes: codes, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, db: db, svc: svc, sender: sender, clock: clk, hasher: h, signer: signer}
}

// book asks a code for id at phone and books with it.
func (r *rig) book(id, phone, center, field, day, from string) (online.Booked, error) {
	r.t.Helper()
	req, err := r.svc.RequestCode(context.Background(), online.CodeRequest{Phone: phone, IDNumber: id})
	if err != nil {
		r.t.Fatalf("code for %s: %v", phone, err)
	}
	code := r.sender.LastCode(mustPhone(r.t, phone))
	return r.svc.Book(context.Background(), online.BookRequest{Center: center, Field: field, Day: day, From: from,
		IDNumber: id, Request: req, Code: code})
}

func mustPhone(t *testing.T, s string) string {
	t.Helper()
	p, err := online.Phone(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// walkIn stores at the hub, as center's link would, a ticket taken at its
// kiosk by the holder of id.
func (r *rig) walkIn(center, id, number string, seq uint64) {
	r.t.Helper()
	p, err := r.hasher.Read(id)
	if err != nil {
		r.t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 7, 30, 0, 0, ict)
	tk := queue.Ticket{ID: center + number, Day: "2026-12-01", Origin: number[:1], Seq: int(seq), Number: number,
		Service: number[:1], State: queue.Waiting, IssuedAt: at, QueuedAt: at, Print: queue.PrintNone, Person: string(p)}
	if _, err := r.db.Ingest(context.Background(), center, []queue.Event{{Seq: seq, At: at, Type: queue.EventIssued, Ticket: tk}}); err != nil {
		r.t.Fatal(err)
	}
}

const (
	an   = "001099012345"
	binh = "079199000111"
)

// TestCapsAcrossChannelsAndCenters: one person's bookings and walk-in
// tickets count together across the hub's centers: 1 per field, 2 a day.
func TestCapsAcrossChannelsAndCenters(t *testing.T) {
	r := newRig(t, 100)
	// A walk-in of A at c2, seen by the hub.
	r.walkIn("c2", an, "A001", 1)
	_, err := r.book(an, "0912345678", "c1", "A", "2026-12-01", "08:30")
	var ce *pgstore.PersonCapError
	if !errors.As(err, &ce) || !ce.PerField || len(ce.Held) != 1 || ce.Held[0].Number != "A001" || ce.Held[0].Center != "c2" {
		t.Fatalf("booking A at c1 after a walk-in of A at c2: %v", err)
	}
	if _, err := r.book(an, "0912345678", "c1", "B", "2026-12-01", "08:30"); err != nil {
		t.Fatalf("B at c1: %v", err)
	}
	_, err = r.book(an, "0912345678", "c2", "C", "2026-12-01", "08:30")
	if !errors.Is(err, online.ErrNoField) {
		t.Fatalf("a field without online numbers: %v", err)
	}
	// B again at the other center: the field's cap holds across centers.
	_, err = r.book(an, "0912345678", "c2", "B", "2026-12-01", "09:00")
	if !errors.As(err, &ce) || !ce.PerField {
		t.Fatalf("booking B at c2 after B at c1: %v", err)
	}
	// Third number of the day, at the other center: over the day's cap.
	r.walkIn("c1", binh, "B001", 1) // someone else's walk-in counts for nobody here
	_, err = r.book(an, "0912345678", "c2", "D", "2026-12-01", "09:00")
	if !errors.As(err, &ce) || ce.PerField || len(ce.Held) != 2 {
		t.Fatalf("booking D at c2 with A and B held: %v", err)
	}
	// Same person, another day: a new allowance.
	if _, err := r.book(an, "0912345678", "c2", "A", "2026-12-02", "08:00"); err != nil {
		t.Fatalf("tomorrow: %v", err)
	}
	// The other person is not held by the first one's numbers.
	if _, err := r.book(binh, "0987654321", "c2", "A", "2026-12-01", "08:00"); err != nil {
		t.Fatalf("another person: %v", err)
	}
	// The error the page shows names the numbers and the centers.
	h := httpRig(t, r)
	code, body := h.post("/api/v1/online/codes", `{"phone":"0912345678","id_number":"`+an+`"}`)
	if code != 201 {
		t.Fatalf("code: %d %s", code, body)
	}
	req := field(body, "request")
	code, body = h.post("/api/v1/online/bookings", `{"center":"c2","field":"A","day":"2026-12-01","from":"10:00","id_number":"`+an+
		`","request":"`+req+`","code":"`+r.sender.LastCode("0912345678")+`"}`)
	if code != 409 || !strings.Contains(body, `"person_cap"`) || !strings.Contains(body, "số A001 tại Xã Hai") {
		t.Fatalf("over the cap over HTTP: %d %s", code, body)
	}
}

// TestCapsHoldUnderConcurrency: ten bookings of one person at once, at two
// centers, in two fields: exactly one per field passes.
func TestCapsHoldUnderConcurrency(t *testing.T) {
	r := newRig(t, 100)
	type try struct{ req, code, center, field string }
	var tries []try
	for i := range 10 {
		phone := "09123456" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		req, err := r.svc.RequestCode(context.Background(), online.CodeRequest{Phone: phone, IDNumber: an})
		if err != nil {
			t.Fatal(err)
		}
		tries = append(tries, try{req, r.sender.LastCode(phone), []string{"c1", "c2"}[i%2], []string{"A", "B"}[i/5]})
	}
	var wg sync.WaitGroup
	errs := make([]error, len(tries))
	for i, tr := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = r.svc.Book(context.Background(), online.BookRequest{Center: tr.center, Field: tr.field,
				Day: "2026-12-01", From: "08:00", IDNumber: an, Request: tr.req, Code: tr.code})
		}()
	}
	wg.Wait()
	ok := map[string]int{}
	for i, err := range errs {
		if err == nil {
			ok[tries[i].field]++
		} else if !isCap(err) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if ok["A"] != 1 || ok["B"] != 1 {
		t.Fatalf("bookings that passed by field: %v", ok)
	}
}

func isCap(err error) bool {
	var ce *pgstore.PersonCapError
	return errors.As(err, &ce)
}

// TestQuotaAndCancel: a field's online numbers of a day at a center run
// out; a cancelled booking frees its place and no longer counts against
// its person's caps; a booking checked in is not cancelled.
func TestQuotaAndCancel(t *testing.T) {
	r := newRig(t, 100)
	people := []string{"001099000001", "001099000002", "001099000003"}
	first, err := r.book(people[0], "0911000001", "c1", "A", "2026-12-01", "08:00")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.book(people[1], "0911000002", "c1", "A", "2026-12-01", "08:30"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.book(people[2], "0911000003", "c1", "A", "2026-12-01", "09:00"); !errors.Is(err, pgstore.ErrQuotaFull) {
		t.Fatalf("third booking of a quota of 2: %v", err)
	}
	// Another center's quota is its own.
	if _, err := r.book(people[2], "0911000003", "c2", "A", "2026-12-01", "09:00"); err != nil {
		t.Fatalf("at c2: %v", err)
	}
	list, err := r.svc.Centers(context.Background())
	if err != nil || list[0].Fields[0].Days[0].Left != 0 || list[1].Fields[0].Days[0].Left != 1 {
		t.Fatalf("what is left: %+v %v", list, err)
	}
	// Cancel: with another booking's code, refused; with its own, done, twice.
	other, err := r.book(people[0], "0911000001", "c2", "B", "2026-12-01", "08:00")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Cancel(context.Background(), first.Token.ID, other.Code); !errors.Is(err, online.ErrNotYours) {
		t.Fatalf("cancel with another booking's code: %v", err)
	}
	forged, _ := booking.NewSigner(mustKey(t))
	fake, _ := forged.Sign(first.Token)
	if err := r.svc.Cancel(context.Background(), first.Token.ID, fake); !errors.Is(err, booking.ErrForged) {
		t.Fatalf("cancel with a forged code: %v", err)
	}
	for range 2 {
		if err := r.svc.Cancel(context.Background(), first.Token.ID, first.Code); err != nil {
			t.Fatalf("cancel: %v", err)
		}
	}
	b, err := r.db.GetBooking(context.Background(), first.Token.ID)
	if err != nil || b.State != pgstore.Cancelled {
		t.Fatalf("cancelled booking: %+v %v", b, err)
	}
	// Its place is free, and its person may book A again.
	if _, err := r.book(people[0], "0911000001", "c1", "A", "2026-12-01", "10:00"); err != nil {
		t.Fatalf("after the cancel: %v", err)
	}
	// A booking whose ticket reached the hub is kept.
	tk := queue.Ticket{ID: "t-other", Day: "2026-12-01", Origin: "B", Seq: 1, Number: "B001", Service: "B", State: queue.Waiting,
		IssuedAt: r.clock.Now(), QueuedAt: other.Token.From, Print: queue.PrintNone, Person: other.Token.Person, Booking: other.Token.ID}
	if _, err := r.db.Ingest(context.Background(), "c2", []queue.Event{{Seq: 1, At: r.clock.Now(), Type: queue.EventIssued, Ticket: tk}}); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Cancel(context.Background(), other.Token.ID, other.Code); !errors.Is(err, pgstore.ErrBookingCheckedIn) {
		t.Fatalf("cancel a booking checked in: %v", err)
	}
	// The checked-in ticket and its booking count once for its person: B
	// is taken, one more field is free.
	if _, err := r.book(people[0], "0911000001", "c1", "B", "2026-12-01", "10:00"); !isCap(err) {
		t.Fatalf("a second number of the day after a booking and its ticket: %v", err)
	}
}

func mustKey(t *testing.T) []byte {
	t.Helper()
	k, err := booking.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestCodes: a wrong code counts, five end it; an expired code is
// refused; a code is the booker's only; a phone gets 3 codes in 15
// minutes; a code not sent is an error and a booking refused leaves the
// code usable.
func TestCodes(t *testing.T) {
	r := newRig(t, 0)
	ctx := context.Background()
	req, err := r.svc.RequestCode(ctx, online.CodeRequest{Phone: "+84 912 345 678", IDNumber: an})
	if err != nil {
		t.Fatal(err)
	}
	good := r.sender.LastCode("0912345678")
	bookWith := func(id, code string) error {
		_, err := r.svc.Book(ctx, online.BookRequest{Center: "c1", Field: "A", Day: "2026-12-01", From: "08:00", IDNumber: id, Request: req, Code: code})
		return err
	}
	wrong := "000000"
	if good == wrong {
		wrong = "111111"
	}
	if err := bookWith(binh, good); !errors.Is(err, pgstore.ErrCodeExpired) {
		t.Fatalf("someone else's code: %v", err)
	}
	if err := bookWith(an, "12a"); !errors.Is(err, online.ErrBadCodeInput) {
		t.Fatalf("not 6 digits: %v", err)
	}
	for range pgstore.MaxCodeAttempts {
		if err := bookWith(an, wrong); !errors.Is(err, pgstore.ErrCodeWrong) {
			t.Fatalf("wrong code: %v", err)
		}
	}
	if err := bookWith(an, good); !errors.Is(err, pgstore.ErrCodeAttempts) {
		t.Fatalf("the good code after 5 wrong ones: %v", err)
	}
	for range 2 {
		if _, err := r.svc.RequestCode(ctx, online.CodeRequest{Phone: "0912345678", IDNumber: an}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.svc.RequestCode(ctx, online.CodeRequest{Phone: "0912345678", IDNumber: an}); !errors.Is(err, pgstore.ErrCodeThrottled) {
		t.Fatalf("a fourth code in 15 minutes: %v", err)
	}
	for _, bad := range []string{"12345", "0212345678", "091234567a", "+1 555 0100"} {
		if _, err := r.svc.RequestCode(ctx, online.CodeRequest{Phone: bad, IDNumber: an}); !errors.Is(err, online.ErrBadPhone) {
			t.Fatalf("phone %q: %v", bad, err)
		}
	}
	if _, err := r.svc.RequestCode(ctx, online.CodeRequest{Phone: "0987000000", IDNumber: "12345"}); !errors.Is(err, identity.ErrNotID) {
		t.Fatalf("bad ID number: %v", err)
	}
	r.sender.Fail(errors.New("gateway down"))
	if _, err := r.svc.RequestCode(ctx, online.CodeRequest{Phone: "0987000001", IDNumber: an}); !errors.Is(err, online.ErrSendFailed) {
		t.Fatalf("not sent: %v", err)
	}
	r.sender.Fail(nil)

	// Refused for the quota: the code still books another field; expired
	// after 10 minutes.
	fill := func(id, phone string) {
		if _, err := r.book(id, phone, "c2", "A", "2026-12-01", "08:00"); err != nil {
			t.Fatal(err)
		}
	}
	fill("001099000001", "0911000001")
	fill("001099000002", "0911000002")
	req, err = r.svc.RequestCode(ctx, online.CodeRequest{Phone: "0933000000", IDNumber: binh})
	if err != nil {
		t.Fatal(err)
	}
	code := r.sender.LastCode("0933000000")
	if _, err := r.svc.Book(ctx, online.BookRequest{Center: "c2", Field: "A", Day: "2026-12-01", From: "08:00", IDNumber: binh, Request: req, Code: code}); !errors.Is(err, pgstore.ErrQuotaFull) {
		t.Fatalf("full: %v", err)
	}
	if _, err := r.svc.Book(ctx, online.BookRequest{Center: "c2", Field: "B", Day: "2026-12-01", From: "08:00", IDNumber: binh, Request: req, Code: code}); err != nil {
		t.Fatalf("the same code for another field: %v", err)
	}
	if _, err := r.svc.Book(ctx, online.BookRequest{Center: "c1", Field: "B", Day: "2026-12-01", From: "08:00", IDNumber: binh, Request: req, Code: code}); !errors.Is(err, pgstore.ErrCodeExpired) {
		t.Fatalf("a used code: %v", err)
	}
	req, _ = r.svc.RequestCode(ctx, online.CodeRequest{Phone: "0933000001", IDNumber: binh})
	r.clock.Advance(online.DefaultCodeTTL)
	if _, err := r.svc.Book(ctx, online.BookRequest{Center: "c1", Field: "B", Day: "2026-12-01", From: "08:00", IDNumber: binh, Request: req, Code: r.sender.LastCode("0933000001")}); !errors.Is(err, pgstore.ErrCodeExpired) {
		t.Fatalf("after 10 minutes: %v", err)
	}
}

// TestWindows: only the windows of the offer, not yet over, are booked;
// the signed code carries them, and no raw ID number is anywhere in the
// database.
func TestWindows(t *testing.T) {
	r := newRig(t, 100)
	r.clock.Set(time.Date(2026, 12, 1, 9, 10, 0, 0, ict))
	for _, from := range []string{"08:30", "09:15", "11:00", "07:30"} {
		if _, err := r.book(an, "0912345678", "c1", "B", "2026-12-01", from); !errors.Is(err, online.ErrNoWindow) {
			t.Fatalf("window %s: %v", from, err)
		}
	}
	if _, err := r.book(an, "0912345678", "c1", "B", "2026-12-04", "09:00"); !errors.Is(err, online.ErrNoWindow) {
		t.Fatalf("three days ahead: %v", err)
	}
	b, err := r.book(an, "0912345678", "c1", "B", "2026-12-01", "09:00") // 09:00-09:30 is not over
	if err != nil {
		t.Fatal(err)
	}
	v, _ := booking.NewVerifier(r.signer.Public())
	tk, err := v.Verify(b.Code)
	if err != nil || tk.Center != "c1" || tk.Field != "B" || !tk.From.Equal(time.Date(2026, 12, 1, 9, 0, 0, 0, ict)) ||
		!tk.To.Equal(time.Date(2026, 12, 1, 9, 30, 0, 0, ict)) || tk.Person != string(r.hasher.Person(an)) {
		t.Fatalf("the signed code: %+v %v", tk, err)
	}
	for _, table := range []string{"bookings", "phone_codes", "tickets", "events"} {
		var n int
		if err := r.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM `+table+` x WHERE x::text LIKE '%' || $1 || '%'`, an).Scan(&n); err != nil || n != 0 {
			t.Fatalf("the raw ID number in %s: %d rows (%v)", table, n, err)
		}
	}
	if strings.Contains(b.Code, an) {
		t.Fatal("the raw ID number is in the booking's code")
	}
}

type httpTest struct {
	t   *testing.T
	srv *httptest.Server
}

func httpRig(t *testing.T, r *rig) *httpTest {
	srv := httptest.NewServer(r.svc.Handler())
	t.Cleanup(srv.Close)
	return &httpTest{t: t, srv: srv}
}

func (h *httpTest) post(path, body string) (int, string) {
	h.t.Helper()
	resp, err := http.Post(h.srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func field(body, key string) string {
	var m map[string]any
	json.Unmarshal([]byte(body), &m)
	s, _ := m[key].(string)
	return s
}

// One address may ask for DefaultPerAddress codes in DefaultAddressEvery,
// whatever the phones (a machine sending codes to a list of numbers); the
// next is refused with the wait, and sends nothing.
func TestCodesPerAddress(t *testing.T) {
	r := newRig(t, 0)
	h := httpRig(t, r)
	for i := range online.DefaultPerAddress {
		if code, body := h.post("/api/v1/online/codes", fmt.Sprintf(`{"phone":"09123%05d","id_number":"%s"}`, i, an)); code != 201 {
			t.Fatalf("code request %d: %d %s", i+1, code, body)
		}
	}
	sent := len(r.sender.Sent())
	code, body := h.post("/api/v1/online/codes", `{"phone":"0987654321","id_number":"`+an+`"}`)
	if code != 429 || !strings.Contains(body, `"address_throttled"`) {
		t.Fatalf("one more from the address: %d %s", code, body)
	}
	if n := len(r.sender.Sent()); n != sent {
		t.Fatalf("%d codes sent by the refused request", n-sent)
	}
	r.clock.Advance(online.DefaultAddressEvery)
	if code, body := h.post("/api/v1/online/codes", `{"phone":"0987654321","id_number":"`+an+`"}`); code != 201 {
		t.Fatalf("after the window: %d %s", code, body)
	}
}

// A booker's consent to messages: the phone must be the one the code went
// to, a hub without messages refuses the consent, and a booking made less
// than the lead time before its window keeps the phone with no reminder.
func TestBookingMessagesConsent(t *testing.T) {
	r := newRig(t, 100)
	msgs := &online.Messages{Sender: "_hub", Kind: "reminder", Before: func(string) time.Duration { return time.Hour }}
	svc, err := online.New(online.Opts{Store: r.db, Signer: r.signer, Hasher: r.hasher, Sender: r.sender, Offers: offers,
		QR: func(string) ([]byte, error) { return nil, nil }, Clock: r.clock, Messages: msgs, Codes: 100,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	try := func(s *online.Service, id, phone, notifyPhone, from string) (online.Booked, error) {
		req, err := s.RequestCode(ctx, online.CodeRequest{Phone: phone, IDNumber: id})
		if err != nil {
			t.Fatal(err)
		}
		return s.Book(ctx, online.BookRequest{Center: "c1", Field: "B", Day: "2026-12-01", From: from, IDNumber: id,
			Request: req, Code: r.sender.LastCode(mustPhone(t, phone)), Notify: true, Phone: notifyPhone})
	}
	if _, err := try(r.svc, an, "0912345678", "0912345678", "09:00"); !errors.Is(err, online.ErrNoMessages) {
		t.Fatalf("consent at a hub without messages: %v", err)
	}
	if _, err := try(svc, an, "0912345678", "0987654321", "09:00"); !errors.Is(err, pgstore.ErrPhoneNotConfirmed) {
		t.Fatalf("messages to a phone the code did not go to: %v", err)
	}
	if _, err := try(svc, an, "0912345678", "12345", "09:00"); !errors.Is(err, online.ErrBadPhone) {
		t.Fatalf("messages to no phone: %v", err)
	}
	// 07:00 now: 08:00 is not more than an hour away.
	b, err := try(svc, an, "0912 345 678", "+84 912 345 678", "08:00")
	if err != nil || !b.Notify || b.Reminder {
		t.Fatalf("booking 08:00 at 07:00: %+v %v", b, err)
	}
	b, err = try(svc, binh, "0987654321", "0987654321", "09:00")
	if err != nil || !b.Notify || !b.Reminder {
		t.Fatalf("booking 09:00 at 07:00: %+v %v", b, err)
	}
	due, err := r.db.NotifyDue(ctx, time.Date(2026, 12, 1, 8, 0, 0, 0, ict), 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Key != online.ReminderKey(b.Token.ID) || due[0].Phone != "84987654321" ||
		due[0].Params["from"] != "09:00" || due[0].Params["to"] != "09:30" || due[0].Params["day"] != "hôm nay" ||
		due[0].Params["center"] != "Xã Một" || due[0].Params["field"] != "Đất đai" || !due[0].Expires.Equal(b.Token.From) {
		t.Fatalf("due at 08:00: %+v", due)
	}
	if early, _ := r.db.NotifyDue(ctx, time.Date(2026, 12, 1, 7, 59, 0, 0, ict), 10, time.Minute); len(early) != 0 {
		t.Fatalf("due at 07:59: %+v", early)
	}
	// The page is told where messages are offered.
	list, err := svc.Centers(ctx)
	if err != nil || len(list) == 0 || !list[0].Messages {
		t.Fatalf("centers with messages: %+v %v", list, err)
	}
	if list, _ := r.svc.Centers(ctx); list[0].Messages {
		t.Fatal("a hub without messages offers them")
	}
}
