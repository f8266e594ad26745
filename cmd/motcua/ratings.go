package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"motcua/cmd/motcua/internal/config"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/upstream"
	"motcua/kiosk/ratings"
)

// openRatings opens the ratings' store and, with ratings.push configured,
// starts pushing them to the main system until the service closes.
func (s *service) openRatings(ctx context.Context, cfg *config.Config, db *sql.DB, log *slog.Logger) (*ratings.Store, error) {
	store, err := ratings.Open(ctx, db, nil)
	if err != nil {
		return nil, err
	}
	if cfg.Ratings.Push == nil {
		return store, nil
	}
	o := *cfg.Ratings.Push
	o.Logger = log.With("push", "ratings")
	sender, err := upstream.NewSender(o)
	if err != nil {
		return nil, fmt.Errorf("serve: ratings.push: %w", err)
	}
	names := map[string]string{}
	for _, u := range cfg.Staff {
		names[u.Username] = u.Name
	}
	agency := cfg.Center.AgencyCode
	p, err := ratings.NewPusher(ratings.PushOpts{Store: store, Every: cfg.Ratings.PushEvery, Logger: log,
		Send: func(ctx context.Context, r ratings.Rated) error {
			return sender.Send(ctx, ratingFields(r, names, agency))
		}})
	if err != nil {
		return nil, fmt.Errorf("serve: ratings.push: %w", err)
	}
	s.goRun(p.Run)
	return store, nil
}

// ratingFields are the placeholders of ratings.push.request.body.
func ratingFields(r ratings.Rated, names map[string]string, agency string) map[string]string {
	at := r.At.In(dossier.Zone())
	code := ""
	if len(r.Codes) > 0 {
		code = r.Codes[0]
	}
	return map[string]string{
		"ticket": r.TicketID, "number": r.Number, "day": r.Day, "counter": r.Counter,
		"clerk": r.Clerk, "clerk_name": names[r.Clerk], "rating": strconv.Itoa(r.Value), "rating_label": ratings.Label(r.Value),
		"at": at.Format("20060102150405"), "at_rfc3339": at.Format("2006-01-02T15:04:05-07:00"),
		"code": code, "codes": strings.Join(r.Codes, ","), "agency": agency,
	}
}
