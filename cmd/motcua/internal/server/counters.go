package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"motcua/queue"
)

// counterAction serves the actions that take nothing but the counter.
func (s *Server) counterAction(op func(ctx context.Context, counter string) (queue.Ticket, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := decode(c, &struct{}{}); err != nil {
			s.fail(c, err)
			return
		}
		t, err := op(c.Request.Context(), c.Param("counter"))
		s.answer(c, t, err)
	}
}

func (s *Server) answer(c *gin.Context, t queue.Ticket, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.ticketJSON(s.engine.Info(t)))
}

type transferRequest struct {
	Service string `json:"service"`
}

func (s *Server) transfer(c *gin.Context) {
	var req transferRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if strings.TrimSpace(req.Service) == "" {
		s.fail(c, errMissingTransfer)
		return
	}
	t, err := s.engine.Transfer(c.Request.Context(), c.Param("counter"), strings.TrimSpace(req.Service))
	s.answer(c, t, err)
}

type callRequest struct {
	Ticket string `json:"ticket"`
}

func (s *Server) call(c *gin.Context) { s.onTicket(c, s.engine.Call) }

// onTicket runs a counter's action on the ticket the request names
// ({"ticket": number or id}): call, return.
func (s *Server) onTicket(c *gin.Context, act func(ctx context.Context, counter, ticket string) (queue.Ticket, error)) {
	var req callRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	ref := strings.TrimSpace(req.Ticket)
	if ref == "" || len(ref) > 64 {
		s.fail(c, errMissingTicket)
		return
	}
	t, err := act(c.Request.Context(), c.Param("counter"), ref)
	s.answer(c, t, numbered(err, ref))
}
