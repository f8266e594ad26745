package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/clock"
	"motcua/internal/database"
	"motcua/internal/identity"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
	"motcua/kiosk/notify"
	"motcua/kiosk/printing"
	"motcua/kiosk/procedures"
	"motcua/kiosk/ratings"
	"motcua/kiosk/session"
	"motcua/province/booking"
	"motcua/queue"
)

// Pinger tells whether the store answers. A database.Monitor also says
// whether the disk takes writes, and /metrics then shows its figures.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Opts configure a Server. Config, Engine and Store are required.
type Opts struct {
	Config *config.Config
	Engine *queue.Engine
	Store  Pinger
	Logger *slog.Logger // default slog.Default()
	Clock  clock.Clock  // default clock.System
	// Sessions keeps the staff's sessions; required for the staff
	// endpoints. New ends those of accounts changed in the config.
	Sessions *session.Store
	// Lookup answers dossier lookups and scans; Registry is the embedded
	// dossier registry that receipts and the main system's pushes fill.
	Lookup   *lookup.Service
	Registry *registry.Registry
	// Printing prints tickets and receipts; nil prints nothing.
	Printing *printing.Service
	// ReceiptSecret signs the lookup QR code of receipts.
	ReceiptSecret []byte
	// Health adds sections to /healthz (e.g. "printers"); each func returns
	// the section's value.
	Health map[string]func() any
	// Procedures is the catalogue the kiosk browses; nil: none.
	Procedures *procedures.Catalogue
	// Identity hashes the ID numbers of citizens at the kiosk; nil when the
	// config sets no identity secret (no field asks then).
	Identity *identity.Hasher
	// Hardware is the LED boards, call buttons and rating boxes; nil: none.
	Hardware *Hardware
	// Ratings keeps each rating's officer and dossiers; nil: only the
	// engine's rating of the ticket.
	Ratings *ratings.Store
	// Notifier takes the phone numbers given for tickets; nil: none.
	Notifier *notify.Notifier
	// Bookings is what the center holds of its hub's online bookings: the
	// hub's key and the cancellations; nil for a center without a hub.
	Bookings BookingCheck
	// Held asks the hub what a person (keyed hash) holds on day at the
	// province's other centers (elsewhere.go); nil for a center without a
	// hub.
	Held func(ctx context.Context, person, day string) ([]queue.Elsewhere, error)
}

// BookingCheck is the center's copy of what its hub says of online
// bookings. Its methods are safe for concurrent use.
type BookingCheck interface {
	// Verifier is the hub's key now (it changes when the hub sends
	// another), nil while the center has none.
	Verifier() *booking.Verifier
	// Cancelled reports whether the hub said booking id was cancelled.
	Cancelled(id string) bool
}

// Server answers the HTTP API.
type Server struct {
	cfg      *config.Config
	engine   *queue.Engine
	store    Pinger
	log      *slog.Logger
	loc      *time.Location
	sess     *session.Store
	throttle *session.Throttle
	logins   *prometheus.CounterVec // by result
	health   map[string]func() any
	lookup   *lookup.Service
	registry *registry.Registry
	ratings  *ratings.Store
	printing *printing.Service
	now      func() time.Time
	identity *identity.Hasher
	bookings BookingCheck
	held     func(ctx context.Context, person, day string) ([]queue.Elsewhere, error)
	heldAsks *prometheus.CounterVec // by result

	receiptKey []byte
	codes      *dossier.Codes
	errors     []rule // errorTable
	router     *gin.Engine
	metrics    *prometheus.Registry
	screens    *screens
	limits     *limits
	hw         *Hardware
	presses    pressCounts
	notifier   *notify.Notifier
}

