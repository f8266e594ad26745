package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"motcua/queue"
)

var errNoConsent = errors.New("server: contact given without consent")

// contactRequest is a phone number and/or an address given for a ticket,
// with the citizen's consent to receive messages.
type contactRequest struct {
	Phone   string `json:"phone"`
	Email   string `json:"email"`
	Consent bool   `json:"consent"`
}

// contact registers where a waiting ticket's messages go. The ticket id is
// the credential, as for its phone page. The answer never repeats the
// number: it is shown nowhere.
func (s *Server) contact(c *gin.Context) {
	var req contactRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if !req.Consent {
		s.fail(c, errNoConsent)
		return
	}
	id := c.Param("id")
	if len(id) > 64 {
		s.fail(c, queue.ErrNotFound)
		return
	}
	if err := s.notifier.Watch(c.Request.Context(), id, req.Phone, req.Email); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"notify": true})
}
