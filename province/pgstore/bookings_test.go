package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"motcua/province/pgstore"
	"motcua/queue"
)

// The hub's processes sign with one key: a second key is refused.
func TestClaimKey(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.ClaimKey(ctx, "booking", "key-a"); err != nil {
		t.Fatal(err)
	}
	if err := db.ClaimKey(ctx, "booking", "key-a"); err != nil {
		t.Fatalf("the same key again: %v", err)
	}
	var km *pgstore.KeyMismatchError
	if err := db.ClaimKey(ctx, "booking", "key-b"); !errors.As(err, &km) || km.Name != "booking" {
		t.Fatalf("another key: %v", err)
	}
	if err := db.ClaimKey(ctx, "other", "key-b"); err != nil {
		t.Fatalf("another name: %v", err)
	}
}

// A booking's contact: refused for a phone other than the code's; kept
// with the booking and its reminder (not due before its NotBefore); told
// to the center until the booking's ticket reaches the hub; and, for a
// booking cancelled, deleted with the reminder dropped.
func TestBookingContact(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // 07:00 in Vietnam
	from := now.Add(2 * time.Hour)
	book := func(id, code, phoneKey string) error {
		if err := db.SaveCode(ctx, pgstore.PhoneCode{ID: code, Phone: "tel-key", Person: "p-" + id, Code: "h",
			Created: now, Expires: now.Add(10 * time.Minute)}, now.Add(-time.Hour), 100); err != nil {
			t.Fatal(err)
		}
		return db.Book(ctx, pgstore.Booking{ID: id, Center: "c1", Field: "A", Day: "2026-12-01", From: from, To: from.Add(30 * time.Minute),
			Person: "p-" + id, CreatedAt: now, Contact: &pgstore.BookingContact{PhoneKey: phoneKey, Phone: "84912345678",
				Expires: from.Add(150 * time.Minute), Reminder: &pgstore.NotifyMessage{Center: "_hub", Key: "reminder:" + id,
					Kind: "reminder", NotBefore: from.Add(-time.Hour), Expires: from}}},
			pgstore.BookingLimits{Quota: 10}, code, "h")
	}
	if err := book("b0", "k0", "another-key"); !errors.Is(err, pgstore.ErrPhoneNotConfirmed) {
		t.Fatalf("another phone: %v", err)
	}
	for i, id := range []string{"b1", "b2"} {
		if err := book(id, fmt.Sprint("k", i+1), "tel-key"); err != nil {
			t.Fatal(err)
		}
	}
	if due, _ := db.NotifyDue(ctx, from.Add(-time.Hour-time.Second), 10, time.Minute); len(due) != 0 {
		t.Fatalf("due before the reminder's time: %+v", due)
	}
	if due, _ := db.NotifyDue(ctx, from.Add(-time.Hour), 10, time.Minute); len(due) != 2 || due[0].Phone != "84912345678" {
		t.Fatalf("due at the reminder's time: %+v", due)
	}
	if list, _ := db.CenterBookings(ctx, "c1", "2026-12-01"); len(list) != 2 || list[0].Phone != "84912345678" || list[1].Phone != "84912345678" {
		t.Fatalf("the center's bookings before: %+v", list)
	}
	// b1's ticket reaches the hub; b2 is cancelled.
	tk := queue.Ticket{ID: "t1", Day: "2026-12-01", Origin: "A", Seq: 1, Number: "A001", Service: "A", State: queue.Waiting,
		IssuedAt: from, QueuedAt: from, Print: queue.PrintNone, Person: "p-b1", Booking: "b1"}
	if _, err := db.Ingest(ctx, "c1", []queue.Event{{Seq: 1, At: from, Type: queue.EventIssued, Ticket: tk}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Cancel(ctx, "b2", "p-b2", now); err != nil {
		t.Fatal(err)
	}
	list, err := db.CenterBookings(ctx, "c1", "2026-12-01")
	if err != nil || len(list) != 2 || list[0].Phone != "" || list[1].Phone != "" {
		t.Fatalf("the center's bookings: %+v %v", list, err)
	}
	msgs, _ := db.NotifyMessages(ctx, "_hub")
	if len(msgs) != 2 || msgs[0].State != "pending" || msgs[1].State != "dropped" || msgs[1].Reason != "booking cancelled" {
		t.Fatalf("the reminders: %+v", msgs)
	}
}
