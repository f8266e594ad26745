package server

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/clock"
	"motcua/kiosk/lookup"
)

// The cookies of paired browsers: each holds the device's token, HttpOnly,
// so a page's script never reads it.
const (
	KioskCookie  = "motcua_kiosk"
	TabletCookie = "motcua_tablet"
)

// pairMaxAge is how long a pairing cookie lives: 400 days, what browsers
// allow at most; GET /devices/me renews it, so a device in use stays paired.
const pairMaxAge = 400 * 24 * time.Hour

// presented returns the tokens a request carries for a device whose pairing
// cookie is cookie: its bearer token, then the cookie.
func presented(r *http.Request, cookie string) []string {
	var out []string
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && tok != "" {
		out = append(out, tok)
	}
	if ck, err := r.Cookie(cookie); err == nil && ck.Value != "" {
		out = append(out, ck.Value)
	}
	return out
}

// KioskCredential is the kiosk whose token r carries, as a bearer token or
// the pairing cookie. The kiosk is only ever what the credential proves,
// never a name in the query or the body.
func KioskCredential(cfg *config.Config, r *http.Request) (config.Kiosk, bool) {
	for _, tok := range presented(r, KioskCookie) {
		if k, ok := cfg.KioskByToken(tok); ok {
			return k, true
		}
	}
	return config.Kiosk{}, false
}

// TabletCredential is the counter whose rating tablet's token r carries,
// as a bearer token or the pairing cookie.
func TabletCredential(cfg *config.Config, r *http.Request) (string, bool) {
	for _, tok := range presented(r, TabletCookie) {
		if ct, ok := cfg.TabletByToken(tok); ok {
			return ct, true
		}
	}
	return "", false
}

// The errors of device credentials.
var (
	errDeviceUnpaired = errors.New("server: no device credential")
	errBadPairToken   = errors.New("server: no device has this pairing token")
)

// wrongKioskError is a request naming another kiosk than the credential's.
type wrongKioskError struct{ kiosk string }

func (e *wrongKioskError) Error() string { return "server: the credential is kiosk " + e.kiosk + "'s" }

// wrongTabletError is a rating for another counter than the tablet's.
type wrongTabletError struct{ counter string }

func (e *wrongTabletError) Error() string {
	return "server: the credential is the tablet of counter " + e.counter
}

// tooFastError is a ticket (or, with pairing, a pairing attempt) refused by
// a rate limit; wait is how long until the next one is allowed.
type tooFastError struct {
	who     string // "kiosk k1", "address 10.0.0.7"
	wait    time.Duration
	pairing bool
}

func (e *tooFastError) Error() string {
	if e.pairing {
		return "server: pairing attempts too fast from " + e.who
	}
	return "server: tickets too fast from " + e.who
}

// limits are the token buckets of the devices' endpoints.
type limits struct {
	kioskTickets   *lookup.RateLimiter // by kiosk id
	addressTickets *lookup.RateLimiter // by client address
	pairs          *lookup.RateLimiter // pairing attempts by client address
}

func newLimits(cfg config.Security, clk clock.Clock) *limits {
	bucket := func(rl config.RateLimit) *lookup.RateLimiter {
		burst, every := rl.Burst, rl.Every
		if burst <= 0 {
			burst = config.DefaultTicketBurst
		}
		if every <= 0 {
			every = config.DefaultTicketEvery
		}
		return lookup.NewRateLimiter(lookup.RateOpts{Burst: burst, PerMinute: float64(time.Minute) / float64(every), Clock: clk})
	}
	return &limits{
		kioskTickets:   bucket(cfg.KioskTickets),
		addressTickets: bucket(cfg.AddressTickets),
		pairs:          lookup.NewRateLimiter(lookup.RateOpts{Burst: 10, PerMinute: 10, Clock: clk}),
	}
}

// kioskDevice lets through requests with a kiosk's credential and puts the
// kiosk in the context ("kiosk").
func (s *Server) kioskDevice(c *gin.Context) {
	k, ok := KioskCredential(s.cfg, c.Request)
	if !ok {
		s.fail(c, errDeviceUnpaired)
		return
	}
	c.Set("kiosk", k)
	c.Next()
}