// New builds the server and its routes.
func New(o Opts) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Clock = clock.Or(o.Clock)
	s := &Server{
		cfg: o.Config, engine: o.Engine, store: o.Store, log: o.Logger, loc: o.Engine.Location(),
		sess: o.Sessions, throttle: session.NewThrottle(session.ThrottleOpts{Clock: o.Clock}), health: o.Health, lookup: o.Lookup, registry: o.Registry, ratings: o.Ratings, printing: o.Printing, now: o.Clock.Now,
		receiptKey: o.ReceiptSecret, codes: o.Config.Dossiers.Codes(),
		limits: newLimits(o.Config.Security, o.Clock), identity: o.Identity, hw: o.Hardware,
		notifier: o.Notifier, bookings: o.Bookings, held: o.Held,
	}
	s.errors = s.errorTable()
	if s.sess != nil {
		if err := s.endStaleSessions(context.Background()); err != nil {
			s.log.Error("stale sessions not ended at start", "err", err)
		}
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.ContextWithFallback = true
	r.HandleMethodNotAllowed = true
	// X-Forwarded-For only from the configured proxies: by default the
	// client is the socket's address, whatever headers it sends.
	if err := r.SetTrustedProxies(o.Config.Security.TrustedProxies); err != nil { // checked by config
		s.log.Error("security.trusted_proxies", "err", err)
	}
	r.Use(gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		s.log.Error("panic in handler", "path", c.FullPath(), "panic", err)
		s.fail(c, panicked(err))
	}))
	s.metrics = s.newMetrics(r)
	s.hardwareMetrics(s.metrics)
	r.Use(s.sameOrigin)
	r.NoRoute(func(c *gin.Context) {
		s.fail(c, errRouteNotFound)
	})
	r.NoMethod(func(c *gin.Context) {
		s.fail(c, errMethodNotAllowed)
	})

	r.GET("/healthz", s.healthz)
	api := r.Group(APIPrefix)
	api.GET("/services", s.services)
	api.POST("/tickets", s.kioskDevice, s.ticketRate, s.issue)
	api.POST("/tickets/image", s.kioskDevice, s.issueFromFrame) // the ticket rate once a card is seen
	api.POST("/bookings/check-in", s.kioskDevice, s.ticketRate, s.checkIn)
	api.GET("/tickets/:id", s.ticket)
	if s.notifier != nil {
		api.POST("/tickets/:id/contact", s.contact)
	}
	api.GET("/queue", s.queueSnapshot)
	if s.lookup != nil {
		api.GET("/dossiers/:code", s.dossier)
		api.POST("/scans", s.scan)
		api.POST("/scans/image", s.scanImage)
	}
	if s.registry != nil {
		api.POST("/dossiers/:code/status", s.mainSystem, s.dossierStatus)
		if s.notifier != nil {
			api.POST("/dossiers/:code/contact", s.dossierContact)
		}
		api.POST("/dossiers", s.mainSystem, s.dossierImport)
		api.POST("/dossiers/sync", s.mainSystem, s.dossierSync)
	}
	if s.printing != nil {
		api.POST("/receipts", s.staffOrSystem, s.receipt)
		api.POST("/forms", s.staffOrSystem, s.form)
		api.GET("/forms/layout", s.staff, s.formsLayout)
		api.GET("/receipts/:job", s.staffOrSystem, s.receiptJobState)
	}
	s.routesDevices(api)
	api.POST("/auth/login", s.login)
	api.POST("/auth/logout", s.logout)
	staff := api.Group("", s.staff)
	staff.GET("/auth/me", s.me)
	staff.POST("/auth/sessions/revoke", s.adminOnly, s.revokeSessions)
	staff.POST("/tickets/:id/cancel", s.cancel)
	s.routesScreens(o, api, staff)
	s.routesHardware(staff)
	ctr := staff.Group("/counters/:counter", s.counterAccess, s.claimCheck)
	ctr.POST("/next", s.counterAction(s.engine.Next))
	ctr.POST("/recall", s.counterAction(s.engine.Recall))
	ctr.POST("/no-show", s.counterAction(s.engine.NoShow))
	ctr.POST("/start", s.counterAction(s.engine.Start))
	ctr.POST("/complete", s.counterAction(s.engine.Complete))
	ctr.POST("/transfer", s.transfer)
	ctr.POST("/call", s.call)
	ctr.POST("/return", s.returnTicket)
	ctr.POST("/dossier", s.visitDossier)
	ctr.POST("/check-in", s.counterCheckIn)
	staff.GET("/counters/:counter/queue", s.counterAccess, s.counterQueue)
	s.router = r
	return s
}

// The API's paths: APIPrefix starts every endpoint, TicketsPath+id is a
// ticket (the Location of an issued ticket, what the phone page polls).
const (
	APIPrefix   = "/api/v1"
	TicketsPath = APIPrefix + "/tickets/"
)

// pageURL is the public address of one of the service's pages.
func (s *Server) pageURL(path string) string {
	return strings.TrimRight(s.cfg.BaseURL(), "/") + path
}

// Router returns the gin engine so cmd/motcua can mount the screens' pages
// and sockets beside the API.
func (s *Server) Router() *gin.Engine { return s.router }

// Handler is the whole HTTP service.
func (s *Server) Handler() http.Handler { return s.router }

func (s *Server) healthz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	body := gin.H{"status": "ok", "day": s.engine.Day()}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("healthz: store", "err", err)
		body["status"], body["store"] = "unavailable", err.Error()
		if kind := database.Kind(err); kind != "" {
			body["storage"] = kind // full, io, readonly, corrupt, cantopen
		}
		status = http.StatusServiceUnavailable
	}
	if s.printing != nil {
		body["printers"] = s.printing.Statuses()
	}
	s.hardwareHealth(body)
	for name, fn := range s.health {
		body[name] = fn()
	}
	c.JSON(status, body)
}

func (s *Server) me(c *gin.Context) {
	u := c.MustGet("user").(config.Staff)
	c.JSON(http.StatusOK, gin.H{"username": u.Username, "name": u.Name, "role": u.Role, "counters": u.Counters})
}
