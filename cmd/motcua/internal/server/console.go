package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/kiosk/claim"
	"motcua/queue"
)

type openRequest struct {
	Takeover bool `json:"takeover"`
}

type claimJSON struct {
	Counter string `json:"counter"`
	Console string `json:"console"` // the token to send in X-Motcua-Console
	User    string `json:"user"`
	Since   string `json:"since"`
}

// openCounter gives the counter to this console: 409 counter_in_use naming
// who holds it, unless the clerk asked to take it over.
func (s *Server) openCounter(c *gin.Context) {
	var req openRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if !s.knownCounter(c.Param("counter")) {
		s.fail(c, queue.ErrUnknownCounter)
		return
	}
	user := c.MustGet("user").(config.Staff)
	cl, err := s.screens.claims.Open(c.Param("counter"), user.Username, req.Takeover)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.claimJSON(cl))
}

// heartbeat keeps the console's claim; the console polls it.
func (s *Server) heartbeat(c *gin.Context) {
	if err := decode(c, &struct{}{}); err != nil {
		s.fail(c, err)
		return
	}
	user := c.MustGet("user").(config.Staff)
	cl, err := s.screens.claims.Heartbeat(c.Param("counter"), consoleToken(c), user.Username)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.claimJSON(cl))
}

// releaseCounter frees the counter (logout, or the clerk leaves it).
func (s *Server) releaseCounter(c *gin.Context) {
	if err := decode(c, &struct{}{}); err != nil {
		s.fail(c, err)
		return
	}
	s.screens.claims.Release(c.Param("counter"), consoleToken(c))
	c.Status(http.StatusNoContent)
}

// claimCheck refuses a counter action from a console that does not hold the
// counter while another does.
func (s *Server) claimCheck(c *gin.Context) {
	if err := s.screens.claims.Check(c.Param("counter"), consoleToken(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Next()
}

func (s *Server) claimJSON(cl claim.Claim) claimJSON {
	return claimJSON{Counter: cl.Counter, Console: cl.Token, User: cl.User, Since: s.stamp(cl.Since)}
}
