package main

import (
	"fmt"
	"log/slog"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/chain"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/dossier/upstream"
)

// sourceGrace is how much longer than an upstream source's own timeout the
// chain waits for it: the adapter gives up first and counts the failure
// towards its circuit breaker, which a chain's deadline would not.
const sourceGrace = 100 * time.Millisecond

// dossierSources builds the chain of dossiers.sources, in order.
func dossierSources(cfg *config.Config, reg *registry.Registry, log *slog.Logger) (dossier.Source, error) {
	var links []chain.Source
	for i, s := range cfg.Dossiers.Sources {
		link := chain.Source{Name: s.Name, Timeout: s.Timeout}
		switch s.Kind {
		case config.SourceRegistry:
			link.Source = reg
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
