package server

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/devices/button"
	"motcua/internal/database"
	"motcua/internal/msg"
	"motcua/kiosk/claim"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
	"motcua/kiosk/notify"
	"motcua/kiosk/printing"
	"motcua/queue"
)

// The kinds of error the handlers find themselves: the request is not
// what the contract asks, or the caller may not do it. Like the domain's
// sentinels, they say what went wrong, not how to answer: errorTable does.
var (
	errMalformedJSON    = errors.New("server: malformed JSON")
	errTrailingJSON     = errors.New("server: data after the JSON object")
	errBodyTooLarge     = errors.New("server: request body too large")
	errFileTooLarge     = errors.New("server: import file too large")
	errNotJSON          = errors.New("server: body not sent as application/json")
	errImportType       = errors.New("server: import neither text/csv nor application/json")
	errCrossOrigin      = errors.New("server: cookie-borne request from another origin")
	errRouteNotFound    = errors.New("server: no such route")
	errMethodNotAllowed = errors.New("server: method not allowed")
	errUnauthorized     = errors.New("server: no valid session")
	errBadLogin         = errors.New("server: bad credentials")
	errForbidden        = errors.New("server: account not allowed at the counter")
	errSystemOnly       = errors.New("server: main system or administrator only")
	errAdminOnly        = errors.New("server: administrators only")
	errLoginBusy        = errors.New("server: no free password comparison")
	errNotYourPrinter   = errors.New("server: printer of another counter")
	errMetricsToken     = errors.New("server: /metrics without its token")
	errNotYourField     = errors.New("server: ticket of a field the account's counters do not serve")
	errMissingService   = errors.New("server: no service given")
	errMissingTransfer  = errors.New("server: no service to transfer to")
	errMissingTicket    = errors.New("server: no ticket to call")
	errNoSuchKiosk      = errors.New("server: no such kiosk") // in the path
	errNothingToRate    = errors.New("server: nothing to rate")
	errInvalidDate      = errors.New("server: invalid date")
	errInvalidRange     = errors.New("server: invalid range of days")
	errInvalidFormat    = errors.New("server: invalid format")
	errNoPrintJob       = errors.New("server: no such receipt print job")
	errNoVisit          = errors.New("server: no visit at the counter")
)

// fieldError is a field of the request that is not valid; id is its
// message, whose {field} slot (when it has one) names the field.
type fieldError struct {
	id    msg.ID
	field string
}

func (e *fieldError) Error() string {
	if e.field == "" {
		return "server: " + string(e.id)
	}
	return "server: " + string(e.id) + " " + strconv.Quote(e.field)
}

func invalid(id msg.ID, field string) error { return &fieldError{id: id, field: field} }

// tooLongError is a text of a receipt longer than max characters.
type tooLongError struct {
	field string
	max   int
}

func (e *tooLongError) Error() string {
	return fmt.Sprintf("server: %s longer than %d characters", e.field, e.max)
}

// throttledError is a login refused because its account or address failed
// too often: it may try again after wait.
type throttledError struct{ wait time.Duration }

func (e *throttledError) Error() string {
	return fmt.Sprintf("server: too many failed logins, retry in %v", e.wait)
}

// seconds is d in whole seconds, rounded up, at least 1.
func seconds(d time.Duration) int { return max(int(math.Ceil(d.Seconds())), 1) }

// answer is how the API answers one kind of error: the status, and the
// catalogue's message whose ID gives the code.
type answer struct {
	status int
	id     msg.ID
	// vars fill the message's slots; extra adds to the error object or the
	// headers. Both only for kinds that carry details.
	vars  []string
	extra func(c *gin.Context, err error, body gin.H)
}

// rule answers the errors that are kind (errors.Is) or, with match, the
// errors match recognises (a type carrying details, errors.As).
type rule struct {
	kind  error
	match func(err error) (answer, bool)
	answer
}

