package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"motcua/province/pgstore"
	"motcua/queue"
)

// What a person holds at the other centers: c2's and c3's walk-ins and
// bookings, not the asking center's, not another person's or day's; a
// ticket checked in from a booking counts once, as the booking; a
// cancelled booking not at all.
func TestHeldElsewhere(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	ict := time.FixedZone("ICT", 7*3600)
	at := func(h, m int) time.Time { return time.Date(2026, 12, 1, h, m, 0, 0, ict) }
	for _, c := range []struct{ id, name string }{{"c1", "Trung tâm 1"}, {"c2", "Trung tâm phường X"}, {"c3", "Trung tâm phường Y"}} {
		if err := db.PutCenter(ctx, c.id, c.name); err != nil {
			t.Fatal(err)
		}
	}
	const p, other = "person-p", "person-q"
	ticket := func(center, id, number, person, booking string, issued time.Time) {
		t.Helper()
		tk := queue.Ticket{ID: id, Day: "2026-12-01", Origin: number[:1], Seq: 1, Number: number, Service: number[:1],
			State: queue.Waiting, Print: queue.PrintNone, Person: person, Booking: booking, IssuedAt: issued, QueuedAt: issued}
		if err := db.Store(center).Apply(ctx, []queue.Change{{Day: "2026-12-01", Tickets: []queue.Ticket{tk},
			Events: []queue.Event{{Seq: uint64(issued.Unix()), Type: queue.EventIssued, At: issued, Ticket: tk}}}}); err != nil {
			t.Fatal(err)
		}
	}
	ticket("c1", "t1", "A001", p, "", at(7, 30))    // the asking center's own
	ticket("c2", "t2", "A012", p, "", at(8, 0))     // a walk-in elsewhere
	ticket("c2", "t3", "B003", other, "", at(8, 1)) // another person
	book := func(id, center, field string, from time.Time) {
		t.Helper()
		code := "code-" + id
		created := at(6, 0)
		if err := db.SaveCode(ctx, pgstore.PhoneCode{ID: "pc-" + id, Phone: "phone-" + id, Person: p, Code: code, Created: created,
			Expires: created.Add(time.Hour)}, created.Add(-time.Hour), 10); err != nil {
			t.Fatal(err)
		}
		b := pgstore.Booking{ID: id, Center: center, Field: field, Day: "2026-12-01", From: from, To: from.Add(time.Hour), Person: p, CreatedAt: created.Add(time.Duration(len(id)) * time.Minute)}
		if err := db.Book(ctx, b, pgstore.BookingLimits{Quota: 10}, "pc-"+id, code); err != nil {
			t.Fatal(err)
		}
	}
	book("b1", "c3", "C", at(14, 0))
	book("b22", "c2", "D", at(9, 0))
	ticket("c2", "t4", "D001", p, "b22", at(9, 5)) // b22 checked in: counted as the booking
	book("b333", "c3", "E", at(15, 0))
	if err := db.Cancel(ctx, "b333", p, at(6, 30)); err != nil {
		t.Fatal(err)
	}
	held, err := db.HeldElsewhere(ctx, "c1", p, "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	want := []pgstore.Held{
		{Center: "c3", CenterName: "Trung tâm phường Y", Field: "C", From: at(14, 0)},
		{Center: "c2", CenterName: "Trung tâm phường X", Field: "D", From: at(9, 0)},
		{Center: "c2", CenterName: "Trung tâm phường X", Field: "A", Number: "A012"},
	}
	if len(held) != len(want) {
		t.Fatalf("held %+v", held)
	}
	for i := range want {
		if held[i].Center != want[i].Center || held[i].CenterName != want[i].CenterName || held[i].Field != want[i].Field ||
			held[i].Number != want[i].Number || !held[i].From.Equal(want[i].From) {
			t.Errorf("held[%d] = %+v, want %+v", i, held[i], want[i])
		}
	}
	if held, err := db.HeldElsewhere(ctx, "c2", p, "2026-12-01"); err != nil || len(held) != 2 || held[1].Number != "A001" {
		t.Fatalf("asked by c2: %+v %v", held, err)
	}
	if held, err := db.HeldElsewhere(ctx, "c1", p, "2026-12-02"); err != nil || len(held) != 0 {
		t.Fatalf("another day: %+v %v", held, err)
	}
}

// Rotating the booking key: only from the key recorded; the old one is
// kept until the last day of the bookings made; RetiredBookingKeys gives
// those still needed from a day on; the new key is the one recorded.
func TestRotateBookingKey(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if _, err := db.RotateBookingKey(ctx, "key-a", "key-b"); err == nil {
		t.Fatal("rotated with no key recorded")
	}
	if err := db.ClaimKey(ctx, "booking", "key-a"); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	for i, day := range []string{"2026-12-03", "2026-12-01"} {
		id := string(rune('a' + i))
		if err := db.SaveCode(ctx, pgstore.PhoneCode{ID: "pc-" + id, Phone: "ph-" + id, Person: "p", Code: "c", Created: created,
			Expires: created.Add(time.Hour)}, created.Add(-time.Hour), 10); err != nil {
			t.Fatal(err)
		}
		from := created.Add(24 * time.Hour)
		if err := db.Book(ctx, pgstore.Booking{ID: "b" + id, Center: "c1", Field: "A", Day: day, From: from, To: from.Add(time.Hour), Person: "p",
			CreatedAt: created}, pgstore.BookingLimits{Quota: 5}, "pc-"+id, "c"); err != nil {
			t.Fatal(err)
		}
	}
	var km *pgstore.KeyMismatchError
	if _, err := db.RotateBookingKey(ctx, "key-x", "key-b"); !errors.As(err, &km) {
		t.Fatalf("rotated from a key not recorded: %v", err)
	}
	r, err := db.RotateBookingKey(ctx, "key-a", "key-b")
	if err != nil || r.LastDay != "2026-12-03" || r.Public != "key-a" {
		t.Fatalf("rotated: %+v %v", r, err)
	}
	if err := db.ClaimKey(ctx, "booking", "key-b"); err != nil {
		t.Fatalf("the new key is not the one recorded: %v", err)
	}
	if err := db.ClaimKey(ctx, "booking", "key-a"); !errors.As(err, &km) {
		t.Fatalf("the old key still claims: %v", err)
	}
	if _, err := db.RotateBookingKey(ctx, "key-b", "key-b"); err == nil {
		t.Fatal("rotated to the same key")
	}
	if _, err := db.RotateBookingKey(ctx, "key-b", "key-c"); err != nil { // a second rotation: both retired
		t.Fatal(err)
	}
	for _, tc := range []struct {
		from string
		want int
	}{{"2026-12-01", 2}, {"2026-12-03", 2}, {"2026-12-04", 0}} {
		keys, err := db.RetiredBookingKeys(ctx, tc.from)
		if err != nil || len(keys) != tc.want {
			t.Fatalf("retired from %s: %+v %v, want %d", tc.from, keys, err, tc.want)
		}
	}
}
