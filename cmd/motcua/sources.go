package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/chain"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/dossier/upstream"
	"motcua/province/wire"
)

// sourceGrace is how much longer than an upstream source's own timeout the
// chain waits for it: the adapter gives up first and counts the failure
// towards its circuit breaker, which a chain's deadline would not.
const sourceGrace = 100 * time.Millisecond

// dossierSources builds the chain of dossiers.sources, in order.
func dossierSources(cfg *config.Config, reg *registry.Registry, hub hubAsk, log *slog.Logger) (dossier.Source, error) {
	var links []chain.Source
	for i, s := range cfg.Dossiers.Sources {
		link := chain.Source{Name: s.Name, Timeout: s.Timeout}
		switch s.Kind {
		case config.SourceRegistry:
			link.Source = reg
		case config.SourceHub:
			if hub == nil {
				return nil, fmt.Errorf("serve: dossiers.sources[%d] (%s): no hub link", i, s.Name)
			}
			link.Source = hubSource{ask: hub}
		case config.SourceUpstream:
			o := *s.Upstream
			o.Logger = log.With("source", s.Name)
			if s.Timeout > 0 {
				o.Timeout = s.Timeout
				link.Timeout = s.Timeout + sourceGrace
			}
			up, err := upstream.New(o)
			if err != nil {
				return nil, fmt.Errorf("serve: dossiers.sources[%d] (%s): %w", i, s.Name, err)
			}
			link.Source = up
		}
		links = append(links, link)
	}
	c, err := chain.New(chain.Opts{Sources: links, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("serve: dossiers.sources: %w", err)
	}
	return c, nil
}

// hubAsk asks the province hub for a dossier over the center's link.
type hubAsk func(ctx context.Context, code string) (wire.DossierReply, error)

// hubSource is the hub's integration as a dossier source: one integration
// with the province's system, cached at the hub, for all its centers.
type hubSource struct{ ask hubAsk }

func (h hubSource) Lookup(ctx context.Context, code string) (dossier.Dossier, error) {
	code = dossier.NormalizeCode(code)
	r, err := h.ask(ctx, code)
	switch {
	case err != nil:
		return dossier.Dossier{}, fmt.Errorf("hub: %s: %w: %w", code, dossier.ErrUnavailable, err)
	case r.Error != "":
		return dossier.Dossier{}, fmt.Errorf("hub: %s: %s: %w", code, r.Error, dossier.ErrUnavailable)
	case r.NotFound:
		return dossier.Dossier{}, fmt.Errorf("hub: %s: %w", code, dossier.ErrNotFound)
	}
	var d dossier.Dossier
	if err := json.Unmarshal(r.Dossier, &d); err != nil || dossier.NormalizeCode(d.Code) != code || !d.Status.Valid() {
		return dossier.Dossier{}, fmt.Errorf("hub: %s: unreadable dossier from the hub: %w", code, dossier.ErrUnavailable)
	}
	return d, nil
}
