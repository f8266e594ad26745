package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"motcua/internal/identity"
	"motcua/internal/pgtest"
	"motcua/province/hub/hubtest"
	"motcua/province/pgstore"
	"motcua/queue"
)

// TestCapsAcrossTheCentersOfAHub: two centers of one hub (real embedded
// NATS, real PostgreSQL), 2 numbers a person a day and 1 a field. A walk-in
// at c1 counts at c2's kiosk: the same field is refused naming c1's number
// and center, another field is given, and a third number that day is
// refused naming both. A booking at the hub counts too. With c2's link
// stalled (up, carrying nothing) the kiosk gives the number on c2's own
// count, the request to the hub abandoned; with the hub gone, the same.
// No ID number or its hash reaches a log.
func TestCapsAcrossTheCentersOfAHub(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a hub and two centers")
	}
	dir := t.TempDir()
	natsAddr := freeAddr(t)
	pgURL := pgtest.URL(t)
	proxy := hubtest.NewProxy(t, natsAddr) // c2's way to the hub
	provinceFiles(t, dir, pgURL, natsAddr, []string{"c1", "c2"}, func(id string) string {
		if id == "c2" {
			return proxy.URL()
		}
		return "nats://" + natsAddr
	})
	const secret = "test-province-identity-secret-0123"
	for _, id := range []string{"c1", "c2"} {
		appendFile(t, filepath.Join(dir, id+".yaml"), "\nidentity: {mode: optional, secret: "+secret+", per_day: 2, per_field: 1}\n")
	}
	h := startChild(t, "hub", "--config", filepath.Join(dir, "hub.yaml"), "--addr", freeAddr(t))
	c1 := startChild(t, "serve", "--config", filepath.Join(dir, "c1.yaml"), "--addr", "127.0.0.1:0")
	c2 := startChild(t, "serve", "--config", filepath.Join(dir, "c2.yaml"), "--addr", "127.0.0.1:0")
	for _, c := range []*child{c1, c2} {
		within(t, "the center linked to the hub", 60*time.Second, func() bool {
			_, body := req(t, "GET", c.base+"/healthz", "", nil, nil)
			return strings.Contains(body, `"connected":true`)
		})
	}
	hasher, err := identity.New([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	an, binh, chi := "001099012345", "079199000111", "036188004321"
	take := func(c *child, field, id string) (int, string) {
		t.Helper()
		return req(t, "POST", c.base+"/api/v1/tickets", "demo-kiosk-k2", map[string]string{"service": field, "citizen_id": id}, nil)
	}
	db, err := pgstore.Open(context.Background(), pgURL, pgstore.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	now := time.Now().In(loc)
	today := now.Format(time.DateOnly)

	if st, body := take(c1, "A", an); st != 201 || !strings.Contains(body, `"number":"A001"`) {
		t.Fatalf("An at c1: %d %s", st, body)
	}
	within(t, "c1's ticket at the hub", 30*time.Second, func() bool {
		held, err := db.HeldElsewhere(context.Background(), "c2", string(hasher.Person(an)), today)
		return err == nil && len(held) == 1
	})
	st, body := take(c2, "A", an)
	if st != 409 || !strings.Contains(body, `"code":"person_cap"`) || !strings.Contains(body, "Bạn đã có số A001 tại Trung tâm c1 hôm nay, ở lĩnh vực Hộ tịch") ||
		!strings.Contains(body, `"elsewhere":[{"center":"Trung tâm c1","field":"A","number":"A001"}]`) {
		t.Fatalf("An at c2 in the field of her number at c1: %d %s", st, body)
	}
	if st, body := take(c2, "B", an); st != 201 || !strings.Contains(body, `"number":"B001"`) {
		t.Fatalf("An at c2 in another field: %d %s", st, body)
	}
	st, body = take(c2, "D", an)
	if st != 409 || !strings.Contains(body, "Bạn đã có đủ 2 số hôm nay: số B001 tại trung tâm này, số A001 tại Trung tâm c1.") {
		t.Fatalf("An's third number of the day: %d %s", st, body)
	}

	// Binh booked an online number at c1 for field C this afternoon.
	created := time.Now()
	if err := db.SaveCode(context.Background(), pgstore.PhoneCode{ID: "pc-binh", Phone: "phone-binh", Person: string(hasher.Person(binh)),
		Code: "code", Created: created, Expires: created.Add(time.Hour)}, created.Add(-time.Hour), 10); err != nil {
		t.Fatal(err)
	}
	from := time.Date(now.Year(), now.Month(), now.Day(), 14, 0, 0, 0, loc)
	if err := db.Book(context.Background(), pgstore.Booking{ID: "00000000000000b1", Center: "c1", Field: "C", Day: today, From: from, To: from.Add(time.Hour),
		Person: string(hasher.Person(binh)), CreatedAt: created}, pgstore.BookingLimits{Quota: 5}, "pc-binh", "code"); err != nil {
		t.Fatal(err)
	}
	if st, body := take(c2, "C", binh); st != 409 || !strings.Contains(body, "Bạn đã có số hẹn trực tuyến 14:00 tại Trung tâm c1 hôm nay, ở lĩnh vực Xây dựng") {
		t.Fatalf("Binh at c2 in the field of her booking: %d %s", st, body)
	}

	// c2's link stalls: the kiosk does not wait on it. An's third number is
	// given on c2's own count (B001 only), and the request was abandoned.
	proxy.Stall()
	if st, body := take(c2, "D", an); st != 201 || !strings.Contains(body, `"number":"D001"`) {
		t.Fatalf("An at c2 with the link stalled: %d %s", st, body)
	}
	if logs := c2.logs.String(); !strings.Contains(logs, "request abandoned") {
		t.Fatalf("the abandoned request is not in c2's log:\n%s", logs)
	}
	proxy.Mend()
	h.stop(t)
	if st, body := take(c2, "C", chi); st != 201 {
		t.Fatalf("Chi at c2 with the hub gone: %d %s", st, body)
	}
	c1.stop(t)
	c2.stop(t)
	for _, c := range []*child{h, c1, c2} {
		logs := c.logs.String()
		for _, id := range []string{an, binh, chi} {
			if strings.Contains(logs, id) || strings.Contains(logs, string(hasher.Person(id))) {
				t.Fatalf("an ID number or its hash is in a log:\n%s", logs)
			}
		}
	}
}

// TestKioskDoesNotWaitOnAStuckHub: the center's question to its hub ends
// with the kiosk's wait (server.HeldWait): a hub that never answers has
// the question abandoned (its context ends by its deadline, /metrics
// counts a timeout) and the number given on the center's own count; what
// a hub answers counts, and the refusal names the other center.
func TestKioskDoesNotWaitOnAStuckHub(t *testing.T) {
	abandoned := make(chan error, 1)
	var answer atomic.Pointer[[]queue.Elsewhere]
	held := func(ctx context.Context, person, day string) ([]queue.Elsewhere, error) {
		if a := answer.Load(); a != nil {
			return *a, nil
		}
		<-ctx.Done() // a hub that never answers
		abandoned <- ctx.Err()
		return nil, ctx.Err()
	}
	c := startCenterWith(t, serviceOpts{hubHeld: held}, false, identityYAML)
	if a := takeWith(t, c.url, "k2", "A", testCard); a.status != 201 || a.number != "A001" {
		t.Fatalf("with the hub stuck: %+v", a)
	}
	if err := <-abandoned; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the question to the hub ended by %v, want its deadline", err)
	}
	if _, body := req(t, "GET", c.url+"/metrics", "", nil, nil); !strings.Contains(body, `motcua_caps_hub_asks_total{result="timeout"} 1`) {
		t.Fatalf("metrics:\n%s", body)
	}
	answer.Store(&[]queue.Elsewhere{{Center: "Trung tâm Phục vụ hành chính công phường X", Field: "B", Number: "B012"}})
	if a := takeWith(t, c.url, "k2", "B", testCard); a.status != 409 || a.code != "person_cap" ||
		!strings.HasPrefix(a.message, "Bạn đã có số B012 tại Trung tâm Phục vụ hành chính công phường X hôm nay, ở lĩnh vực") {
		t.Fatalf("with B012 at another center: %+v", a)
	}
	if a := takeWith(t, c.url, "k2", "C", testCard); a.status != 409 || !strings.Contains(a.message, "số A001 tại trung tâm này, số B012 tại Trung tâm Phục vụ hành chính công phường X") {
		t.Fatalf("a third number of the day: %+v", a)
	}
	if _, body := req(t, "GET", c.url+"/metrics", "", nil, nil); !strings.Contains(body, `motcua_caps_hub_asks_total{result="ok"} 2`) {
		t.Fatalf("metrics:\n%s", body)
	}
}
