package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"motcua/internal/clock"
	"motcua/kiosk/notify"
)

// Rate is a channel's token bucket: PerSecond messages a second on
// average, Burst at once.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Quiet is the daily span, in minutes after local midnight, when messages
// that are not Live wait (From > To wraps midnight: 21:00-07:00).
type Quiet struct {
	From, To int
}

// SenderOpts configure a Sender.
type SenderOpts struct {
	// Store is where the messages wait: the center's Store, or the hub's
	// outbox.
	Store Queue
	// Channels in fallback order: a message goes to the first that can
	// take it.
	Channels []notify.Channel
	// Timely, when set, is asked just before each send (Notifier.Timely);
	// a message it refuses is dropped as too late.
	Timely func(notify.Message) bool
	// Rates limit each channel by name; a channel without one is not
	// limited.
	Rates map[string]Rate
	// Quiet hours in Location (default time.Local); nil: none.
	Quiet    *Quiet
	Location *time.Location
	// Workers send at once (default 4); Timeout bounds each request
	// (default 10 s).
	Workers int
	Timeout time.Duration
	// Backoff is the first retry's wait, doubled each time up to
	// MaxBackoff (defaults 5 s and 10 min); after MaxAttempts on one
	// channel (default 6) the next channel is tried.
	Backoff     time.Duration
	MaxBackoff  time.Duration
	MaxAttempts int
	// RateLimitPause is how long a channel rests after a rate-limit answer
	// without Retry-After (default 30 s).
	RateLimitPause time.Duration
	// UnreachablePause is how long a channel rests once its provider could
	// not be reached (notify.FailUnreachable: no internet), the next
	// channel taking the messages meanwhile (default 1 min).
	UnreachablePause time.Duration
	// Keep is how long finished messages stay for the counts (default 30
	// days); PurgeEvery how often contacts and messages are purged
	// (default 10 min).
	Keep       time.Duration
	PurgeEvery time.Duration
	Clock      clock.Clock  // default clock.System
	Logger     *slog.Logger // default slog.Default()
	// Observe, when set, is told each attempt's outcome once the message's
	// new state is stored, for the metrics and the tests.
	Observe func(Outcome)
}

// Outcome is one finished attempt, or a message dropped without one.
type Outcome struct {
	Key     string
	Kind    notify.Kind
	Channel string         // empty for a drop
	State   State          // the message's state after it (Sending: the next channel is tried)
	Failure notify.Failure // empty when sent or dropped
	Decided time.Time      // when the message was decided
	At      time.Time      // when the provider answered
}

// Sender sends the outbox's messages.
type Sender struct {
	o     SenderOpts
	clock clock.Clock
	log   *slog.Logger
	wake  chan struct{}

	mu      sync.Mutex
	buckets map[string]*bucket
	paused  map[string]time.Time // channel → until
}

