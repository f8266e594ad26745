package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"motcua/kiosk/dossier/registry"
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

// dossierContact registers where a dossier's status changes go, for a
// dossier the registry knows. Knowing the code is what a kiosk lookup
// asks too; the messages say the status, never the applicant.
func (s *Server) dossierContact(c *gin.Context) {
	var req contactRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if !req.Consent {
		s.fail(c, errNoConsent)
		return
	}
	d, err := s.registry.Lookup(c.Request.Context(), c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.notifier.WatchDossier(c.Request.Context(), d.Code, req.Phone, req.Email); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"notify": true})
}

// dossierChanged tells the notifier the dossier's status as the registry
// now holds it (a change pushed out of order does not move it back, nor
// is it told). A failure is logged: the push itself was recorded.
func (s *Server) dossierChanged(ctx context.Context, code string) {
	if s.notifier == nil {
		return
	}
	d, err := s.registry.Lookup(ctx, code)
	if err == nil {
		err = s.notifier.DossierChanged(ctx, d.Code, d.Status)
	}
	if err != nil {
		s.log.Warn("notify: dossier status not decided", "code", code, "err", err)
	}
}

// dossiersChanged tells the notifier the statuses an import or a
// DongBoHoSoMC push set (each dossier's current one; an older status the
// write only added to the history is not among them). The write is
// committed: a client gone meanwhile does not stop the deciding.
func (s *Server) dossiersChanged(ctx context.Context, changes []registry.StatusChange) {
	if s.notifier == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, ch := range changes {
		if err := s.notifier.DossierChanged(ctx, ch.Code, ch.Status); err != nil {
			s.log.Warn("notify: dossier status not decided", "code", ch.Code, "err", err)
		}
	}
}