// errorTable is the one mapping from the kinds of error of the domain and
// of the handlers to the contract's status, code and message; the first
// rule that matches answers. An error no rule knows is a 500 "internal".
func (s *Server) errorTable() []rule {
	is := func(kind error, status int, id msg.ID) rule {
		return rule{kind: kind, answer: answer{status: status, id: id}}
	}
	return append(append(append(append(cameraRules(), s.identityRules()...), s.priorityRules()...), s.bookingRules()...), []rule{
		// The request itself.
		is(errMalformedJSON, http.StatusBadRequest, msg.MalformedJSON),
		is(errTrailingJSON, http.StatusBadRequest, msg.MalformedJSONMore),
		is(errBodyTooLarge, http.StatusBadRequest, msg.BodyTooLarge),
		is(errFileTooLarge, http.StatusRequestEntityTooLarge, msg.FileTooLarge),
		is(errNotJSON, http.StatusUnsupportedMediaType, msg.NotJSON),
		is(errImportType, http.StatusUnsupportedMediaType, msg.ImportType),
		{match: func(err error) (answer, bool) {
			var fe *fieldError
			if !errors.As(err, &fe) {
				return answer{}, false
			}
			return answer{status: http.StatusBadRequest, id: fe.id, vars: []string{"field", fe.field}}, true
		}},
		{match: func(err error) (answer, bool) {
			var tl *tooLongError
			if !errors.As(err, &tl) {
				return answer{}, false
			}
			return answer{status: http.StatusBadRequest, id: msg.FieldTooLong, vars: []string{"field", tl.field, "max", strconv.Itoa(tl.max)},
				extra: func(_ *gin.Context, _ error, body gin.H) { body["field"] = tl.field }}, true
		}},
		is(errRouteNotFound, http.StatusNotFound, msg.RouteNotFound),
		is(errMethodNotAllowed, http.StatusMethodNotAllowed, msg.MethodNotAllowed),
		is(errMissingService, http.StatusBadRequest, msg.MissingService),
		is(errMissingTransfer, http.StatusBadRequest, msg.MissingTransferTo),
		is(errMissingTicket, http.StatusBadRequest, msg.MissingTicket),
		is(errNoSuchKiosk, http.StatusNotFound, msg.UnknownKiosk),
		is(errNothingToRate, http.StatusNotFound, msg.NothingToRate),
		is(errNoVisit, http.StatusNotFound, msg.NoVisit),
		is(errInvalidDate, http.StatusBadRequest, msg.InvalidDate),
		is(errInvalidRange, http.StatusBadRequest, msg.InvalidRange),
		is(errInvalidFormat, http.StatusBadRequest, msg.InvalidFormat),
		is(errNoPrintJob, http.StatusNotFound, msg.PrintJobNotFound),
		is(button.ErrBadAction, http.StatusBadRequest, msg.ButtonAction),
		is(button.ErrUnknown, http.StatusNotFound, msg.ButtonNotLearned),

		// Sessions and rights.
		is(errUnauthorized, http.StatusUnauthorized, msg.Unauthorized),
		is(errBadLogin, http.StatusUnauthorized, msg.BadCredentials),
		is(errMetricsToken, http.StatusUnauthorized, msg.MetricsToken),
		{match: func(err error) (answer, bool) {
			var te *throttledError
			if !errors.As(err, &te) {
				return answer{}, false
			}
			return answer{status: http.StatusTooManyRequests, id: msg.LoginThrottled, vars: []string{"wait", msg.Delay(te.wait).VI},
				extra: func(c *gin.Context, _ error, body gin.H) {
					c.Header("Retry-After", strconv.Itoa(seconds(te.wait)))
					body["retry_after_s"] = seconds(te.wait)
				}}, true
		}},
		{kind: errLoginBusy, answer: answer{status: http.StatusTooManyRequests, id: msg.LoginBusy,
			extra: func(c *gin.Context, _ error, _ gin.H) { c.Header("Retry-After", "1") }}},
		is(errForbidden, http.StatusForbidden, msg.Forbidden),
		is(errNotYourPrinter, http.StatusForbidden, msg.NotYourPrinter),
		is(errNotYourField, http.StatusForbidden, msg.NotYourField),
		is(errSystemOnly, http.StatusForbidden, msg.SystemOnly),
		is(errAdminOnly, http.StatusForbidden, msg.AdminOnly),
		is(errCrossOrigin, http.StatusForbidden, msg.CrossOrigin),

		// The storage under every store: full, read-only, failing.
		is(database.ErrUnavailable, http.StatusServiceUnavailable, msg.StorageUnavailable),
		// Devices.
		is(errDeviceUnpaired, http.StatusUnauthorized, msg.DeviceUnpaired),
		is(errBadPairToken, http.StatusUnauthorized, msg.BadPairToken),
		{match: func(err error) (answer, bool) {
			var wk *wrongKioskError
			var wt *wrongTabletError
			var tf *tooFastError
			switch {
			case errors.As(err, &wk):
				return answer{status: http.StatusForbidden, id: msg.WrongKiosk, vars: []string{"kiosk", wk.kiosk}}, true
			case errors.As(err, &wt):
				return answer{status: http.StatusForbidden, id: msg.WrongTablet, vars: []string{"counter", wt.counter}}, true
			case errors.As(err, &tf):
				id := msg.TicketRateLimited
				if tf.pairing {
					id = msg.PairRateLimited
				}
				return answer{status: http.StatusTooManyRequests, id: id, extra: func(c *gin.Context, _ error, _ gin.H) {
					c.Header("Retry-After", strconv.Itoa(wholeSeconds(tf.wait)))
				}}, true
			}
			return answer{}, false
		}},

		// The queue.
		is(queue.ErrQueueEmpty, http.StatusNotFound, msg.QueueEmpty),
		is(queue.ErrUnknownService, http.StatusUnprocessableEntity, msg.UnknownService),
		is(queue.ErrUnknownCounter, http.StatusNotFound, msg.UnknownCounter),
		is(queue.ErrServiceClosed, http.StatusConflict, msg.ServiceClosed),
		is(queue.ErrDailyCapReached, http.StatusConflict, msg.DailyCapReached),
		is(queue.ErrNoCurrent, http.StatusConflict, msg.NoCurrentTicket),
		{match: func(err error) (answer, bool) {
			var nn *noNumberError
			if !errors.As(err, &nn) {
				return answer{}, false
			}
			return answer{status: http.StatusNotFound, id: msg.TicketNotToday, vars: []string{"number", nn.number}}, true
		}},
		is(queue.ErrNotFound, http.StatusNotFound, msg.TicketNotFound),
		is(notify.ErrBadPhone, http.StatusBadRequest, msg.ContactPhone),
		is(notify.ErrBadEmail, http.StatusBadRequest, msg.ContactEmail),
		is(notify.ErrNoContact, http.StatusBadRequest, msg.ContactMissing),
		is(errNoConsent, http.StatusBadRequest, msg.ContactConsent),
		is(notify.ErrDisabled, http.StatusConflict, msg.NotifyOff),
		is(notify.ErrNotWaiting, http.StatusConflict, msg.TicketNotWaiting),
		{match: s.notWaiting},
		is(queue.ErrNotWaiting, http.StatusConflict, msg.TicketNotWaiting),
		is(queue.ErrNotNoShow, http.StatusConflict, msg.TicketNotNoShow),
		is(queue.ErrSameService, http.StatusConflict, msg.SameService),
		is(queue.ErrBadState, http.StatusConflict, msg.BadState),
		is(queue.ErrBadRating, http.StatusBadRequest, msg.BadRating),

		// Counter claims of the consoles.
		{match: func(err error) (answer, bool) {
			var iu *claim.InUseError
			var to *claim.TakenOverError
			switch {
			case errors.As(err, &iu) && iu.User == "":
				return answer{status: http.StatusConflict, id: msg.CounterNotOpen}, true
			case errors.As(err, &iu):
				return answer{status: http.StatusConflict, id: msg.CounterInUse,
					vars: []string{"counter", iu.Counter, "user", iu.User, "since", s.clock(iu.Since)}}, true
			case errors.As(err, &to):
				return answer{status: http.StatusConflict, id: msg.CounterTakenOver,
					vars: []string{"counter", to.Counter, "user", to.By, "at", s.clock(to.At)}}, true
			}
			return answer{}, false
		}},

		// Dossier lookups, scans and the registry.
		is(lookup.ErrInvalidCode, http.StatusBadRequest, msg.InvalidCode),
		is(lookup.ErrNotFound, http.StatusNotFound, msg.DossierNotFound),
		{kind: lookup.ErrRateLimited, answer: answer{status: http.StatusTooManyRequests, id: msg.RateLimited,
			extra: func(c *gin.Context, err error, _ gin.H) { c.Header("Retry-After", strconv.Itoa(retryAfter(err))) }}},
		is(lookup.ErrNotOurReceipt, http.StatusUnprocessableEntity, msg.NotOurReceipt),
		is(lookup.ErrBadSignature, http.StatusUnprocessableEntity, msg.BadSignature),
		is(lookup.ErrImageTooLarge, http.StatusRequestEntityTooLarge, msg.ImageTooLarge),
		is(lookup.ErrBadImage, http.StatusBadRequest, msg.InvalidImage),
		is(lookup.ErrNoCode, http.StatusUnprocessableEntity, msg.NoCodeFound),
		is(lookup.ErrUnavailable, http.StatusServiceUnavailable, msg.UpstreamUnavailable),
		{match: func(err error) (answer, bool) {
			var ie *registry.ImportError
			if !errors.As(err, &ie) {
				return answer{}, false
			}
			return answer{status: http.StatusBadRequest, id: msg.InvalidImport, extra: func(_ *gin.Context, _ error, body gin.H) {
				body["lines"], body["more"] = ie.Lines, ie.More
			}}, true
		}},
		is(registry.ErrInvalid, http.StatusBadRequest, msg.InvalidDossier), // after ImportError, which wraps it
		{match: pushError},

		// Printing.
		is(printing.ErrNoPrinter, http.StatusUnprocessableEntity, msg.NoPrinter),
		is(printing.ErrUnknownPrinter, http.StatusUnprocessableEntity, msg.UnknownPrinter),
	}...)
}

