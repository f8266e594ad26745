package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/hubnotify"
	"motcua/internal/clock/clocktest"
	"motcua/internal/identity"
	"motcua/internal/pgtest"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/notifytest"
	"motcua/kiosk/notify/outbox"
	"motcua/kiosk/notify/smsgw"
	"motcua/kiosk/web"
	"motcua/province/booking"
	"motcua/province/online"
	"motcua/province/online/onlinetest"
	"motcua/province/pgstore"
	"motcua/queue"
)

// vnZone is the centers' zone.
var vnZone = time.FixedZone("ICT", 7*3600)

// reminderRig is a hub's booking service whose bookings' messages go
// through the hub's outbox to a fake SMS gateway, on a fake clock that
// starts at 07:00 on 2026-12-01 (Vietnam): center c1 "Xã Một", field A
// "Hộ tịch" open 08:00-11:00 in windows of 30 minutes; reminders 60 min
// before the window, the phone kept 2 h after it.
type reminderRig struct {
	t        *testing.T
	ctx      context.Context
	db       *pgstore.DB
	svc      *online.Service
	codes    *onlinetest.Sender
	gw       *notifytest.SMS
	clock    *clocktest.Fake
	hasher   *identity.Hasher
	logs     *syncBuffer
	outcomes chan outbox.Outcome
}

func newReminderRig(t *testing.T) *reminderRig {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	clk := clocktest.New(time.Date(2026, 12, 1, 7, 0, 0, 0, vnZone))
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	gw := notifytest.NewSMS(t)
	so := smsgw.ESMS(gw.APIKey, "UBND-TINH")
	so.URL, so.Secret = gw.URL, gw.SecretKey
	sms, err := smsgw.New(so)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := make(chan outbox.Outcome, 64)
	messages, err := hubnotify.New(hubnotify.Opts{DB: db, Logger: log, Clock: clk, Timely: bookingTimely(db, log),
		Sender: outbox.SenderOpts{Channels: []notify.Channel{sms}, Location: vnZone,
			Observe: func(o outbox.Outcome) { outcomes <- o }}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		messages.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		db.Close()
	})
	h, _ := identity.New([]byte("province-secret-0123456789"))
	key, err := booking.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := booking.NewSigner(key)
	codes := &onlinetest.Sender{}
	offers := func(context.Context) ([]online.Offer, error) {
		return []online.Offer{{Center: "c1", Name: "Xã Một", Location: vnZone, DaysAhead: 1, Window: 30 * time.Minute,
			Caps:   queue.Caps{PerDay: 2, PerField: 1},
			Fields: []online.OfferField{{Code: "A", Name: "Hộ tịch", Quota: 10, Hours: []queue.Span{{From: 8 * 60, To: 11 * 60}}}}}}, nil
	}
	svc, err := online.New(online.Opts{Store: db, Signer: signer, Hasher: h, Sender: codes, Offers: offers, QR: web.QRSVG,
		Clock: clk, Logger: log, Messages: &online.Messages{Sender: hubSender, Kind: string(notify.KindReminder),
			Before: func(string) time.Duration { return time.Hour }, Keep: 2 * time.Hour, Decided: messages.Decided}})
	if err != nil {
		t.Fatal(err)
	}
	return &reminderRig{t: t, ctx: ctx, db: db, svc: svc, codes: codes, gw: gw, clock: clk, hasher: h, logs: logs, outcomes: outcomes}
}

// book books window from of field A today for the holder of id, who
// confirmed phone, with their consent to messages or not.
func (r *reminderRig) book(id, phone, from string, consent bool) online.Booked {
	r.t.Helper()
	req, err := r.svc.RequestCode(r.ctx, online.CodeRequest{Phone: phone, IDNumber: id})
	if err != nil {
		r.t.Fatal(err)
	}
	br := online.BookRequest{Center: "c1", Field: "A", Day: "2026-12-01", From: from, IDNumber: id, Request: req,
		Code: r.codes.LastCode(phone)}
	if consent {
		br.Notify, br.Phone = true, phone
	}
	b, err := r.svc.Book(r.ctx, br)
	if err != nil {
		r.t.Fatalf("booking %s for %s: %v", from, phone, err)
	}
	return b
}