// NewSender returns a Sender; Run sends.
func NewSender(o SenderOpts) (*Sender, error) {
	if o.Store == nil || len(o.Channels) == 0 {
		return nil, errors.New("outbox: a Store and at least one channel are required")
	}
	seen := map[string]bool{}
	for _, ch := range o.Channels {
		if seen[ch.Name()] {
			return nil, fmt.Errorf("outbox: channel %q listed twice", ch.Name())
		}
		seen[ch.Name()] = true
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = 5 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 6
	}
	if o.RateLimitPause <= 0 {
		o.RateLimitPause = 30 * time.Second
	}
	if o.UnreachablePause <= 0 {
		o.UnreachablePause = time.Minute
	}
	if o.Keep <= 0 {
		o.Keep = 30 * 24 * time.Hour
	}
	if o.PurgeEvery <= 0 {
		o.PurgeEvery = 10 * time.Minute
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	s := &Sender{o: o, clock: clock.Or(o.Clock), log: o.Logger, wake: make(chan struct{}, 1),
		buckets: map[string]*bucket{}, paused: map[string]time.Time{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	o.Store.OnDecide(s.Wake)
	for name, r := range o.Rates {
		if r.PerSecond <= 0 {
			return nil, fmt.Errorf("outbox: channel %s: rate must be above 0", name)
		}
		s.buckets[name] = &bucket{rate: r.PerSecond, burst: float64(max(r.Burst, 1)), tokens: float64(max(r.Burst, 1))}
	}
	return s, nil
}

// Wake makes Run look for due messages now; the Store calls it after each
// commit that stored messages.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends due messages until ctx ends. It first puts back the messages a
// crash left sending: they are sent again, with the same key.
func (s *Sender) Run(ctx context.Context) error {
	n, err := s.o.Store.Recover(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		s.log.Warn("notify: messages were being sent when the service stopped; sending them again", "messages", n)
	}
	work := make(chan Item)
	var wg sync.WaitGroup
	for range s.o.Workers {
		wg.Go(func() {
			for it := range work {
				s.send(ctx, it)
			}
		})
	}
	defer func() {
		close(work)
		wg.Wait()
	}()
	var lastPurge time.Time
	spins := 0
	for {
		now := s.clock.Now()
		if now.Sub(lastPurge) >= s.o.PurgeEvery {
			if err := s.o.Store.Purge(ctx, s.o.Keep); err != nil && ctx.Err() == nil {
				s.log.Error("notify: purging the outbox", "err", err)
			}
			lastPurge = now
		}
		items, err := s.o.Store.Due(ctx, now, s.o.Workers*4)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.Error("notify: reading the outbox", "err", err)
		}
		for _, it := range items {
			if s.hold(ctx, it, now) {
				continue
			}
			ok, err := s.o.Store.Claim(ctx, it.ID)
			if err != nil || !ok {
				continue
			}
			it.Attempts++
			select {
			case work <- it:
			case <-ctx.Done():
				return nil
			}
		}
		if len(items) == s.o.Workers*4 {
			continue
		}
		wait := s.o.PurgeEvery
		if next, ok, err := s.o.Store.NextDue(ctx); err == nil && ok {
			wait = min(wait, max(next.Sub(s.clock.Now()), 0))
		}
		if wait <= 0 {
			// Due already (the clock moved while the outbox was read): look
			// again at once, unless the store keeps failing.
			if spins++; spins < 3 {
				continue
			}
			wait = time.Second
		}
		spins = 0
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-s.clock.After(wait):
		}
	}
}

// hold postpones a message that must wait for the end of the quiet hours;
// true when it did.
func (s *Sender) hold(ctx context.Context, it Item, now time.Time) bool {
	if it.Message.Kind.Live() || s.o.Quiet == nil {
		return false
	}
	end, quiet := s.quietEnd(now)
	if !quiet {
		return false
	}
	if err := s.o.Store.Postpone(ctx, it.ID, end); err != nil {
		s.log.Error("notify: postponing past the quiet hours", "key", it.Message.Key, "err", err)
	}
	return true
}

// quietEnd reports whether now is in the quiet hours, and when they end.
func (s *Sender) quietEnd(now time.Time) (time.Time, bool) {
	q := s.o.Quiet
	local := now.In(s.o.Location)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.o.Location)
	m := local.Hour()*60 + local.Minute()
	at := func(day time.Time, min int) time.Time { return day.Add(time.Duration(min) * time.Minute) }
	switch {
	case q.From < q.To && m >= q.From && m < q.To:
		return at(midnight, q.To), true
	case q.From > q.To && m >= q.From:
		return at(midnight.AddDate(0, 0, 1), q.To), true
	case q.From > q.To && m < q.To:
		return at(midnight, q.To), true
	}
	return time.Time{}, false
}

