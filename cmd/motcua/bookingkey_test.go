package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"motcua/internal/pgtest"
	"motcua/province/booking"
	"motcua/province/pgstore"
)

// TestBookingKeyRotatedWithABookingOutstanding: the hub booked a number
// for today under its key; the key is rotated (the hub stopped, `motcua
// hub rotate-booking-key`, the hub started again). The center receives the
// new key and the old one with its last day (today, that booking's), and
// checks the outstanding booking in; a code of the old key for a day after
// its last is refused as not the hub's, and one of the new key for a
// window open now is checked in. A process with the old key file no longer
// starts.
func TestBookingKeyRotatedWithABookingOutstanding(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a hub and a center")
	}
	dir := t.TempDir()
	natsAddr := freeAddr(t)
	pgURL := pgtest.URL(t)
	provinceFiles(t, dir, pgURL, natsAddr, []string{"c1", "c2"}, func(string) string { return "nats://" + natsAddr })
	hubFile := filepath.Join(dir, "hub.yaml")
	h := startChild(t, "hub", "--config", hubFile, "--addr", freeAddr(t))
	c := startChild(t, "serve", "--config", filepath.Join(dir, "c1.yaml"), "--addr", "127.0.0.1:0")
	keptKey := filepath.Join(dir, "data-c1", hubBookingKeyFile)
	within(t, "the center keeps the hub's booking key", 60*time.Second, func() bool {
		_, err := os.Stat(keptKey)
		return err == nil
	})
	oldKey, err := booking.LoadKeyFile(filepath.Join(dir, "hub-data", booking.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	oldSigner, _ := booking.NewSigner(oldKey)

	// The booking outstanding: in the hub's database, for today, its code
	// signed with the key of the day.
	db, err := pgstore.Open(context.Background(), pgURL, pgstore.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	now := time.Now().In(loc)
	today, tomorrow := now.Format(time.DateOnly), now.AddDate(0, 0, 1).Format(time.DateOnly)
	from := now.Truncate(time.Minute).Add(-10 * time.Minute)
	person := strings.Repeat("7a", 32)
	if err := db.SaveCode(context.Background(), pgstore.PhoneCode{ID: "pc-1", Phone: "ph-1", Person: person, Code: "c",
		Created: now, Expires: now.Add(time.Hour)}, now.Add(-time.Hour), 10); err != nil {
		t.Fatal(err)
	}
	tk := booking.Token{ID: "00000000000000a1", Center: "c1", Field: "A", Day: today, From: from, To: from.Add(time.Hour), Person: person}
	if err := db.Book(context.Background(), pgstore.Booking{ID: tk.ID, Center: "c1", Field: "A", Day: today, From: tk.From, To: tk.To,
		Person: person, CreatedAt: now}, pgstore.BookingLimits{Quota: 5}, "pc-1", "c"); err != nil {
		t.Fatal(err)
	}
	outstanding, err := oldSigner.Sign(tk)
	if err != nil {
		t.Fatal(err)
	}
	oldKeyFile := mustRead(t, filepath.Join(dir, "hub-data", booking.KeyFile))

	h.stop(t)
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"hub", "rotate-booking-key", "--config", hubFile}, nil, &out, &errOut); err != nil {
		t.Fatalf("rotate: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "for days up to "+today) {
		t.Fatalf("the rotation says %q", out.String())
	}
	newKey, err := booking.LoadKeyFile(filepath.Join(dir, "hub-data", booking.KeyFile))
	if err != nil || newKey.Equal(oldKey) {
		t.Fatalf("the key file after the rotation: %v", err)
	}
	newSigner, _ := booking.NewSigner(newKey)
	h = startChild(t, "hub", "--config", hubFile, "--addr", freeAddr(t))
	within(t, "the center keeps the new key and the old one", 60*time.Second, func() bool {
		b, err := os.ReadFile(keptKey)
		r, rerr := os.ReadFile(filepath.Join(dir, "data-c1", hubRetiredKeysFile))
		return err == nil && rerr == nil && strings.TrimSpace(string(b)) == booking.EncodePublic(newSigner.Public()) &&
			strings.Contains(string(r), booking.EncodePublic(oldSigner.Public())) && strings.Contains(string(r), `"last_day":"`+today+`"`)
	})

	var got struct {
		Number string `json:"number"`
		Online bool   `json:"online"`
	}
	checkIn := func(code string, out any) (int, string) {
		return req(t, "POST", c.base+"/api/v1/bookings/check-in", "demo-kiosk-k2", map[string]string{"code": code}, out)
	}
	if st, raw := checkIn(outstanding, &got); st != 201 || !got.Online || got.Number != "A001" {
		t.Fatalf("the booking outstanding after the rotation: %d %s", st, raw)
	}
	late := tk
	late.ID, late.Day = "00000000000000a2", tomorrow
	lateCode, _ := oldSigner.Sign(late)
	if st, raw := checkIn(lateCode, nil); st != 400 || !strings.Contains(raw, "booking_invalid") {
		t.Fatalf("the old key's code for a day after its last: %d %s", st, raw)
	}
	fresh := tk
	fresh.ID, fresh.Field, fresh.Person = "00000000000000a3", "B", strings.Repeat("7b", 32)
	freshCode, _ := newSigner.Sign(fresh)
	if st, raw := checkIn(freshCode, nil); st != 201 {
		t.Fatalf("the new key's code: %d %s", st, raw)
	}
	// The center keeps both across a restart without the hub.
	h.stop(t)
	c.kill()
	c = startChild(t, "serve", "--config", filepath.Join(dir, "c1.yaml"), "--addr", "127.0.0.1:0")
	again := tk
	again.ID, again.Field, again.Person = "00000000000000a4", "C", strings.Repeat("7c", 32)
	againCode, _ := oldSigner.Sign(again)
	if st, raw := checkIn(againCode, nil); st != 201 {
		t.Fatalf("the old key's code for today after a restart: %d %s", st, raw)
	}
	c.stop(t)

	// A process started with the old key file is refused.
	other := filepath.Join(dir, "hub-old")
	if err := os.MkdirAll(other, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, booking.KeyFile), []byte(oldKeyFile), 0o600); err != nil {
		t.Fatal(err)
	}
	hubYAML := strings.Replace(mustRead(t, hubFile), "data_dir: "+filepath.Join(dir, "hub-data"), "data_dir: "+other, 1)
	otherFile := filepath.Join(dir, "hub-old.yaml")
	if err := os.WriteFile(otherFile, []byte(hubYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	defer unix.Umask(unix.Umask(0o077)) // runHub sets the process's: put the test's back for the tests after
	errOut.Reset()
	if err := run(ctx, []string{"hub", "--config", otherFile, "--addr", freeAddr(t)}, nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "another key") {
		t.Fatalf("a hub process with the old key: %v", err)
	}
}
