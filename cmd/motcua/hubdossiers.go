package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"motcua/cmd/motcua/internal/hubconfig"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/chain"
	"motcua/kiosk/dossier/upstream"
	"motcua/province/hub"
	"motcua/province/wire"
)

// hubBudget is what the hub's chain has for one lookup, inside
// hub.DossierTimeout.
const hubBudget = hub.DossierTimeout - 200*time.Millisecond

// hubDossiers is the hub's answer to its centers' dossier lookups: the
// province's sources in order (each upstream with its own cache), or nil
// when the hub config names none.
func hubDossiers(cfg *hubconfig.Config, log *slog.Logger) (func(ctx context.Context, center, code string) wire.DossierReply, error) {
	if len(cfg.Dossiers.Sources) == 0 {
		return nil, nil
	}
	var links []chain.Source
	for i, s := range cfg.Dossiers.Sources {
		o := *s.Upstream
		o.Logger = log.With("source", s.Name)
		link := chain.Source{Name: s.Name, Timeout: s.Timeout}
		if s.Timeout > 0 {
			o.Timeout = s.Timeout
			link.Timeout = s.Timeout + sourceGrace
		}
		up, err := upstream.New(o)
		if err != nil {
			return nil, fmt.Errorf("hub: dossiers.sources[%d] (%s): %w", i, s.Name, err)
		}
		link.Source = up
		links = append(links, link)
	}
	c, err := chain.New(chain.Opts{Sources: links, Budget: hubBudget, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("hub: dossiers: %w", err)
	}
	return func(ctx context.Context, center, code string) wire.DossierReply {
		return dossierReply(ctx, c, code)
	}, nil
}

// dossierReply looks code up in src and says what became of it.
func dossierReply(ctx context.Context, src dossier.Source, code string) wire.DossierReply {
	d, err := src.Lookup(ctx, dossier.NormalizeCode(code))
	switch {
	case errors.Is(err, dossier.ErrNotFound):
		return wire.DossierReply{NotFound: true}
	case err != nil:
		return wire.DossierReply{Error: "the province's dossier system does not answer"}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return wire.DossierReply{Error: "dossier not encodable"}
	}
	return wire.DossierReply{Dossier: b}
}
