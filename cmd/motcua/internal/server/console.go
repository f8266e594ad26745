package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/msg"
	"motcua/kiosk/claim"
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
		s.fail(c, newError(http.StatusNotFound, msg.UnknownCounter))
		return
	}
	user := c.MustGet("user").(config.Staff)
	cl, err := s.screens.claims.Open(c.Param("counter"), user.Username, req.Takeover)
	if err != nil {
		s.fail(c, s.claimError(err))
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
		s.fail(c, s.claimError(err))
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
		s.fail(c, s.claimError(err))
		return
	}
	c.Next()
}

func (s *Server) claimJSON(cl claim.Claim) claimJSON {
	return claimJSON{Counter: cl.Counter, Console: cl.Token, User: cl.User, Since: s.stamp(cl.Since)}
}

// claimError turns the claim package's errors into the API's.
func (s *Server) claimError(err error) error {
	var iu *claim.InUseError
	var to *claim.TakenOverError
	switch {
	case errors.As(err, &iu) && iu.User == "":
		return newError(http.StatusConflict, msg.CounterNotOpen)
	case errors.As(err, &iu):
		return newError(http.StatusConflict, msg.CounterInUse,
			"counter", iu.Counter, "user", iu.User, "since", iu.Since.In(s.loc).Format("15:04"))
	case errors.As(err, &to):
		return newError(http.StatusConflict, msg.CounterTakenOver,
			"counter", to.Counter, "user", to.By, "at", to.At.In(s.loc).Format("15:04"))
	}
	return err
}
