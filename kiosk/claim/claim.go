package claim

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"motcua/internal/clock"
)

// Sentinels matched by errors.Is on the typed errors below.
var (
	ErrInUse     = errors.New("claim: counter in use by another console")
	ErrTakenOver = errors.New("claim: counter taken over by another console")
)

// InUseError says who holds the counter.
type InUseError struct {
	Counter string
	User    string
	Since   time.Time
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("claim: counter %s is open on another console by %s", e.Counter, e.User)
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// TakenOverError says who took the counter from this console.
type TakenOverError struct {
	Counter string
	By      string
	At      time.Time
}

func (e *TakenOverError) Error() string {
	return fmt.Sprintf("claim: counter %s was taken over by %s", e.Counter, e.By)
}

// Is makes errors.Is(err, ErrTakenOver) true.
func (e *TakenOverError) Is(target error) bool { return target == ErrTakenOver }

// Claim is one console's hold on a counter.
type Claim struct {
	Counter string
	Token   string
	User    string
	Since   time.Time
	Seen    time.Time // last open, heartbeat or action
}

// DefaultTTL is how long a silent console keeps its counter.
const DefaultTTL = 45 * time.Second

// Opts configure Claims.
type Opts struct {
	TTL      time.Duration // default DefaultTTL
	Clock    clock.Clock   // default clock.System
	NewToken func() string // default 16 random bytes in hex
}

// Claims holds the claims of all counters.
type Claims struct {
	mu     sync.Mutex
	o      Opts
	held   map[string]*Claim         // by counter
	losers map[string]TakenOverError // tokens that lost their counter, by token
}

// New returns an empty set of claims.
func New(o Opts) *Claims {
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	o.Clock = clock.Or(o.Clock)
	if o.NewToken == nil {
		o.NewToken = randomToken
	}
	return &Claims{o: o, held: map[string]*Claim{}, losers: map[string]TakenOverError{}}
}

func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand documents it)
	return hex.EncodeToString(b)
}

// live returns the counter's claim if it has not lapsed. Caller holds mu.
func (c *Claims) live(counter string, now time.Time) *Claim {
	h := c.held[counter]
	if h != nil && now.Sub(h.Seen) >= c.o.TTL {
		delete(c.held, counter)
		return nil
	}
	return h
}

// Open gives the counter to a new console of user. A live claim of another
// console makes it fail with *InUseError, unless takeover is set: then the
// other console learns it with *TakenOverError.
func (c *Claims) Open(counter, user string, takeover bool) (Claim, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.o.Clock.Now()
	c.forget(now)
	if h := c.live(counter, now); h != nil {
		if !takeover {
			return Claim{}, &InUseError{Counter: counter, User: h.User, Since: h.Since}
		}
		c.losers[h.Token] = TakenOverError{Counter: counter, By: user, At: now}
	}
	cl := &Claim{Counter: counter, Token: c.o.NewToken(), User: user, Since: now, Seen: now}
	c.held[counter] = cl
	return *cl, nil
}

// Heartbeat keeps the console's claim alive. A console whose claim lapsed
// while nobody else took the counter gets it back.
func (c *Claims) Heartbeat(counter, token, user string) (Claim, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.o.Clock.Now()
	if l, ok := c.losers[token]; ok && l.Counter == counter {
		return Claim{}, &l
	}
	h := c.live(counter, now)
	switch {
	case h == nil:
		if token == "" {
			return Claim{}, &InUseError{Counter: counter}
		}
		h = &Claim{Counter: counter, Token: token, User: user, Since: now}
		c.held[counter] = h
	case h.Token != token:
		return Claim{}, &InUseError{Counter: counter, User: h.User, Since: h.Since}
	}
	h.Seen = now
	return *h, nil
}

// Check lets an action on the counter through: from the console holding
// it (which counts as a heartbeat), or from anyone while nobody holds it.
func (c *Claims) Check(counter, token string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.o.Clock.Now()
	if token != "" {
		if l, ok := c.losers[token]; ok && l.Counter == counter {
			return &l
		}
	}
	h := c.live(counter, now)
	if h == nil {
		return nil
	}
	if h.Token != token {
		return &InUseError{Counter: counter, User: h.User, Since: h.Since}
	}
	h.Seen = now
	return nil
}

// Release frees the counter if token holds it; it is idempotent.
func (c *Claims) Release(counter, token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h := c.held[counter]; h != nil && h.Token == token {
		delete(c.held, counter)
	}
	delete(c.losers, token)
}

// Holder returns the live claim of the counter, if any.
func (c *Claims) Holder(counter string) (Claim, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h := c.live(counter, c.o.Clock.Now()); h != nil {
		return *h, true
	}
	return Claim{}, false
}

// forgetAfter is how long a console that lost its counter is told so.
const forgetAfter = time.Hour

// forget drops old taken-over notices. Caller holds mu.
func (c *Claims) forget(now time.Time) {
	for tok, l := range c.losers {
		if now.Sub(l.At) > forgetAfter {
			delete(c.losers, tok)
		}
	}
}
