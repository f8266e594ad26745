package report

import (
	"cmp"
	"math"
	"slices"
	"time"

	"motcua/queue"
)

// Stats are the figures of one group of tickets. Tickets is always Served
// + NoShows + Cancelled + Open.
type Stats struct {
	Tickets   int `json:"tickets"`
	Served    int `json:"served"`
	NoShows   int `json:"no_shows"`
	Cancelled int `json:"cancelled"`
	// Open counts tickets still waiting or at a counter.
	Open int `json:"open"`
	// Online counts the tickets of online bookings checked in (Ticket.
	// Booking), of all of Tickets.
	Online int `json:"online"`
	// TransfersIn counts the tickets of the group that came from another
	// field (they are counted in Tickets, in the field they went to);
	// TransfersOut, in a field's row, those that left it for another (they
	// are counted in that other field's Tickets). A ticket moved twice
	// counts between the field that issued it and the one it ended in.
	TransfersIn  int `json:"transfers_in"`
	TransfersOut int `json:"transfers_out"`
	// Waits and Services count the samples behind the times. A wait runs
	// from the issue to the last call, over the tickets called; a service
	// from the start (else the call) to the end, over the tickets served.
	// Medians are the middle sample, or the mean of the two middle ones of
	// an even count; P90s the nearest-rank 90th percentile.
	Waits           int     `json:"waits"`
	WaitMedianS     float64 `json:"wait_median_s"`
	WaitP90S        int     `json:"wait_p90_s"`
	Services        int     `json:"services"`
	ServiceMedianS  float64 `json:"service_median_s"`
	ServiceP90S     int     `json:"service_p90_s"`
	Ratings         [3]int  `json:"ratings"` // Không hài lòng, Hài lòng, Rất hài lòng
	RatingAverage   float64 `json:"rating_average"`
	SatisfiedShare  float64 `json:"satisfied_share"` // rated 2 or 3, of all rated; 0 without ratings
	waits, services []time.Duration
}

// Row is one group: a field, a counter, an hour ("08") or a day.
type Row struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Stats
}

// Report is the figures of a range of days. Each ticket is in one row of
// each group, so every group adds up to Total: Fields by the field it is in
// at the end (after any transfer), Counters by the counter that called it
// last with NotCalled for those no counter called, Hours and Days by its
// local time of issue.
type Report struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Total     Stats  `json:"total"`
	Fields    []Row  `json:"fields"`
	Counters  []Row  `json:"counters"`
	NotCalled Stats  `json:"not_called"`
	Hours     []Row  `json:"hours"`
	Days      []Row  `json:"days"`
}

// Named is a field or counter in the order the center's config lists them.
type Named struct {
	Key, Name string
}

// Opts describe the center for Build.
type Opts struct {
	Location *time.Location // the center's zone; nil is UTC
	From, To string         // the range of local days, "2006-01-02", inclusive
	Fields   []Named        // fields in config order; others follow sorted by code
	Counters []Named        // counters in config order
}

// Build aggregates tickets. Every configured field and counter gets a row
// even without tickets; hours and days appear only when they have tickets.
func Build(tickets []queue.Ticket, o Opts) Report {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	r := Report{From: o.From, To: o.To}
	fields := newGroups(o.Fields)
	counters := newGroups(o.Counters)
	hours := newGroups(nil)
	days := newGroups(nil)
	for i := range tickets {
		t := &tickets[i]
		issued := t.IssuedAt.In(loc)
		r.Total.add(t)
		fields.get(t.Service).add(t)
		if t.Origin != "" && t.Origin != t.Service {
			fields.get(t.Origin).TransfersOut++
			r.Total.TransfersOut++
		}
		if t.Counter != "" {
			counters.get(t.Counter).add(t)
		} else {
			r.NotCalled.add(t)
		}
		hours.get(issued.Format("15")).add(t)
		days.get(issued.Format(time.DateOnly)).add(t)
	}
	r.Total.finish()
	r.NotCalled.finish()
	r.Fields = fields.rows(false)
	r.Counters = counters.rows(false)
	r.Hours = hours.rows(true)
	r.Days = days.rows(true)
	return r
}

