package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/cmd/motcua/internal/hubconfig"
	"motcua/internal/clock"
	"motcua/internal/identity"
	"motcua/kiosk/notify"
	"motcua/kiosk/web"
	"motcua/province/booking"
	"motcua/province/hub"
	"motcua/province/online"
	"motcua/province/pgstore"
	"motcua/province/wire"
)

// offersEvery is how long the hub's booking page keeps the centers' offers
// before reading the published configurations again: a change published
// for a center shows there within this.
const offersEvery = 15 * time.Second

// hubOnline is the hub's booking of online numbers on db, or nil when cfg
// sets it off. What each center offers is read from the configuration
// published for it (its online: section and fields).
//
// take stores a message in the hub's outbox (hubnotify.Hub.Take), nil when
// the hub has no notify channels: online.sender notify sends the codes with
// it.
//
// decided wakes the hub's sender after a booking stored its reminder (nil
// without notify channels); with online.messages a booker may consent to
// messages.
func hubOnline(cfg *hubconfig.Config, db *pgstore.DB, store hub.Store, signer *booking.Signer, retired []booking.Retired, log *slog.Logger,
	changed func(center string), take func(context.Context, string, wire.NotifyRequest) wire.NotifyReply,
	decided func()) (*online.Service, error) {
	if cfg.OnlineSecret() == "" {
		return nil, nil
	}
	h, err := identity.New([]byte(cfg.OnlineSecret()))
	if err != nil {
		return nil, err
	}
	oc := &offerCache{clock: clock.System{}, load: func(ctx context.Context) ([]online.Offer, error) {
		var out []online.Offer
		for _, c := range cfg.Centers {
			b, err := store.Bundle(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			if b.Config == "" {
				continue
			}
			pc, err := config.ParsePublished([]byte(b.Config))
			if err != nil {
				log.Warn("online: the configuration published for a center does not read: it takes no bookings", "center", c.ID, "err", err)
				continue
			}
			if o, ok := offerOf(c.ID, c.Name, pc); ok {
				out = append(out, o)
			}
		}
		return out, nil
	}}
	clientAddr, err := online.ClientAddr(cfg.Online.TrustedProxies) // checked by hubconfig
	if err != nil {
		return nil, err
	}
	var sender online.Sender = logSender{log: log} // "log": the demo's (hubconfig allows it only there)
	if cfg.Online.Sender == "notify" {
		if take == nil {
			return nil, errors.New("hub: online.sender notify needs the hub's notify channels")
		}
		sender = notifySender{take: take, now: time.Now}
	}
	var messages *online.Messages
	if cfg.Online.Messages {
		if decided == nil {
			return nil, errors.New("hub: online.messages needs the hub's notify channels")
		}
		messages = &online.Messages{Sender: hubSender, Kind: string(notify.KindReminder), Before: cfg.Online.RemindBefore,
			Keep: cfg.Online.PhoneKeep, Decided: decided}
	}
	return online.New(online.Opts{Store: db, Signer: signer, Retired: retired, Hasher: h, Sender: sender, Offers: oc.offers,
		QR: web.QRSVG, Logger: log, Notify: changed, PerAddress: cfg.Online.CodesPerAddress, ClientAddr: clientAddr,
		Messages: messages})
}

// offerOf is what center offers online under its configuration c; ok is
// false when no field takes online numbers.
func offerOf(center, name string, c *config.Config) (online.Offer, bool) {
	o := online.Offer{Center: center, Name: name, Location: c.Location(), DaysAhead: c.Online.DaysAhead,
		Window: c.Online.Window, Caps: c.QueueCaps()}
	for _, f := range c.QueueFields() {
		if q := c.Online.Quota[f.Code]; q > 0 && !f.Lane {
			o.Fields = append(o.Fields, online.OfferField{Code: f.Code, Name: f.Name, Quota: q, Hours: f.Hours, Days: f.Days})
		}
	}
	return o, len(o.Fields) > 0
}

// offerCache keeps the offers for offersEvery.
type offerCache struct {
	clock clock.Clock
	load  func(ctx context.Context) ([]online.Offer, error)

	mu   sync.Mutex
	at   time.Time
	list []online.Offer
}

func (c *offerCache) offers(ctx context.Context) ([]online.Offer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.clock.Now(); c.list == nil || now.Sub(c.at) >= offersEvery || now.Before(c.at) {
		list, err := c.load(ctx)
		if err != nil {
			return nil, err
		}
		c.list, c.at = list, now
	}
	return c.list, nil
}

// logSender writes confirmation codes to the hub's log: the demo
// province's channel (hubconfig refuses it elsewhere).
type logSender struct{ log *slog.Logger }

func (s logSender) Send(_ context.Context, c online.Code) error {
	s.log.Info("online (demo): confirmation code for a phone", "phone_end", c.Phone[len(c.Phone)-3:], "text", c.Text)
	return nil
}

// notifySender sends confirmation codes through the hub's own notify
// channels (online.sender: notify): a message of kind "code" in the hub's
// outbox, one per code request, sent at any hour and dropped when the code
// has expired; Zalo ZNS with the template of kind code if configured, else
// the next channel (SMS) with the text.
type notifySender struct {
	take func(ctx context.Context, center string, r wire.NotifyRequest) wire.NotifyReply
	now  func() time.Time
}

// hubSender is the sender name of the hub's own messages in its outbox
// and counts (no center's id starts with an underscore).
const hubSender = "_hub"

func (s notifySender) Send(ctx context.Context, c online.Code) error {
	phone, err := notify.NormalizePhone(c.Phone)
	if err != nil {
		return fmt.Errorf("online: %w", err)
	}
	r := s.take(ctx, hubSender, wire.NotifyRequest{Key: "code:" + c.Request, Kind: string(notify.KindCode), Phone: phone,
		Params:  map[string]string{"code": c.Code, "minutes": strconv.Itoa(int(c.TTL / time.Minute))},
		Expires: s.now().Add(c.TTL), Live: true})
	if !r.Accepted {
		return fmt.Errorf("online: the hub's outbox took no code: %s", r.Error)
	}
	return nil
}

// withOnline serves the booking page and its API beside the fleet's pages.
func withOnline(fleetHandler http.Handler, svc *online.Service) http.Handler {
	if svc == nil {
		return fleetHandler
	}
	h := svc.Handler()
	mux := http.NewServeMux()
	mux.Handle(online.PagePath, h)
	mux.Handle(online.PagePath+"/", h)
	mux.Handle(online.APIPath, h)
	mux.Handle("/", fleetHandler)
	return mux
}