// send tries a claimed message on its channels, from its route on, and
// records the outcome.
func (s *Sender) send(ctx context.Context, it Item) {
	now := s.clock.Now()
	m := it.Message
	var outs []Outcome // told once the message's state is recorded
	var final State
	defer func() {
		if s.o.Observe == nil {
			return
		}
		for i, o := range outs {
			if i == len(outs)-1 {
				o.State = final
			}
			s.o.Observe(o)
		}
	}()
	drop := func(reason string) {
		final = Dropped
		outs = append(outs, Outcome{Key: m.Key, Kind: m.Kind, Decided: m.At, At: now})
		s.settle(ctx, it, Dropped, it.Route, it.Attempts, "", "", reason, now)
		s.log.Info("notify: message dropped", "key", m.Key, "kind", m.Kind, "reason", reason)
	}
	if (!m.Expires.IsZero() && !now.Before(m.Expires)) || (s.o.Timely != nil && !s.o.Timely(m)) {
		drop("too late")
		return
	}
	if it.Phone == "" && it.Email == "" {
		drop("no contact")
		return
	}
	d := notify.Delivery{Key: m.Key, Kind: m.Kind, Phone: it.Phone, Email: it.Email, Params: m.Params, Expires: m.Expires}
	route, attempts := it.Route, it.Attempts
	var last string
	var wait time.Time // the earliest a paused channel takes messages again
	for ; route < len(s.o.Channels); route, attempts = route+1, 1 {
		ch := s.o.Channels[route]
		name := ch.Name()
		if until, ok := s.pausedUntil(name); ok {
			if wait.IsZero() || until.Before(wait) {
				wait = until
			}
			last = name + ": paused"
			continue
		}
		if err := s.take(ctx, name); err != nil {
			final = Pending
			s.settle(ctx, it, Pending, route, attempts-1, name, "", "stopped", s.clock.Now())
			return
		}
		rctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
		rec, err := ch.Send(rctx, d)
		cancel()
		at := s.clock.Now()
		f := notify.Failure("")
		if err != nil {
			f = notify.FailureOf(err)
		}
		outs = append(outs, Outcome{Key: m.Key, Kind: m.Kind, Channel: name, State: Sending, Failure: f, Decided: m.At, At: at})
		if ctx.Err() != nil && err != nil {
			// Stopping: the request was cut off, not refused.
			final = Pending
			s.settle(ctx, it, Pending, route, attempts-1, name, "", "stopped", at)
			return
		}
		switch f {
		case "", notify.FailDuplicate:
			final = Sent
			s.settle(ctx, it, Sent, route, attempts, name, rec.ProviderID, string(f), at)
			s.log.Info("notify: message sent", "key", m.Key, "kind", m.Kind, "channel", name, "attempts", attempts)
			return
		case notify.FailTemporary:
			if attempts < s.o.MaxAttempts {
				next := at.Add(s.backoff(attempts))
				final = Pending
				s.settle(ctx, it, Pending, route, attempts, name, "", errText(err), next)
				s.log.Warn("notify: send failed; retrying", "key", m.Key, "channel", name, "attempt", attempts, "err", err)
				return
			}
		case notify.FailRateLimited, notify.FailUnreachable:
			pause := s.o.RateLimitPause
			if f == notify.FailUnreachable {
				pause = s.o.UnreachablePause
			}
			s.pause(name, at.Add(retryAfter(err, pause)))
			if until, ok := s.pausedUntil(name); ok && (wait.IsZero() || until.Before(wait)) {
				wait = until
			}
		case notify.FailChannel:
			if d := retryAfter(err, 0); d > 0 {
				s.pause(name, at.Add(d))
			}
		}
		last = errText(err)
		s.log.Warn("notify: channel refused the message; trying the next", "key", m.Key, "channel", name, "failure", f, "err", err)
	}
	if !wait.IsZero() {
		// A channel is only resting: try again from the first once it is back.
		final = Pending
		s.settle(ctx, it, Pending, 0, 0, "", "", last, wait)
		return
	}
	final = Failed
	s.settle(ctx, it, Failed, len(s.o.Channels)-1, attempts, "", "", last, s.clock.Now())
	s.log.Warn("notify: no channel could send the message", "key", m.Key, "kind", m.Kind, "last", last)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func retryAfter(err error, def time.Duration) time.Duration {
	var se *notify.SendError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		return se.RetryAfter
	}
	return def
}

func (s *Sender) backoff(attempts int) time.Duration {
	d := s.o.Backoff
	for i := 1; i < attempts && d < s.o.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.o.MaxBackoff)
}

func (s *Sender) settle(ctx context.Context, it Item, st State, route, attempts int, channel, providerID, reason string, at time.Time) {
	next := at
	if st != Pending {
		next = it.NextAt
	}
	// A stopping service still records what the provider said.
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
	}
	if err := s.o.Store.Settle(ctx, it.ID, Settlement{State: st, Route: route, Attempts: attempts, Channel: channel,
		ProviderID: providerID, Reason: reason, Next: next, At: s.clock.Now()}); err != nil {
		s.log.Error("notify: recording a message's outcome", "key", it.Message.Key, "state", st, "err", err)
	}
	if st == Pending {
		s.Wake() // the dispatcher's wait may not know this time yet
	}
}

func (s *Sender) pause(channel string, until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until.After(s.paused[channel]) {
		s.paused[channel] = until
	}
}

func (s *Sender) pausedUntil(channel string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	until, ok := s.paused[channel]
	if ok && !s.clock.Now().Before(until) {
		delete(s.paused, channel)
		return time.Time{}, false
	}
	return until, ok
}

// bucket is a token bucket refilled on the sender's clock.
type bucket struct {
	rate, burst, tokens float64
	at                  time.Time
}

// take waits for a token of the channel's bucket, or ctx's end.
func (s *Sender) take(ctx context.Context, channel string) error {
	for {
		s.mu.Lock()
		b := s.buckets[channel]
		if b == nil {
			s.mu.Unlock()
			return nil
		}
		now := s.clock.Now()
		if !b.at.IsZero() {
			b.tokens = min(b.burst, b.tokens+now.Sub(b.at).Seconds()*b.rate)
		}
		b.at = now
		if b.tokens >= 1 {
			b.tokens--
			s.mu.Unlock()
			return nil
		}
		wait := time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
		s.mu.Unlock()
		if err := clock.Sleep(ctx, s.clock, max(wait, time.Millisecond)); err != nil {
			return err
		}
	}
}
