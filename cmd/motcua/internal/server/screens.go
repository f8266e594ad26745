package server

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
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
	done       *lastDone
}

// routesScreens adds the endpoints the pages use: kiosk settings, ticket QR
// codes, procedures, counter claims, the rating tablet and reports.
func (s *Server) routesScreens(o Opts, api, staff *gin.RouterGroup) {
	cat := o.Procedures
	if cat == nil {
		cat = &procedures.Catalogue{}
	}
	s.screens = &screens{procedures: cat, claims: claim.New(claim.Opts{Clock: o.Clock}), done: &lastDone{by: map[string]doneTicket{}}}
	s.engine.OnEvents(s.screens.done.observe)

	api.GET("/kiosks/:kiosk", s.kioskSettings)
	api.GET("/tickets/:id/qr.svg", s.ticketQR)
	api.GET("/procedures", s.procedureList)
	api.GET("/counters/:counter/last-completed", s.lastCompleted)
	api.POST("/counters/:counter/rating", s.rate)
	console := staff.Group("/counters/:counter", s.counterAccess)
	console.POST("/open", s.openCounter)
	console.POST("/heartbeat", s.heartbeat)
	console.POST("/release", s.releaseCounter)
	staff.GET("/reports", s.adminOnly, s.reports)
}

type kioskJSON struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Confirm     bool       `json:"confirm"`
	IdleSeconds int        `json:"idle_seconds"`
	Printer     string     `json:"printer"`
	Center      centerJSON `json:"center"`
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
	c.JSON(http.StatusOK, kioskJSON{ID: k.ID, Name: k.Name, Confirm: k.Confirms(), IdleSeconds: k.IdleSeconds,
		Printer: k.Printer, Center: centerJSON{Name: s.cfg.Center.Name, Address: s.cfg.Center.Address, Timezone: s.cfg.Center.Timezone}})
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

// lastDone remembers, per counter, the ticket it completed last, for the
// rating tablet. It follows the engine's events.
type lastDone struct {
	mu sync.Mutex
	by map[string]doneTicket
}

type doneTicket struct {
	ID, Number string
	At         time.Time
	Rated      bool
}

func (l *lastDone) observe(events []queue.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ev := range events {
		switch ev.Type {
		case queue.EventCompleted:
			l.by[ev.Counter] = doneTicket{ID: ev.Ticket.ID, Number: ev.Ticket.Number, At: ev.At}
		case queue.EventRated:
			for k, d := range l.by {
				if d.ID == ev.Ticket.ID {
					d.Rated = true
					l.by[k] = d
				}
			}
		}
	}
}

func (l *lastDone) get(counter string) (doneTicket, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, ok := l.by[counter]
	return d, ok
}

// consoleHeader carries the console's claim token on counter actions.
const consoleHeader = "X-Motcua-Console"

func consoleToken(c *gin.Context) string { return strings.TrimSpace(c.GetHeader(consoleHeader)) }
