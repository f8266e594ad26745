package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/devices/printer"
	"motcua/display"
	"motcua/kiosk/claim"
	"motcua/kiosk/procedures"
	"motcua/kiosk/web"
	"motcua/queue"
)

// screens is the state behind the endpoints of the kiosk, console, rating
// and report pages.
type screens struct {
	procedures *procedures.Catalogue
	claims     *claim.Claims
	board      *board
	agencies   agencyCache
	dates      agencyDatesCache
}

// routesScreens adds the endpoints the pages use: kiosk settings, ticket QR
// codes, procedures, counter claims, the rating tablet and reports.
func (s *Server) routesScreens(o Opts, api, staff *gin.RouterGroup) {
	cat := o.Procedures
	if cat == nil {
		cat = &procedures.Catalogue{}
	}
	s.screens = &screens{procedures: cat, claims: claim.New(claim.Opts{Clock: o.Clock}), board: followBoard(s.engine)}

	api.GET("/kiosks/:kiosk", s.kioskSettings)
	api.GET("/tickets/:id/qr.svg", s.ticketQR)
	api.GET("/procedures", s.procedureList)
	api.GET("/counters/:counter/last-completed", s.lastCompleted)
	api.POST("/counters/:counter/rating", s.counterTablet, s.rate)
	console := staff.Group("/counters/:counter", s.counterAccess)
	console.POST("/open", s.openCounter)
	console.POST("/heartbeat", s.heartbeat)
	console.POST("/release", s.releaseCounter)
	staff.GET("/reports", s.adminOnly, s.reports)
	staff.GET("/reports/officers", s.adminOnly, s.officerReport)
	staff.GET("/reports/ratings", s.adminOnly, s.ratingsExport)
}

type kioskJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Confirm     bool   `json:"confirm"`
	IdleSeconds int    `json:"idle_seconds"`
	Printer     string `json:"printer"`
	// PrinterStatus is what the service last knew of the kiosk's printer
	// (absent without one): the page says "out of paper" before the tap.
	PrinterStatus *printer.Status `json:"printer_status,omitempty"`
	Center        centerJSON      `json:"center"`
	Code          codeJSON        `json:"code"`
	Priority      priorityJSON    `json:"priority"`
	// Notify: the ticket screen offers to take a phone number for messages.
	Notify bool `json:"notify"`
	// Camera: the identity step shows the camera and sends its frames to
	// POST /api/v1/tickets/image.
	Camera bool `json:"camera"`
}

// codeJSON tells the kiosk's keypad how this center's dossier codes begin,
// so that a citizen types only the date and the sequence: Prefixes are the
// agency parts ("000.00.14.H56-", from center.agency_code), DateDigits the
// digits of the date group after it in dossiers.code_pattern (6 for
// yyMMdd; 0 when the pattern has no such group), followed by a dash.
type codeJSON struct {
	Prefixes   []string `json:"prefixes"`
	DateDigits int      `json:"date_digits"`
	// DateDigitsByPrefix is DateDigits for each prefix whose recorded codes
	// have another date group (8 for a ministry's yyyyMMdd; codedates.go).
	DateDigitsByPrefix map[string]int `json:"date_digits_by_prefix"`
}

type centerJSON struct {
	Name     string `json:"name"`
	Address  string `json:"address"`
	Timezone string `json:"timezone"`
}

// kioskSettings tells a kiosk page how it behaves (config kiosks[]).
func (s *Server) kioskSettings(c *gin.Context) {
	k, ok := s.cfg.Kiosk(c.Param("kiosk"))
	if !ok {
		s.fail(c, errNoSuchKiosk)
		return
	}
	c.JSON(http.StatusOK, s.kioskJSON(c.Request.Context(), k))
}

func (s *Server) kioskJSON(ctx context.Context, k config.Kiosk) kioskJSON {
	j := kioskJSON{ID: k.ID, Name: k.Name, Confirm: k.Confirms(), IdleSeconds: k.IdleSeconds,
		Printer: k.Printer, Center: centerJSON{Name: s.cfg.Center.Name, Address: s.cfg.Center.Address, Timezone: s.cfg.Center.Timezone},
		Code: s.codeShape(s.agencies(ctx)), Priority: s.priorityJSON(), Notify: s.notifier != nil, Camera: k.Camera}
	j.Code.DateDigitsByPrefix = s.prefixDates(ctx, j.Code)
	if k.Printer != "" && s.printing != nil {
		if st, ok := s.printing.Statuses()[k.Printer]; ok {
			j.PrinterStatus = &st
		}
	}
	return j
}

// maxCodePrefixes is how many agency keys the keypad gets: the center's
// own and the one its citizens carry most besides.
const maxCodePrefixes = 2

