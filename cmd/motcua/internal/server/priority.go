package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/internal/msg"
	"motcua/queue"
)

// errPriorityCheck: a priority number at a center whose lobby staff
// confirm each, without their PIN (or with a wrong one).
var errPriorityCheck = errors.New("server: priority number without the staff's check")

// priorityJSON tells the kiosk the center's priority categories and
// whether a staff member confirms a priority number.
type priorityJSON struct {
	Categories []categoryJSON `json:"categories"`
	// StaffCheck: the kiosk asks for the lobby staff's PIN.
	StaffCheck bool `json:"staff_check"`
}

type categoryJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func (s *Server) priorityJSON() priorityJSON {
	out := priorityJSON{Categories: []categoryJSON{}, StaffCheck: s.cfg.StaffChecks()}
	for _, c := range s.cfg.Priority.Categories {
		out.Categories = append(out.Categories, categoryJSON{Code: c.Code, Name: c.Name})
	}
	return out
}

// pinThrottledError: the kiosk's staff PIN failed too often; it may be
// tried again after wait.
type pinThrottledError struct{ wait time.Duration }

func (e *pinThrottledError) Error() string {
	return fmt.Sprintf("server: staff PIN failed too often at the kiosk, retry in %v", e.wait)
}

// checkPriority refuses a priority number (priority or category) that the
// center's staff must confirm and did not. pin is compared in constant time
// and never logged; a kiosk whose PINs fail too often waits like a login
// that fails (session.Throttle: 5 free failures, then a doubling wait).
func (s *Server) checkPriority(kiosk string, priority bool, category, pin string) error {
	if (!priority && category == "") || !s.cfg.StaffChecks() {
		return nil
	}
	key := "pin:" + kiosk
	if wait := s.throttle.Wait(key); wait > 0 {
		return &pinThrottledError{wait: wait}
	}
	if !s.cfg.StaffPINMatches(pin) {
		s.throttle.Fail(key)
		return errPriorityCheck
	}
	s.throttle.Reset(key)
	return nil
}

// priorityRules answer what checkPriority and the engine's categories refuse.
func (s *Server) priorityRules() []rule {
	return []rule{
		{kind: errPriorityCheck, answer: answer{status: http.StatusForbidden, id: msg.PriorityCheck}},
		{kind: queue.ErrUnknownCategory, answer: answer{status: http.StatusUnprocessableEntity, id: msg.UnknownCategory}},
		{match: func(err error) (answer, bool) {
			var pt *pinThrottledError
			if !errors.As(err, &pt) {
				return answer{}, false
			}
			return answer{status: http.StatusTooManyRequests, id: msg.PriorityCheckThrottled, vars: []string{"wait", msg.Delay(pt.wait).VI},
				extra: func(c *gin.Context, _ error, body gin.H) {
					c.Header("Retry-After", strconv.Itoa(seconds(pt.wait)))
					body["retry_after_s"] = seconds(pt.wait)
				}}, true
		}},
	}
}

// categoryName is the name of a priority category, "" for none.
func (s *Server) categoryName(code string) string {
	if code == "" || s.cfg == nil {
		return ""
	}
	return s.cfg.CategoryName(code)
}
