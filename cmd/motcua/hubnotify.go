package main

import (
	"log/slog"

	"motcua/cmd/motcua/internal/hubconfig"
	"motcua/cmd/motcua/internal/hubnotify"
	"motcua/kiosk/notify/outbox"
	"motcua/kiosk/notify/zns"
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
	return hubnotify.New(hubnotify.Opts{DB: db, Logger: log, Sender: outbox.SenderOpts{Channels: channels, Rates: rates,
		Quiet: nc.Quiet(), Location: cfg.Location(), Keep: nc.Keep}})
}
