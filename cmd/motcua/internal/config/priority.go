package config

import (
	"crypto/subtle"
	"fmt"
	"regexp"
	"strings"

	"motcua/queue"
)

// Priority configures the priority categories of a center (issue 14): who
// is served first, and whether a staff member confirms it at the kiosk.
type Priority struct {
	// Categories are the kinds of priority the kiosk offers, each shown by
	// name on every screen (kiosk, console, lobby). None: the kiosk's one
	// "Ưu tiên" button, as before.
	Categories []PriorityCategory `yaml:"categories"`
	// Check is none (default) or staff: a priority number is issued only
	// when a staff member of the lobby types the StaffPIN on the kiosk.
	Check string `yaml:"check"`
	// StaffPIN is the lobby staff's code for check: staff, 6 to 12 digits.
	StaffPIN string `yaml:"staff_pin"`
}

// PriorityCategory is one priority category.
type PriorityCategory struct {
	Code string `yaml:"code"` // "elderly": kept with the ticket, for reports
	Name string `yaml:"name"` // "Người cao tuổi"
}

// The checks of a priority number.
const (
	CheckNone  = "none"
	CheckStaff = "staff"
)

var (
	categoryCode = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	staffPIN     = regexp.MustCompile(`^[0-9]{6,12}$`)
)

// publishedPINs are the staff PINs motcua's own files publish.
var publishedPINs = []string{"246810"}

// QueueCategories are the priority categories for the engine.
func (c *Config) QueueCategories() []queue.Category {
	out := make([]queue.Category, 0, len(c.Priority.Categories))
	for _, pc := range c.Priority.Categories {
		out = append(out, queue.Category{Code: pc.Code, Name: pc.Name})
	}
	return out
}

// CategoryName is the name of the category code, "" for none.
func (c *Config) CategoryName(code string) string {
	for _, pc := range c.Priority.Categories {
		if pc.Code == code {
			return pc.Name
		}
	}
	return ""
}

// CategoryNames maps each category's code to its name.
func (c *Config) CategoryNames() map[string]string {
	out := map[string]string{}
	for _, pc := range c.Priority.Categories {
		out[pc.Code] = pc.Name
	}
	return out
}

// StaffChecks reports whether a priority number needs the staff's PIN.
func (c *Config) StaffChecks() bool { return c.Priority.Check == CheckStaff }

// StaffPINMatches compares pin with the configured staff PIN in constant
// time; with no check configured it matches nothing.
func (c *Config) StaffPINMatches(pin string) bool { return tokenEqual(c.Priority.StaffPIN, pin) }

func (c *Config) checkPriority() []*Error {
	var errs []*Error
	p := &c.Priority
	seen := map[string]bool{}
	for i, pc := range p.Categories {
		key := fmt.Sprintf("priority.categories[%d]", i)
		switch {
		case !categoryCode.MatchString(pc.Code):
			errs = append(errs, c.fail(key+".code", "%q: a code is lower-case letters, digits and _ (elderly, disabled)", pc.Code))
		case seen[pc.Code]:
			errs = append(errs, c.fail(key+".code", "category %s is listed twice", pc.Code))
		}
		seen[pc.Code] = true
		if strings.TrimSpace(pc.Name) == "" {
			errs = append(errs, c.fail(key+".name", "category %s needs the name screens show (Người cao tuổi)", pc.Code))
		}
	}
	if p.Check == "" {
		p.Check = CheckNone
	}
	switch p.Check {
	case CheckNone:
		if p.StaffPIN != "" {
			errs = append(errs, c.fail("priority.staff_pin", "a staff PIN without check: staff is never asked: remove it or set check: staff"))
		}
	case CheckStaff:
		if !staffPIN.MatchString(p.StaffPIN) {
			errs = append(errs, c.fail("priority.staff_pin", "check: staff needs the lobby staff's PIN, 6 to 12 digits"))
		}
	default:
		errs = append(errs, c.fail("priority.check", "%q: use none or staff", p.Check))
	}
	return errs
}

// unsafePriority is what Unsafe refuses of the priority section.
func (c *Config) unsafePriority() []*Error {
	for _, pin := range publishedPINs {
		if subtle.ConstantTimeCompare([]byte(pin), []byte(c.Priority.StaffPIN)) == 1 {
			return []*Error{c.fail("priority.staff_pin", "this PIN is published in motcua's own files (the demo): choose the lobby staff's own")}
		}
	}
	return nil
}
