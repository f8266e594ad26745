package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"motcua/internal/database"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/outbox"
	"motcua/province/wire"
)

// The center tells its hub its outbox's counts by channel and state.
func TestNotifyCountsInTheHubStatus(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	box, err := outbox.NewStore(ctx, db, outbox.StoreOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if err := box.AddContact(ctx, notify.Contact{Key: "t:1", Ticket: "1", Phone: "84912345678", Expires: time.Now().Add(time.Hour)},
		[]notify.Message{{Key: "t:1:called", Kind: notify.KindCalled, Contact: "t:1", At: time.Now()},
			{Key: "t:1:rating", Kind: notify.KindRating, Contact: "t:1", At: time.Now()}}, nil); err != nil {
		t.Fatal(err)
	}
	n := &notifications{box: box, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	var st wire.Status
	n.wireStatus(&st)
	if len(st.Notify) != 1 || st.Notify[0] != (wire.NotifyCount{Channel: "", State: "pending", N: 2}) {
		t.Fatalf("status counts %+v", st.Notify)
	}
	var none *notifications
	st = wire.Status{}
	none.wireStatus(&st)
	if st.Notify != nil {
		t.Fatalf("without notifications: %+v", st.Notify)
	}
}
