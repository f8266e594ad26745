package server

import (
	"errors"
	"net/http"

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

// checkPriority refuses a priority number (priority or category) that the
// center's staff must confirm and did not. pin is compared in constant time
// and never logged.
func (s *Server) checkPriority(priority bool, category, pin string) error {
	if (!priority && category == "") || !s.cfg.StaffChecks() {
		return nil
	}
	if !s.cfg.StaffPINMatches(pin) {
		return errPriorityCheck
	}
	return nil
}

// priorityRules answer what checkPriority and the engine's categories refuse.
func (s *Server) priorityRules() []rule {
	return []rule{
		{kind: errPriorityCheck, answer: answer{status: http.StatusForbidden, id: msg.PriorityCheck}},
		{kind: queue.ErrUnknownCategory, answer: answer{status: http.StatusUnprocessableEntity, id: msg.UnknownCategory}},
	}
}

// categoryName is the name of a priority category, "" for none.
func (s *Server) categoryName(code string) string {
	if code == "" || s.cfg == nil {
		return ""
	}
	return s.cfg.CategoryName(code)
}
