package main

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/hubnotify"
	"motcua/internal/identity"
	"motcua/internal/pgtest"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/notifytest"
	"motcua/kiosk/notify/outbox"
	"motcua/kiosk/notify/smsgw"
	"motcua/kiosk/web"
	"motcua/province/booking"
	"motcua/province/online"
	"motcua/province/pgstore"
)

// With online.sender notify, a confirmation code goes into the hub's
// outbox as a message of kind code, one per request, and the hub's SMS
// gateway sends its text: the booker's phone gets the six digits that
// confirm the booking.
func TestOnlineCodeThroughTheHubsChannels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	gw := notifytest.NewSMS(t)
	so := smsgw.ESMS(gw.APIKey, "UBND-TINH")
	so.URL, so.Secret = gw.URL, gw.SecretKey
	sms, err := smsgw.New(so)
	if err != nil {
		t.Fatal(err)
	}
	messages, err := hubnotify.New(hubnotify.Opts{DB: db, Logger: quiet,
		Sender: outbox.SenderOpts{Channels: []notify.Channel{sms}, Location: time.UTC}})
	if err != nil {
		t.Fatal(err)
	}
	go messages.Run(ctx)
	h, _ := identity.New([]byte("province-secret-0123456789"))
	key, err := booking.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := booking.NewSigner(key)
	svc, err := online.New(online.Opts{Store: db, Signer: signer, Hasher: h, QR: web.QRSVG, Logger: quiet,
		Sender: notifySender{take: messages.Take, now: time.Now},
		Offers: func(context.Context) ([]online.Offer, error) { return nil, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RequestCode(ctx, online.CodeRequest{Phone: "0912 345 678", IDNumber: "001099012345"}); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-gw.Arrived():
		// The eSMS preset folds the diacritics (ASCII segments cost less).
		if m.Phone != "0912345678" || !regexp.MustCompile(`^Ma xac nhan dat so truc tuyen cua ban la \d{6} \(hieu luc 10 phut\)`).MatchString(m.Content) {
			t.Fatalf("the gateway got %+v", m)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no SMS reached the gateway")
	}
	if n := gw.Requests(); n != 1 {
		t.Fatalf("%d requests to the gateway, want the one code", n)
	}
}