// notWaiting answers a call of a ticket that does not wait with where it
// went instead, and says so in the body ("number", "state") for the console.
func (s *Server) notWaiting(err error) (answer, bool) {
	var nw *queue.NotWaitingError
	if !errors.As(err, &nw) {
		return answer{}, false
	}
	t := nw.Ticket
	a := answer{status: http.StatusConflict, id: msg.TicketNotWaiting, extra: func(_ *gin.Context, _ error, body gin.H) {
		body["number"], body["state"] = t.Number, string(t.State)
	}}
	switch t.State {
	case queue.NoShow:
		a.id, a.vars = msg.TicketNoShowAt, []string{"number", t.Number, "at", s.clock(t.DoneAt)}
	case queue.Done:
		a.id, a.vars = msg.TicketDoneAt, []string{"number", t.Number, "at", s.clock(t.DoneAt)}
	case queue.Cancelled:
		a.id, a.vars = msg.TicketCancelledAt, []string{"number", t.Number, "at", s.clock(t.DoneAt)}
	case queue.Called, queue.Serving:
		name := "quầy " + t.Counter
		for _, ct := range s.cfg.Counters {
			if ct.ID == t.Counter {
				name = ct.Name
			}
		}
		a.id, a.vars = msg.TicketAtCounter, []string{"number", t.Number, "counter", name}
	}
	return a, true
}