// ticketRate takes a ticket from the buckets of the kiosk and of the
// client's address: a lobby's citizens take a number every few seconds.
func (s *Server) ticketRate(c *gin.Context) {
	if err := s.takeTicketRate(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Next()
}

// takeTicketRate is ticketRate for a handler that takes its ticket from
// the buckets only once it knows it issues one (a camera frame).
func (s *Server) takeTicketRate(c *gin.Context) error {
	k := c.MustGet("kiosk").(config.Kiosk)
	if ok, wait := s.limits.kioskTickets.Allow(k.ID); !ok {
		return &tooFastError{who: "kiosk " + k.ID, wait: wait}
	}
	if ok, wait := s.limits.addressTickets.Allow(c.ClientIP()); !ok {
		return &tooFastError{who: "address " + c.ClientIP(), wait: wait}
	}
	return nil
}

// counterTablet lets through only the rating tablet of the path's counter.
func (s *Server) counterTablet(c *gin.Context) {
	ct, ok := TabletCredential(s.cfg, c.Request)
	switch {
	case !ok:
		s.fail(c, errDeviceUnpaired)
	case ct != c.Param("counter"):
		s.fail(c, &wrongTabletError{counter: ct})
	default:
		c.Next()
	}
}

type pairRequest struct {
	Token string `json:"token"`
}

// deviceJSON says which device a browser is: a kiosk (with its settings),
// the rating tablet of a counter, or both.
type deviceJSON struct {
	Kiosk   *kioskJSON `json:"kiosk,omitempty"`
	Counter string     `json:"counter,omitempty"`
}

// pair stores a device's token in its HttpOnly cookie: a kiosk page or a
// rating tablet opened with ?pair=TOKEN sends the token here once, then
// drops it from its address.
func (s *Server) pair(c *gin.Context) {
	if ok, wait := s.limits.pairs.Allow(c.ClientIP()); !ok {
		s.fail(c, &tooFastError{who: "address " + c.ClientIP(), wait: wait, pairing: true})
		return
	}
	var req pairRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	k, isKiosk := s.cfg.KioskByToken(req.Token)
	counter, isTablet := s.cfg.TabletByToken(req.Token)
	var out deviceJSON
	switch {
	case isKiosk:
		s.setPairCookie(c, KioskCookie, req.Token)
		j := s.kioskJSON(c.Request.Context(), k)
		out.Kiosk = &j
	case isTablet:
		s.setPairCookie(c, TabletCookie, req.Token)
		out.Counter = counter
	default:
		s.log.Warn("pairing refused: unknown token", "addr", c.ClientIP())
		s.fail(c, errBadPairToken)
		return
	}
	s.log.Info("device paired", "kiosk", k.ID, "counter", counter, "addr", c.ClientIP())
	c.JSON(http.StatusOK, out)
}

// device tells a page which device its credentials prove, and renews the
// pairing cookies it came with; 401 when none.
func (s *Server) device(c *gin.Context) {
	var out deviceJSON
	if k, ok := KioskCredential(s.cfg, c.Request); ok {
		j := s.kioskJSON(c.Request.Context(), k)
		out.Kiosk = &j
		s.renewPairCookie(c, KioskCookie)
	}
	if ct, ok := TabletCredential(s.cfg, c.Request); ok {
		out.Counter = ct
		s.renewPairCookie(c, TabletCookie)
	}
	if out.Kiosk == nil && out.Counter == "" {
		s.fail(c, errDeviceUnpaired)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

func (s *Server) setPairCookie(c *gin.Context, name, token string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: token, Path: "/", MaxAge: int(pairMaxAge / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil})
}

// renewPairCookie sets the cookie name again, with its full lifetime, when
// the request carried it with a valid token.
func (s *Server) renewPairCookie(c *gin.Context, name string) {
	ck, err := c.Request.Cookie(name)
	if err != nil {
		return
	}
	if _, ok := s.cfg.KioskByToken(ck.Value); ok && name == KioskCookie {
		s.setPairCookie(c, name, ck.Value)
	}
	if _, ok := s.cfg.TabletByToken(ck.Value); ok && name == TabletCookie {
		s.setPairCookie(c, name, ck.Value)
	}
}

// routesDevices adds pairing and the device's own view.
func (s *Server) routesDevices(api *gin.RouterGroup) {
	api.POST("/devices/pair", s.pair)
	api.GET("/devices/me", s.device)
}
