package lookup

import (
	"math"
	"sync"
	"time"

	"motcua/internal/clock"
)

// Defaults of RateOpts: a citizen scans a receipt or two; a kiosk that looks
// up more than this is being used to enumerate dossier codes.
const (
	DefaultRatePerMinute = 20
	DefaultBurst         = 5
	DefaultMaxKeys       = 1024
)

// RateOpts configures a RateLimiter.
type RateOpts struct {
	// PerMinute is the sustained rate per key; default DefaultRatePerMinute.
	PerMinute float64
	// Burst is how many lookups a key may make at once; default DefaultBurst.
	Burst int
	// MaxKeys bounds the keys remembered (kiosks, or phones' addresses);
	// default DefaultMaxKeys.
	MaxKeys int
	// Clock is the clock; default clock.System.
	Clock clock.Clock
}

// RateLimiter is a token bucket per key (a proven kiosk, a client address).
// Safe for concurrent use.
type RateLimiter struct {
	rate    float64 // tokens per second
	burst   float64
	maxKeys int
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewRateLimiter returns a RateLimiter with opts' defaults filled in.
func NewRateLimiter(opts RateOpts) *RateLimiter {
	if opts.PerMinute <= 0 {
		opts.PerMinute = DefaultRatePerMinute
	}
	if opts.Burst <= 0 {
		opts.Burst = DefaultBurst
	}
	if opts.MaxKeys <= 0 {
		opts.MaxKeys = DefaultMaxKeys
	}
	opts.Clock = clock.Or(opts.Clock)
	return &RateLimiter{rate: opts.PerMinute / 60, burst: float64(opts.Burst), maxKeys: opts.MaxKeys,
		now: opts.Clock.Now, buckets: map[string]*bucket{}}
}

// Allow takes a token from key's bucket. When there is none it returns false
// and how long until there is one.
func (l *RateLimiter) Allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys {
			l.forgetFull(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// forgetFull drops the buckets that have refilled (forgetting them changes
// nothing), then any others until there is room.
func (l *RateLimiter) forgetFull(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < l.maxKeys {
			break
		}
		delete(l.buckets, k)
	}
}
