package server

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"motcua/internal/msg"
	"motcua/queue"
)

// apiError is an error with its HTTP status, code and Vietnamese message.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// newError is the answer status with the catalogue's message id, its slots
// filled from vars.
func newError(status int, id msg.ID, vars ...string) *apiError {
	return &apiError{Status: status, Code: id.Code(), Message: id.VI(vars...)}
}

// Errors of the request itself.
var (
	errBadJSON      = newError(http.StatusBadRequest, msg.MalformedJSON)
	errTooLarge     = newError(http.StatusBadRequest, msg.BodyTooLarge)
	errUnauthorized = newError(http.StatusUnauthorized, msg.Unauthorized)
	errBadLogin     = newError(http.StatusUnauthorized, msg.BadCredentials)
	errForbidden    = newError(http.StatusForbidden, msg.Forbidden)
)

// engineErrors maps the engine's errors to the contract.
var engineErrors = []struct {
	err error
	api *apiError
}{
	{queue.ErrQueueEmpty, newError(http.StatusNotFound, msg.QueueEmpty)},
	{queue.ErrUnknownService, newError(http.StatusUnprocessableEntity, msg.UnknownService)},
	{queue.ErrUnknownCounter, newError(http.StatusNotFound, msg.UnknownCounter)},
	{queue.ErrServiceClosed, newError(http.StatusConflict, msg.ServiceClosed)},
	{queue.ErrDailyCapReached, newError(http.StatusConflict, msg.DailyCapReached)},
	{queue.ErrNoCurrent, newError(http.StatusConflict, msg.NoCurrentTicket)},
	{queue.ErrNotFound, newError(http.StatusNotFound, msg.TicketNotFound)},
	{queue.ErrNotWaiting, newError(http.StatusConflict, msg.TicketNotWaiting)},
	{queue.ErrSameService, newError(http.StatusConflict, msg.SameService)},
	{queue.ErrBadState, newError(http.StatusConflict, msg.BadState)},
	{queue.ErrBadRating, newError(http.StatusBadRequest, msg.BadRating)},
}

var errInternal = newError(http.StatusInternalServerError, msg.Internal)

// fail answers c with err as the contract's JSON and logs it: client errors
// at debug level, server errors at error level.
func (s *Server) fail(c *gin.Context, err error) {
	api := errInternal
	var ae *apiError
	if errors.As(err, &ae) {
		api = ae
	} else {
		for _, m := range engineErrors {
			if errors.Is(err, m.err) {
				api = m.api
				break
			}
		}
	}
	level := slog.LevelDebug
	if api.Status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(c.Request.Context(), level, "request failed", "method", c.Request.Method,
		"path", c.FullPath(), "status", api.Status, "code", api.Code, "err", err)
	c.AbortWithStatusJSON(api.Status, gin.H{"error": gin.H{"code": api.Code, "message": api.Message}})
}
