package server

import (
	"context"
	"strings"
	"sync"
	"time"
)

// agencyDatesCache holds the date group's digits of the registry's codes
// per agency for a while, like agencyCache.
type agencyDatesCache struct {
	mu    sync.Mutex
	at    time.Time
	dates map[string]int
}

// prefixDates is, for each of the keypad's prefixes whose codes in the
// registry have a date group other than code.DateDigits (a ministry's
// 8-digit yyyyMMdd beside the national 6), that number of digits; the
// keypad types the dash after them.
func (s *Server) prefixDates(ctx context.Context, code codeJSON) map[string]int {
	out := map[string]int{}
	if s.registry == nil || s.screens == nil {
		return out
	}
	dc := &s.screens.dates
	dc.mu.Lock()
	now := s.now()
	if dc.at.IsZero() || now.Sub(dc.at) >= agencyEvery {
		if dates, err := s.registry.AgencyDateDigits(ctx, now.Add(-agencyWindow)); err != nil {
			s.log.Warn("kiosk settings: the date groups of the registry's codes", "err", err)
		} else {
			dc.at, dc.dates = now, dates
		}
	}
	dates := dc.dates
	dc.mu.Unlock()
	for _, p := range code.Prefixes {
		if n, ok := dates[strings.TrimSuffix(p, "-")]; ok && n != code.DateDigits {
			out[p] = n
		}
	}
	return out
}