func (s *Stats) add(t *queue.Ticket) {
	s.Tickets++
	if t.Booking != "" {
		s.Online++
	}
	switch {
	case t.State == queue.Done:
		s.Served++
	case t.State == queue.NoShow:
		s.NoShows++
	case t.State == queue.Cancelled:
		s.Cancelled++
	default:
		s.Open++
	}
	if t.Origin != "" && t.Origin != t.Service {
		s.TransfersIn++
	}
	if !t.CalledAt.IsZero() && !t.CalledAt.Before(t.IssuedAt) {
		s.waits = append(s.waits, t.CalledAt.Sub(t.IssuedAt))
	}
	if t.State == queue.Done && !t.DoneAt.IsZero() {
		from := t.StartedAt
		if from.IsZero() {
			from = t.CalledAt
		}
		if !from.IsZero() && !t.DoneAt.Before(from) {
			s.services = append(s.services, t.DoneAt.Sub(from))
		}
	}
	if t.Rating >= 1 && t.Rating <= 3 {
		s.Ratings[t.Rating-1]++
	}
}

func (s *Stats) finish() {
	s.Waits, s.Services = len(s.waits), len(s.services)
	s.WaitMedianS, s.WaitP90S = tenths(median(s.waits)), seconds(percentile(s.waits, 90))
	s.ServiceMedianS, s.ServiceP90S = tenths(median(s.services)), seconds(percentile(s.services, 90))
	rated := s.Ratings[0] + s.Ratings[1] + s.Ratings[2]
	if rated > 0 {
		sum := s.Ratings[0] + 2*s.Ratings[1] + 3*s.Ratings[2]
		s.RatingAverage = math.Round(float64(sum)/float64(rated)*100) / 100
		s.SatisfiedShare = math.Round(float64(s.Ratings[1]+s.Ratings[2])/float64(rated)*1000) / 1000
	}
	s.waits, s.services = nil, nil
}

// percentile is the nearest-rank p-th percentile of ds (sorted in place);
// 0 for no samples.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	rank := int(math.Ceil(float64(p) / 100 * float64(len(ds))))
	return ds[max(rank, 1)-1]
}

// median is the middle of ds (sorted in place), the mean of the two middle
// values for an even count; 0 for no samples.
func median(ds []time.Duration) time.Duration {
	n := len(ds)
	if n == 0 {
		return 0
	}
	slices.Sort(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// tenths is d in seconds, to a tenth.
func tenths(d time.Duration) float64 { return math.Round(d.Seconds()*10) / 10 }

func seconds(d time.Duration) int { return int(d.Round(time.Second) / time.Second) }

// groups keeps rows by key, in a fixed order first, then any others.
type groups struct {
	order []Named
	by    map[string]*Row
}

func newGroups(order []Named) *groups {
	g := &groups{order: order, by: map[string]*Row{}}
	for _, n := range order {
		g.by[n.Key] = &Row{Key: n.Key, Name: n.Name}
	}
	return g
}

func (g *groups) get(key string) *Stats {
	r := g.by[key]
	if r == nil {
		r = &Row{Key: key, Name: key}
		g.by[key] = r
	}
	return &r.Stats
}

// rows returns the configured rows in order, then the others by key; sorted
// puts all by key.
func (g *groups) rows(sorted bool) []Row {
	out := make([]Row, 0, len(g.by))
	seen := map[string]bool{}
	if !sorted {
		for _, n := range g.order {
			out = append(out, *g.by[n.Key])
			seen[n.Key] = true
		}
	}
	var rest []Row
	for k, r := range g.by {
		if !seen[k] {
			rest = append(rest, *r)
		}
	}
	slices.SortFunc(rest, func(a, b Row) int { return cmp.Compare(a.Key, b.Key) })
	out = append(out, rest...)
	for i := range out {
		out[i].finish()
	}
	return out
}