// codeShape is the start of the center's dossier codes, for the keypad:
// center.agency_code, then the agencies of the codes the registry holds,
// most frequent first.
func (s *Server) codeShape(recorded []string) codeJSON {
	out := codeJSON{Prefixes: []string{}}
	for _, a := range append([]string{s.cfg.Center.AgencyCode}, recorded...) {
		p := strings.ToUpper(strings.TrimSpace(a)) + "-"
		if p != "-" && len(out.Prefixes) < maxCodePrefixes && !slices.Contains(out.Prefixes, p) {
			out.Prefixes = append(out.Prefixes, p)
		}
	}
	out.DateDigits = s.codes.DateDigits()
	return out
}

// ticketQR draws the QR code of a ticket's tracking page for the kiosk.
func (s *Server) ticketQR(c *gin.Context) {
	id := c.Param("id")
	if len(id) > 64 {
		s.fail(c, queue.ErrNotFound)
		return
	}
	if _, err := s.engine.Ticket(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	svg, err := web.QRSVG(s.pageURL(display.PhonePath(id)))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=86400")
	c.Data(http.StatusOK, "image/svg+xml", svg)
}

func (s *Server) procedureList(c *gin.Context) {
	list := s.screens.procedures.Procedures
	if list == nil {
		list = []procedures.Procedure{}
	}
	c.JSON(http.StatusOK, gin.H{"procedures": list})
}

// adminOnly lets administrators through.
func (s *Server) adminOnly(c *gin.Context) {
	if c.MustGet("user").(config.Staff).Role != config.RoleAdmin {
		s.fail(c, errAdminOnly)
		return
	}
	c.Next()
}

// board is the server's queue.Board: the queue snapshot of the API and the
// rating tablet's last completed ticket read it. It follows the engine's
// events; a gap in seq (never expected) takes a fresh snapshot.
type board struct {
	engine *queue.Engine
	mu     sync.Mutex
	b      *queue.Board
}

// followBoard subscribes a board to the engine, then takes the snapshot it
// starts from: no event falls between the two.
func followBoard(e *queue.Engine) *board {
	bd := &board{engine: e}
	bd.mu.Lock()
	defer bd.mu.Unlock()
	e.OnEvents(bd.apply)
	bd.b = queue.NewBoard(e.Snapshot())
	return bd
}

func (bd *board) apply(events []queue.Event) {
	bd.mu.Lock()
	defer bd.mu.Unlock()
	for _, ev := range events {
		if ev.Seq <= bd.b.Seq() {
			continue
		}
		if ev.Seq != bd.b.Seq()+1 {
			bd.b.Reset(bd.engine.Snapshot())
			if ev.Seq <= bd.b.Seq() {
				continue
			}
		}
		bd.b.Apply(ev)
	}
}

// read runs fn with the board; fn must not keep what it reads.
func (bd *board) read(fn func(b *queue.Board)) {
	bd.mu.Lock()
	defer bd.mu.Unlock()
	fn(bd.b)
}

// lastDone returns the ticket the counter completed last.
func (bd *board) lastDone(counter string) (queue.DoneTicket, bool) {
	var d queue.DoneTicket
	ok := false
	bd.read(func(b *queue.Board) {
		if c, found := b.Counter(counter); found && c.Last != nil {
			d, ok = *c.Last, true
		}
	})
	return d, ok
}

// consoleHeader carries the console's claim token on counter actions.
const consoleHeader = "X-Motcua-Console"

func consoleToken(c *gin.Context) string { return strings.TrimSpace(c.GetHeader(consoleHeader)) }

// agencyCache holds the agencies of the registry's codes for a while: every
// kiosk asks its settings every few seconds, the registry changes slowly.
type agencyCache struct {
	mu   sync.Mutex
	at   time.Time
	list []string
}

// The registry's codes the keypad learns from: those recorded or updated
// within agencyWindow, counted again every agencyEvery.
const (
	agencyWindow = 90 * 24 * time.Hour
	agencyEvery  = 10 * time.Minute
)

// agencies returns the agencies of the codes the registry holds lately,
// most frequent first (registry.Agencies), from the cache when it is fresh.
// An unanswered count keeps what the cache holds.
func (s *Server) agencies(ctx context.Context) []string {
	if s.registry == nil || s.screens == nil {
		return nil
	}
	ac := &s.screens.agencies
	ac.mu.Lock()
	defer ac.mu.Unlock()
	now := s.now()
	if !ac.at.IsZero() && now.Sub(ac.at) < agencyEvery {
		return ac.list
	}
	list, err := s.registry.Agencies(ctx, now.Add(-agencyWindow), maxCodePrefixes)
	if err != nil {
		s.log.Warn("kiosk settings: counting the registry's agencies", "err", err)
		return ac.list
	}
	ac.at, ac.list = now, list
	return list
}