// outcome waits for the sender's next final outcome (sent, dropped,
// failed) of a reminder.
func (r *reminderRig) outcome() outbox.Outcome {
	r.t.Helper()
	for {
		select {
		case o := <-r.outcomes:
			if o.State != outbox.Sending {
				return o
			}
		case <-time.After(30 * time.Second):
			r.t.Fatal("no outcome from the hub's sender")
		}
	}
}

// textWith lists "table.column" for each text or jsonb value of the hub's
// database that holds s.
func textWith(t *testing.T, ctx context.Context, db *pgstore.DB, s string) []string {
	t.Helper()
	rows, err := db.Pool().Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'character varying')`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var tb, col string
		if err := rows.Scan(&tb, &col); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, [2]string{tb, col})
	}
	rows.Close()
	var out []string
	for _, c := range cols {
		var n int
		q := fmt.Sprintf(`SELECT count(*) FROM %q WHERE %q::text LIKE '%%' || $1 || '%%'`, c[0], c[1])
		if err := db.Pool().QueryRow(ctx, q, s).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			out = append(out, c[0]+"."+c[1])
		}
	}
	return out
}

// TestBookingReminder: a booker who consents gets one reminder SMS, an
// hour before the window, with the center, field and window in words; a
// booking cancelled, or checked in at its center, gets none; without
// consent the phone is kept nowhere in the hub's database; after the
// window and the retention the consenting booker's phone is gone too; and
// no log line names any of the phones.
func TestBookingReminder(t *testing.T) {
	r := newReminderRig(t)
	phones := map[string]string{"an": "0912345678", "binh": "0987654321", "chi": "0356789012", "dung": "0709876543"}
	an := r.book("001099012345", phones["an"], "09:00", true)
	binh := r.book("079199000111", phones["binh"], "09:00", true)
	r.book("001199000222", phones["chi"], "09:30", false)
	dung := r.book("079099000333", phones["dung"], "09:30", true)
	if !an.Notify || !an.Reminder {
		t.Fatalf("an's booking: notify %v, reminder %v", an.Notify, an.Reminder)
	}

	// No consent: chi's phone is nowhere; the others' are kept with their
	// booking (and their reminder) only.
	if at := textWith(t, r.ctx, r.db, phones["chi"][1:]); len(at) > 0 {
		t.Fatalf("the phone of a booker who did not consent is kept in %v", at)
	}
	var contacts int
	r.db.Pool().QueryRow(r.ctx, `SELECT count(*) FROM booking_contacts`).Scan(&contacts)
	if contacts != 3 {
		t.Fatalf("%d booking contacts, want the 3 that consented", contacts)
	}
	// The center hears of its consenting bookers' phones, and only those.
	list, err := r.db.CenterBookings(r.ctx, "c1", "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	withPhone := map[string]string{}
	for _, b := range list {
		withPhone[b.ID] = b.Phone
	}
	if withPhone[an.Token.ID] != "84912345678" || len(list) != 4 {
		t.Fatalf("the center's bookings: %+v", list)
	}

	if err := r.svc.Cancel(r.ctx, binh.Token.ID, binh.Code); err != nil {
		t.Fatal(err)
	}
	if at := textWith(t, r.ctx, r.db, phones["binh"][1:]); len(at) > 0 {
		t.Fatalf("a cancelled booking's phone is kept in %v", at)
	}

	// 07:59: nothing yet.
	r.clock.Set(time.Date(2026, 12, 1, 7, 59, 0, 0, vnZone))
	if n := r.gw.Requests(); n != 0 {
		t.Fatalf("%d SMS before the reminder's time", n)
	}
	// 08:00, an hour before 09:00: an's reminder, once.
	r.clock.Set(time.Date(2026, 12, 1, 8, 0, 0, 0, vnZone))
	o := r.outcome()
	if o.State != outbox.Sent || o.Key != hubSender+":"+online.ReminderKey(an.Token.ID) || o.Kind != notify.KindReminder {
		t.Fatalf("at 08:00: %+v", o)
	}
	m := <-r.gw.Arrived()
	want := "Nhac lich: so dat truc tuyen linh vuc Ho tich tai Xa Mot tu 09:00 den 09:30 hom nay."
	if m.Phone != phones["an"] || !strings.HasPrefix(m.Content, want) {
		t.Fatalf("the gateway got %+v, want %q to %s", m, want, phones["an"])
	}

	// dung checks in at 08:20, before the reminder's 08:30: none is sent.
	p, _ := r.hasher.Read("079099000333")
	at := time.Date(2026, 12, 1, 8, 20, 0, 0, vnZone)
	tk := queue.Ticket{ID: "c1A001", Day: "2026-12-01", Origin: "A", Seq: 1, Number: "A001", Service: "A", State: queue.Waiting,
		IssuedAt: at, QueuedAt: at, Print: queue.PrintNone, Person: string(p), Booking: dung.Token.ID}
	if _, err := r.db.Ingest(r.ctx, "c1", []queue.Event{{Seq: 1, At: at, Type: queue.EventIssued, Ticket: tk}}); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(time.Date(2026, 12, 1, 8, 30, 0, 0, vnZone))
	if o := r.outcome(); o.State != outbox.Dropped || o.Key != hubSender+":"+online.ReminderKey(dung.Token.ID) {
		t.Fatalf("the reminder of a booking checked in: %+v", o)
	}
	if n := r.gw.Requests(); n != 1 {
		t.Fatalf("%d requests to the gateway, want an's reminder only", n)
	}
	msgs, err := r.db.NotifyMessages(r.ctx, hubSender)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, m := range msgs {
		states[m.Key] = m.State
	}
	if states[online.ReminderKey(an.Token.ID)] != "sent" || states[online.ReminderKey(binh.Token.ID)] != "dropped" ||
		states[online.ReminderKey(dung.Token.ID)] != "dropped" || len(msgs) != 3 {
		t.Fatalf("the hub's reminders: %v", states)
	}

	// The phones stay until 2 h after the window's end (09:30, 10:00),
	// then the purge forgets them.
	r.clock.Set(time.Date(2026, 12, 1, 11, 29, 0, 0, vnZone))
	if err := r.db.NotifyPurge(r.ctx, 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if at := textWith(t, r.ctx, r.db, phones["an"][1:]); len(at) != 1 || at[0] != "booking_contacts.phone" {
		t.Fatalf("before the retention ends, an's phone is in %v", at)
	}
	r.clock.Set(time.Date(2026, 12, 1, 12, 0, 0, 0, vnZone))
	if err := r.db.NotifyPurge(r.ctx, 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	for name, ph := range phones {
		if at := textWith(t, r.ctx, r.db, ph[1:]); len(at) > 0 {
			t.Errorf("after the retention, %s's phone is in %v", name, at)
		}
	}

	logs := r.logs.String()
	if !strings.Contains(logs, "online number booked") {
		t.Fatalf("nothing logged:\n%s", logs)
	}
	for name, ph := range phones {
		if strings.Contains(logs, ph[1:]) {
			t.Errorf("a log line carries %s's phone:\n%s", name, logs)
		}
	}
}

// TestBookingReminderAfterAKilledHub: a hub process that claimed a
// reminder and died mid-send leaves it claimed; another process sends it
// once the claim's lease (1 min) ends, not before, and only once.
func TestBookingReminderAfterAKilledHub(t *testing.T) {
	r := newReminderRig(t)
	an := r.book("001099012345", "0912345678", "09:00", true)
	msgs, err := r.db.NotifyMessages(r.ctx, hubSender)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("the hub's messages: %+v %v", msgs, err)
	}
	// The other process claims it at 08:00 and is killed.
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, vnZone)
	if ok, err := r.db.NotifyClaim(r.ctx, msgs[0].ID, at, hubnotify.DefaultLease); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	r.clock.Set(at.Add(30 * time.Second))
	if n := r.gw.Requests(); n != 0 {
		t.Fatalf("%d SMS while another process holds the reminder", n)
	}
	r.clock.Set(at.Add(hubnotify.DefaultLease + time.Second))
	if o := r.outcome(); o.State != outbox.Sent || o.Key != hubSender+":"+online.ReminderKey(an.Token.ID) {
		t.Fatalf("after the lease: %+v", o)
	}
	if m := <-r.gw.Arrived(); m.Phone != "0912345678" || !strings.HasPrefix(m.Content, "Nhac lich:") {
		t.Fatalf("the gateway got %+v", m)
	}
	if n := r.gw.Requests(); n != 1 {
		t.Fatalf("%d requests to the gateway, want 1", n)
	}
}
