package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/queue"
)

// ratingWindow is how long after a completion the tablet may rate it;
// askWindow how long after it a tablet that was just (re)loaded still asks:
// a tablet reloaded minutes later would ask the next citizen about the
// last one's visit.
const (
	ratingWindow = 10 * time.Minute
	askWindow    = 2 * time.Minute
)

type lastCompletedJSON struct {
	Number      string `json:"number,omitempty"`
	CompletedAt string `json:"completed_at,omitempty"`
	Rated       bool   `json:"rated"`
	// Rateable is true while the tablet may ask: completed within the
	// window and not yet rated. Recent is true while a tablet just
	// loaded should still ask (completed within askWindow); one that saw
	// the completion happen asks while Rateable.
	Rateable bool `json:"rateable"`
	Recent   bool `json:"recent"`
}

// ratable returns the ticket the counter's tablet may rate now.
func (s *Server) ratable(counter string) (queue.DoneTicket, bool, bool) {
	d, ok := s.screens.board.lastDone(counter)
	if !ok {
		return d, false, false
	}
	fresh := s.now().Sub(d.At) < ratingWindow
	return d, true, fresh && !d.Rated
}

// lastCompleted tells the rating tablet which ticket the counter finished
// last; it carries no ticket id, only the number shown to the citizen.
func (s *Server) lastCompleted(c *gin.Context) {
	counter := c.Param("counter")
	if !s.knownCounter(counter) {
		s.fail(c, queue.ErrUnknownCounter)
		return
	}
	d, ok, rateable := s.ratable(counter)
	out := lastCompletedJSON{Rateable: rateable, Recent: rateable && s.now().Sub(d.At) < askWindow}
	if ok {
		out.Number, out.CompletedAt, out.Rated = d.Number, s.stamp(d.At), d.Rated
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

type rateRequest struct {
	Rating int `json:"rating"`
}

// rate stores the citizen's rating with the ticket the counter completed
// last, within the window and once.
func (s *Server) rate(c *gin.Context) {
	var req rateRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.rateLast(c.Request.Context(), c.Param("counter"), req.Rating)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.recordRating(c, t)
	c.JSON(http.StatusOK, gin.H{"number": t.Number, "rating": t.Rating})
}

// rateLast stores rating with the ticket counter completed last, within
// the window and once: the rule of the tablet and of the rating box.
func (s *Server) rateLast(ctx context.Context, counter string, rating int) (queue.Ticket, error) {
	if !s.knownCounter(counter) {
		return queue.Ticket{}, queue.ErrUnknownCounter
	}
	if rating < 1 || rating > 3 {
		return queue.Ticket{}, queue.ErrBadRating
	}
	d, _, rateable := s.ratable(counter)
	if !rateable {
		return queue.Ticket{}, errNothingToRate
	}
	return s.engine.Rate(ctx, d.TicketID(), rating)
}

func (s *Server) knownCounter(id string) bool {
	for _, ct := range s.cfg.Counters {
		if ct.ID == id {
			return true
		}
	}
	return false
}
