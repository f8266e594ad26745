package upstream

import (
	"slices"
	"sync"
	"time"

	"motcua/kiosk/dossier"
)

// cache keeps recent answers for a short time: dossiers for ttl, "not found"
// for negTTL. Failures are never cached.
type cache struct {
	ttl, negTTL time.Duration
	max         int
	now         func() time.Time

	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	d        dossier.Dossier
	notFound bool
	expires  time.Time
}

func (c *cache) get(code string) (d dossier.Dossier, notFound, ok bool) {
	if c.ttl <= 0 && c.negTTL <= 0 {
		return dossier.Dossier{}, false, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[code]
	if !ok {
		return dossier.Dossier{}, false, false
	}
	if !c.now().Before(e.expires) {
		delete(c.entries, code)
		return dossier.Dossier{}, false, false
	}
	d = e.d
	d.History = slices.Clone(e.d.History) // callers change the events they get (Finish)
	return d, e.notFound, true
}

func (c *cache) put(code string, d dossier.Dossier, notFound bool) {
	ttl := c.ttl
	if notFound {
		ttl = c.negTTL
	}
	if ttl <= 0 {
		return
	}
	now := c.now()
	d.History = slices.Clone(d.History)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < c.max {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[code] = cacheEntry{d: d, notFound: notFound, expires: now.Add(ttl)}
}
