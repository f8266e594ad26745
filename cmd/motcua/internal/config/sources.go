package config

import (
	"strconv"
	"time"

	"motcua/kiosk/dossier/chain"
	"motcua/kiosk/dossier/upstream"
)

// DossierSource is one of dossiers.sources: a place dossiers are looked up
// in, asked in the order of the list.
type DossierSource struct {
	// Name names it in logs; unique.
	Name string `yaml:"name"`
	// Kind is registry (the embedded registry), upstream (a main system,
	// configured in Upstream as dossiers.upstream is) or hub (the
	// province hub's integration, for a center with a hub section).
	Kind string `yaml:"kind"`
	// Timeout bounds its answer (default: what is left of the 2.5 s the
	// whole lookup has).
	Timeout time.Duration `yaml:"timeout"`
	// Upstream is the adapter of a kind: upstream source.
	Upstream *upstream.Opts `yaml:"upstream"`
}

// checkSources checks dossiers.sources and reads their secrets kept in files.
func (c *Config) checkSources() []*Error {
	var errs []*Error
	seen := map[string]bool{}
	for i := range c.Dossiers.Sources {
		s := &c.Dossiers.Sources[i]
		key := "dossiers.sources[" + strconv.Itoa(i) + "]"
		switch {
		case s.Name == "":
			errs = append(errs, c.fail(key+".name", "a source needs a name"))
		case seen[s.Name]:
			errs = append(errs, c.fail(key+".name", "%q is already the name of another source", s.Name))
		}
		seen[s.Name] = true
		if s.Timeout < 0 || s.Timeout > chain.DefaultBudget {
			errs = append(errs, c.fail(key+".timeout", "must be between 0 and %v (the kiosk answers within 3 s)", chain.DefaultBudget))
		}
		switch s.Kind {
		case SourceRegistry:
			if s.Upstream != nil {
				errs = append(errs, c.fail(key+".upstream", "a registry source has no upstream"))
			}
		case SourceHub:
			if s.Upstream != nil {
				errs = append(errs, c.fail(key+".upstream", "a hub source has no upstream: the hub's own config says where it looks"))
			}
			if !c.Hub.Enabled() && !c.atHub { // the hub section is the center's own
				errs = append(errs, c.fail(key+".kind", "hub: this center has no hub section"))
			}
		case SourceUpstream:
			if s.Upstream == nil || s.Upstream.Request.URL == "" {
				errs = append(errs, c.fail(key+".upstream.request.url", "an upstream source needs the main system's URL"))
			}
			errs = append(errs, c.readUpstreamSecrets(key+".upstream", s.Upstream)...)
		default:
			errs = append(errs, c.fail(key+".kind", "%q: use registry, upstream or hub", s.Kind))
		}
	}
	return errs
}

// readUpstreamSecrets reads the password, token and client secret an
// adapter keeps in files (key is where its config is, for messages); at
// the hub they are not read: the files live at the center.
func (c *Config) readUpstreamSecrets(key string, u *upstream.Opts) []*Error {
	if u == nil || c.atHub {
		return nil
	}
	if file, err := u.Auth.ReadSecretFiles(); err != nil {
		return []*Error{c.fail(key+".auth."+file, "%v", err)}
	}
	return nil
}
