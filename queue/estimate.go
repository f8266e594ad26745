package queue

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// Defaults of the wait estimate (Opts.EstimateDays and the others).
const (
	DefaultEstimateDays    = 28
	DefaultEstimateSamples = 10
	DefaultCounterIdle     = 30 * time.Minute
	// estimateHour is how far from the hour of day a service time may lie
	// and still be counted first.
	estimateHour = time.Hour
	// maxHistory bounds the service times kept per field.
	maxHistory = 8192
)

// served is one ticket's time at a counter: from its call to its end.
type served struct {
	at   time.Time // DoneAt
	took time.Duration
}

// perField is a field's service time as serviceTime last found it: kept
// for a minute or until the field's next sample, as every phone following
// a ticket asks for it at each event.
type perField struct {
	at  time.Time
	per time.Duration
	ok  bool
}

// loadHistory reads the service times of the last EstimateDays days from
// the store. Caller is the only user of e.
func (e *Engine) loadHistory(ctx context.Context) error {
	e.history, e.per = map[string][]served{}, map[string]perField{}
	today := e.clock.Now().In(e.loc)
	if d, err := time.ParseInLocation("2006-01-02", e.day, e.loc); err == nil && d.After(today) {
		today = d
	}
	from := today.AddDate(0, 0, -e.opts.EstimateDays).Format("2006-01-02")
	tickets, err := e.opts.Store.Tickets(ctx, from, today.Format("2006-01-02"))
	if err != nil {
		return fmt.Errorf("queue: service history: %w", err)
	}
	slices.SortFunc(tickets, func(a, b Ticket) int { return a.DoneAt.Compare(b.DoneAt) })
	for i := range tickets {
		e.sample(&tickets[i])
	}
	return nil
}

// sample remembers how long t was at the counter, for wait estimates.
// Caller holds e.mu.
func (e *Engine) sample(t *Ticket) {
	d := t.DoneAt.Sub(t.CalledAt)
	if t.State != Done || t.CalledAt.IsZero() || d <= 0 {
		return
	}
	s := append(e.history[t.Service], served{at: t.DoneAt, took: d})
	if len(s) > maxHistory {
		s = slices.Delete(s, 0, len(s)-maxHistory)
	}
	e.history[t.Service] = s
	delete(e.per, t.Service)
}

// serviceTime is the median time a ticket of field took at a counter, from
// the last EstimateDays days: those done within an hour of now's time of
// day on any of those days when there are EstimateSamples of them, else all
// of them when there are as many; false when there are fewer.
func (e *Engine) serviceTime(field string, now time.Time) (time.Duration, bool) {
	if c, ok := e.per[field]; ok && !now.Before(c.at) && now.Sub(c.at) < time.Minute {
		return c.per, c.ok
	}
	per, ok := e.measure(field, now)
	e.per[field] = perField{at: now, per: per, ok: ok}
	return per, ok
}

// measure is serviceTime without its cache.
func (e *Engine) measure(field string, now time.Time) (time.Duration, bool) {
	since := now.AddDate(0, 0, -e.opts.EstimateDays)
	local := now.In(e.loc)
	minute := local.Hour()*60 + local.Minute()
	var near, all []time.Duration
	for _, s := range e.history[field] {
		if s.at.Before(since) {
			continue
		}
		all = append(all, s.took)
		at := s.at.In(e.loc)
		d := abs(at.Hour()*60 + at.Minute() - minute)
		if d = min(d, 24*60-d); time.Duration(d)*time.Minute <= estimateHour {
			near = append(near, s.took)
		}
	}
	switch {
	case len(near) >= e.opts.EstimateSamples:
		return median(near), true
	case len(all) >= e.opts.EstimateSamples:
		return median(all), true
	}
	return 0, false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// median of d, which it sorts; the mean of the two middle values of an even
// count.
func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	n := len(d)
	if n%2 == 1 {
		return d[n/2]
	}
	return (d[n/2-1] + d[n/2]) / 2
}

// openCounters counts the counters serving field that are open now: they
// hold a ticket, or called or finished one within CounterIdle.
func (e *Engine) openCounters(field string, now time.Time) int {
	n := 0
	for _, id := range e.corder {
		if !slices.Contains(e.counters[id].Services, field) {
			continue
		}
		if e.current[id] != nil || (!e.active[id].IsZero() && now.Sub(e.active[id]) <= e.opts.CounterIdle) {
			n++
		}
	}
	return n
}

// touch records that counter acted at t. Caller holds e.mu.
func (e *Engine) touch(counter string, t time.Time) {
	if counter != "" && t.After(e.active[counter]) {
		e.active[counter] = t
	}
}

// estimate is how long the ahead tickets take at the counters open for
// field, or false when there is too little history or no counter open to
// say it: better nothing than a wrong time.
func (e *Engine) estimate(field string, ahead int) (time.Duration, bool) {
	if ahead <= 0 {
		return 0, true
	}
	now := e.clock.Now()
	per, ok := e.serviceTime(field, now)
	if !ok {
		return 0, false
	}
	open := e.openCounters(field, now)
	if open == 0 {
		return 0, false
	}
	secs := math.Ceil(float64(ahead) * per.Seconds() / float64(open))
	return time.Duration(secs) * time.Second, true
}
