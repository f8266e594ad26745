package hubconfig

import (
	"fmt"
	"strings"
	"time"

	"motcua/kiosk/dossier/upstream"
)

// MaxSourceTimeout bounds a source's timeout at the hub: the hub answers a
// center within 2.2 s, inside the center's kiosk's 3 s.
const MaxSourceTimeout = 2 * time.Second

// Dossiers is the province's one integration with its dossier system (and
// a ministry's), which the hub asks for every center whose
// dossiers.sources has an entry of kind hub. Each upstream keeps its own
// cache at the hub, so a dossier many centers' citizens ask about is looked
// up once.
type Dossiers struct {
	Sources []Source `yaml:"sources"`
}

// Source is one system the hub asks, in order.
type Source struct {
	Name string `yaml:"name"`
	// Timeout bounds its answer (default: what is left of the hub's 2.2 s).
	Timeout time.Duration `yaml:"timeout"`
	// Upstream is configured as a center's dossiers.upstream
	// (docs/dossier-sources.md).
	Upstream *upstream.Opts `yaml:"upstream"`
}

func (c *Config) checkDossiers() error {
	seen := map[string]bool{}
	for i := range c.Dossiers.Sources {
		s := &c.Dossiers.Sources[i]
		key := fmt.Sprintf("dossiers.sources[%d]", i)
		switch {
		case strings.TrimSpace(s.Name) == "":
			return c.fail(key+".name", "a source needs a name")
		case seen[s.Name]:
			return c.fail(key+".name", "%q is already the name of another source", s.Name)
		case s.Timeout < 0 || s.Timeout > MaxSourceTimeout:
			return c.fail(key+".timeout", "must be between 0 and %v (the centers' kiosks answer within 3 s)", MaxSourceTimeout)
		case s.Upstream == nil || s.Upstream.Request.URL == "":
			return c.fail(key+".upstream.request.url", "the province's system's URL is required")
		}
		seen[s.Name] = true
		if file, err := s.Upstream.Auth.ReadSecretFiles(); err != nil {
			return c.fail(key+".upstream.auth."+file, "%v", err)
		}
		if _, err := upstream.New(*s.Upstream); err != nil {
			return c.fail(key+".upstream", "%v", err)
		}
	}
	return nil
}