var internalAnswer = answer{status: http.StatusInternalServerError, id: msg.Internal}

// answerFor finds the rule of err.
func (s *Server) answerFor(err error) answer {
	for _, r := range s.errors {
		if r.match != nil {
			if a, ok := r.match(err); ok {
				return a
			}
			continue
		}
		if errors.Is(err, r.kind) {
			return r.answer
		}
	}
	return internalAnswer
}

// clock formats a time of day in the center's zone, as messages say it.
func (s *Server) clock(t time.Time) string { return t.In(s.loc).Format("15:04") }

// retryAfter is how many whole seconds a rate-limited caller waits: at least 1.
func retryAfter(err error) int {
	var rl *lookup.RateLimitError
	if errors.As(err, &rl) {
		return wholeSeconds(rl.RetryAfter)
	}
	return 1
}

// wholeSeconds rounds d up to whole seconds, at least 1: a Retry-After.
func wholeSeconds(d time.Duration) int { return max(int(math.Ceil(d.Seconds())), 1) }

// fail answers c with err as the contract's JSON and logs it: client errors
// at debug level, server errors at error level.
func (s *Server) fail(c *gin.Context, err error) {
	a := s.answerFor(err)
	level := slog.LevelDebug
	if a.status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(c.Request.Context(), level, "request failed", "method", c.Request.Method,
		"path", c.FullPath(), "status", a.status, "code", a.id.Code(), "err", err)
	body := gin.H{"code": a.id.Code(), "message": a.id.VI(a.vars...)}
	if a.extra != nil {
		a.extra(c, err, body)
	}
	c.AbortWithStatusJSON(a.status, gin.H{"error": body})
}

// panicked is the error of a handler that panicked.
func panicked(v any) error { return fmt.Errorf("server: panic in handler: %v", v) }
