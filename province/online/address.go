package online

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"motcua/internal/clock"
)

// Defaults of the per-address limit on code requests.
const (
	// DefaultPerAddress is how many confirmation codes one address may
	// ask for in DefaultAddressEvery: generous, since mobile networks put
	// many phones behind one address (CGNAT), yet a bound on one machine
	// sending codes to a list of numbers.
	DefaultPerAddress   = 30
	DefaultAddressEvery = 10 * time.Minute
)

// errAddressThrottled: this address asked for too many codes lately.
var errAddressThrottled = errors.New("online: too many code requests from one address")

// addresses counts requests per client address in fixed windows.
type addresses struct {
	limit int
	every time.Duration
	clk   clock.Clock

	mu    sync.Mutex
	seen  map[string]*window
	prune time.Time
}

type window struct {
	start time.Time
	n     int
}

// allow counts one request of addr and reports whether it is within the
// limit, and if not when the window ends.
func (a *addresses) allow(addr string) (bool, time.Duration) {
	if a.limit <= 0 {
		return true, 0
	}
	now := a.clk.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if now.Sub(a.prune) >= a.every {
		for k, w := range a.seen {
			if now.Sub(w.start) >= a.every {
				delete(a.seen, k)
			}
		}
		a.prune = now
	}
	w := a.seen[addr]
	if w == nil || now.Sub(w.start) >= a.every {
		w = &window{start: now}
		a.seen[addr] = w
	}
	if w.n >= a.limit {
		return false, w.start.Add(a.every).Sub(now)
	}
	w.n++
	return true, 0
}

// ClientAddr returns the function that names a request's client: the
// connection's address, or, when that is one of the trusted proxies, the
// last address in X-Forwarded-For that is not one of them. Entries are
// addresses or CIDRs; a bad one is an error.
func ClientAddr(trusted []string) (func(*http.Request) string, error) {
	var nets []netip.Prefix
	for _, t := range trusted {
		if p, err := netip.ParsePrefix(t); err == nil {
			nets = append(nets, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(t)
		if err != nil {
			return nil, err
		}
		nets = append(nets, netip.PrefixFrom(a, a.BitLen()))
	}
	isTrusted := func(s string) bool {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, p := range nets {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(r *http.Request) string {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		if !isTrusted(host) {
			return host
		}
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			if h := strings.TrimSpace(hops[i]); h != "" && !isTrusted(h) {
				return h
			}
		}
		return host
	}, nil
}
