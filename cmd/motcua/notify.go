package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/email"
	"motcua/kiosk/notify/outbox"
	"motcua/kiosk/notify/relay"
	"motcua/kiosk/notify/smsgw"
	"motcua/kiosk/notify/zns"
	"motcua/province/link"
	"motcua/province/wire"
	"motcua/queue"
)

// notifications are the notifier and the sender of a center that sends
// messages (cfg.Notify has channels).
type notifications struct {
	notifier *notify.Notifier
	sender   *outbox.Sender
	box      *outbox.Store
	log      *slog.Logger
}

// openNotify builds the notifier on the engine and the sender on the
// center's database, or returns nil when no channel is configured. The
// caller registers notifier.Publish before the engine runs and runs both.
func openNotify(ctx context.Context, cfg *config.Config, db *sql.DB, engine *queue.Engine, hub func() relay.Hub, log *slog.Logger) (*notifications, error) {
	nc := cfg.Notify
	if !nc.Enabled() {
		return nil, nil
	}
	box, err := outbox.NewStore(ctx, db, outbox.StoreOpts{})
	if err != nil {
		return nil, err
	}
	n, err := notify.New(notify.Opts{Source: engine, Outbox: box, Kinds: nc.Kinds, FieldKinds: nc.Fields,
		AheadAt: nc.AheadAt, PageURL: cfg.Center.PublicBaseURL, TicketRetention: nc.TicketRetention,
		DossierRetention: nc.DossierRetention, Logger: log})
	if err != nil {
		return nil, err
	}
	var z *zns.Opts
	if nc.ZNS != nil {
		z = &nc.ZNS.Opts
	}
	channels, err := notifyChannels(nc.Channels, z, nc.SMS, nc.Email, box, hub)
	if err != nil {
		return nil, err
	}
	rates := map[string]outbox.Rate{}
	for name, r := range nc.Rates {
		rates[name] = outbox.Rate{PerSecond: r.PerSecond, Burst: r.Burst}
	}
	so := outbox.SenderOpts{Store: box, Channels: channels, Timely: n.Timely, Rates: rates,
		Location: cfg.Location(), Logger: log}
	if from, to, ok := nc.Quiet(); ok {
		so.Quiet = &outbox.Quiet{From: from, To: to}
	}
	s, err := outbox.NewSender(so)
	if err != nil {
		return nil, err
	}
	return &notifications{notifier: n, sender: s, box: box, log: log}, nil
}

// wireStatus adds the outbox's counts to the center's status for its hub.
func (n *notifications) wireStatus(st *wire.Status) {
	if n == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := n.box.Counts(ctx)
	if err != nil {
		n.log.Warn("notify: counting the outbox for the hub", "err", err)
		return
	}
	for _, c := range counts {
		st.Notify = append(st.Notify, wire.NotifyCount{Channel: c.Channel, State: string(c.State), N: c.N})
	}
}

// notifierOrNil is the notifier, nil when notifications are off.
func (n *notifications) notifierOrNil() *notify.Notifier {
	if n == nil {
		return nil
	}
	return n.notifier
}

// notifyChannels builds the channels named, in their order, from their
// sections (checked by the config); secrets keeps Zalo's tokens, hub is the
// link for the channel "hub" (nil: none).
func notifyChannels(names []string, z *zns.Opts, sms *smsgw.Opts, em *email.Opts, secrets zns.Secrets, hub func() relay.Hub) ([]notify.Channel, error) {
	var channels []notify.Channel
	for _, name := range names {
		var ch notify.Channel
		var err error
		switch name {
		case "zns":
			o := *z
			o.Secrets = secrets
			ch, err = zns.New(o)
		case "sms":
			ch, err = smsgw.New(*sms)
		case "email":
			ch, err = email.New(*em)
		case relay.Name:
			if hub == nil {
				hub = func() relay.Hub { return nil }
			}
			ch, err = relay.New(relay.Opts{Hub: hub, Unreachable: func(err error) bool { return errors.Is(err, link.ErrNotConnected) }})
		default:
			err = fmt.Errorf("notify: no channel %q", name)
		}
		if err != nil {
			return nil, err
		}
		channels = append(channels, ch)
	}
	return channels, nil
}
