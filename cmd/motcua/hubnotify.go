package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"motcua/cmd/motcua/internal/hubconfig"
	"motcua/cmd/motcua/internal/hubnotify"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/outbox"
	"motcua/kiosk/notify/zns"
	"motcua/province/online"
	"motcua/province/pgstore"
)

// openHubNotify is the hub's sender of its centers' messages, or nil when
// the hub's notify section lists no channel (the hub then refuses them).
func openHubNotify(cfg *hubconfig.Config, db *pgstore.DB, log *slog.Logger) (*hubnotify.Hub, error) {
	nc := &cfg.Notify
	if !nc.Enabled() {
		return nil, nil
	}
	var z *zns.Opts
	if nc.ZNS != nil {
		z = &nc.ZNS.Opts
	}
	channels, err := notifyChannels(nc.Channels, z, nc.SMS, nc.Email, db, nil)
	if err != nil {
		return nil, err
	}
	rates := map[string]outbox.Rate{}
	for name, r := range nc.Rates {
		rates[name] = outbox.Rate{PerSecond: r.PerSecond, Burst: r.Burst}
	}
	return hubnotify.New(hubnotify.Opts{DB: db, Logger: log, Timely: bookingTimely(db, log),
		Sender: outbox.SenderOpts{Channels: channels, Rates: rates, Quiet: nc.Quiet(), Location: cfg.Location(), Keep: nc.Keep}})
}

// bookingTimely is the hub's check just before a send: a booking's
// reminder goes only while the booking is booked and not checked in (its
// expiry, the window's start, is the sender's own check). The other
// messages are timely. A booking that cannot be read now is reminded of:
// a reminder too many is better than one lost.
func bookingTimely(db *pgstore.DB, log *slog.Logger) func(notify.Message) bool {
	return func(m notify.Message) bool {
		if m.Kind != notify.KindReminder {
			return true
		}
		id, ok := online.ReminderBooking(strings.TrimPrefix(m.Key, hubSender+":"))
		if !ok {
			return true
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		b, err := db.GetBooking(ctx, id)
		switch {
		case errors.Is(err, pgstore.ErrBookingNotFound):
			return false
		case err != nil:
			log.Warn("hub: a booking's state not read before its reminder: sent", "booking", id, "err", err)
			return true
		}
		return b.State == pgstore.Booked && !b.CheckedIn
	}
}
