package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/msg"
	"motcua/kiosk/ratings"
	"motcua/queue"
)

// visitAt is the ticket a counter is serving, else the one it completed
// within the rating window: the visit a dossier printed or scanned there
// belongs to.
func (s *Server) visitAt(counter string) (queue.Ticket, bool) {
	cs, ok := s.engine.CounterNow(counter)
	switch {
	case !ok:
	case cs.Current != nil:
		return *cs.Current, true
	case cs.Last != nil && s.now().Sub(cs.Last.DoneAt) < ratingWindow:
		return *cs.Last, true
	}
	return queue.Ticket{}, false
}

// linkVisit ties a dossier to the visit at the counter, when there is one;
// a failure is logged, the print it follows already queued.
func (s *Server) linkVisit(ctx context.Context, counter, code, kind string) {
	if s.ratings == nil || counter == "" {
		return
	}
	t, ok := s.visitAt(counter)
	if !ok {
		return
	}
	if err := s.ratings.Link(ctx, ratings.Link{TicketID: t.ID, Day: t.Day, Code: code, Kind: kind, At: s.now()}); err != nil {
		s.log.Error("dossier not linked to the visit", "counter", counter, "ticket", t.Number, "code", code, "err", err)
	}
}

// printerCounter is the counter a print for printer was made at: the one
// named, else the clerk's (or, for the main system, any) counter with that
// printer.
func (s *Server) printerCounter(c *gin.Context, named, printer string) string {
	if named != "" {
		return named
	}
	user, isStaff := c.Get("user")
	for _, ct := range s.cfg.Counters {
		if ct.Printer == printer && (!isStaff || user.(config.Staff).Role == config.RoleAdmin || user.(config.Staff).Allowed(ct.ID)) {
			return ct.ID
		}
	}
	return ""
}

// recordRating keeps who was at the counter and the visit's dossiers with
// a rating the engine stored. The engine's rating stands if this fails
// (logged): the tablet has its answer.
func (s *Server) recordRating(c *gin.Context, t queue.Ticket) {
	if s.ratings == nil {
		return
	}
	clerk := ""
	if h, ok := s.screens.claims.Holder(t.Counter); ok {
		clerk = h.User
	}
	if err := s.ratings.Record(c.Request.Context(), ratings.Rating{TicketID: t.ID, Day: t.Day, Number: t.Number,
		Counter: t.Counter, Clerk: clerk, Value: t.Rating, At: s.now()}); err != nil {
		s.log.Error("rating not recorded with its officer", "ticket", t.Number, "counter", t.Counter, "err", err)
	}
}

type visitDossierRequest struct {
	Code string `json:"code"`
	Kind string `json:"kind"` // handed_in | collected (default)
}

// visitDossier ties a dossier the clerk scanned or typed to the visit at
// the counter: the citizen collected its result (or handed it in).
func (s *Server) visitDossier(c *gin.Context) {
	var req visitDossierRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	code, err := s.codes.Parse(req.Code)
	if err != nil {
		s.fail(c, invalid(msg.FieldDossierCode, ""))
		return
	}
	kind := req.Kind
	if kind == "" {
		kind = ratings.Collected
	}
	if kind != ratings.Collected && kind != ratings.HandedIn {
		s.fail(c, invalid(msg.FieldKind, ""))
		return
	}
	if s.ratings == nil {
		s.fail(c, errNoVisit)
		return
	}
	t, ok := s.visitAt(c.Param("counter"))
	if !ok {
		s.fail(c, errNoVisit)
		return
	}
	if err := s.ratings.Link(c.Request.Context(), ratings.Link{TicketID: t.ID, Day: t.Day, Code: code, Kind: kind, At: s.now()}); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"number": t.Number, "code": code, "kind": kind})
}

// ratingRange reads from/to like the reports.
func (s *Server) ratingRange(c *gin.Context) (string, string, bool) {
	today := s.now().In(s.loc).Format(time.DateOnly)
	from, to := c.DefaultQuery("from", today), c.DefaultQuery("to", "")
	if to == "" {
		to = from
	}
	f, err1 := time.ParseInLocation(time.DateOnly, from, s.loc)
	t, err2 := time.ParseInLocation(time.DateOnly, to, s.loc)
	if err1 != nil || err2 != nil {
		s.fail(c, errInvalidDate)
		return "", "", false
	}
	if t.Before(f) || t.Sub(f) > maxReportDays*24*time.Hour {
		s.fail(c, errInvalidRange)
		return "", "", false
	}
	return from, to, true
}

func (s *Server) staffNames() map[string]string {
	names := map[string]string{}
	for _, u := range s.cfg.Staff {
		names[u.Username] = u.Name
	}
	return names
}

// officerReport answers the ratings per officer of a range of days (JSON,
// or CSV with format=csv).
func (s *Server) officerReport(c *gin.Context) {
	from, to, ok := s.ratingRange(c)
	if !ok {
		return
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "csv" {
		s.fail(c, errInvalidFormat)
		return
	}
	list, err := s.ratingList(c, from, to)
	if err != nil {
		s.fail(c, err)
		return
	}
	officers := ratings.ByOfficer(list, s.staffNames())
	if format == "json" {
		c.JSON(http.StatusOK, gin.H{"from": from, "to": to, "officers": officers})
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="danh-gia-can-bo_%s_%s.csv"`, from, to))
	c.Status(http.StatusOK)
	if err := ratings.WriteOfficers(c.Writer, officers); err != nil {
		s.log.Error("reports: officers csv", "err", err)
	}
}

// ratingsExport answers every rating of a range of days with its officer
// and dossier, as the CSV the province's indicators take.
func (s *Server) ratingsExport(c *gin.Context) {
	from, to, ok := s.ratingRange(c)
	if !ok {
		return
	}
	list, err := s.ratingList(c, from, to)
	if err != nil {
		s.fail(c, err)
		return
	}
	counters := map[string]string{}
	for _, ct := range s.cfg.Counters {
		counters[ct.ID] = ct.Name
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="danh-gia_%s_%s_%s.csv"`,
		strings.ReplaceAll(strings.TrimSpace(s.cfg.Center.AgencyCode), "/", "-"), from, to))
	c.Status(http.StatusOK)
	if err := ratings.WriteExport(c.Writer, list, ratings.ExportOpts{Unit: s.cfg.Center.Name, AgencyCode: s.cfg.Center.AgencyCode,
		Names: s.staffNames(), Counters: counters, Location: s.loc}); err != nil {
		s.log.Error("reports: ratings export", "err", err)
	}
}

func (s *Server) ratingList(c *gin.Context, from, to string) ([]ratings.Rated, error) {
	if s.ratings == nil {
		return []ratings.Rated{}, nil
	}
	return s.ratings.List(c.Request.Context(), from, to)
}
