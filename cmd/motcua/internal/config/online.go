package config

import (
	"fmt"
	"sort"
	"time"
)

// Online is how the center takes online numbers (issue 14): bookings made
// at the province hub, whose QR code the kiosk's scanner or the counter
// checks in. Their signature is checked with the hub's key, which the
// center receives from its hub and keeps (a center without a hub takes no
// online numbers). The hub reads DaysAhead, Window and Quota from the
// configuration it publishes for the center.
type Online struct {
	// Grace is how long after its window ends a booking may still be
	// checked in; default DefaultGrace, at most MaxGrace.
	Grace time.Duration `yaml:"grace"`
	// Quota is, per field code, how many online numbers a day the hub
	// gives; a field not listed takes none online.
	Quota map[string]int `yaml:"quota"`
	// DaysAhead: today and this many days after it may be booked (default
	// DefaultDaysAhead, at most MaxDaysAhead).
	DaysAhead int `yaml:"days_ahead"`
	// Window is the length of the time windows cut from each field's
	// opening hours (default DefaultWindow, 10m to 2h).
	Window time.Duration `yaml:"window"`
}

// The bounds of Online.
const (
	DefaultGrace     = 15 * time.Minute
	MaxGrace         = 4 * time.Hour
	DefaultDaysAhead = 2
	MaxDaysAhead     = 14
	DefaultWindow    = 30 * time.Minute
)

func (c *Config) checkOnline() []*Error {
	o := &c.Online
	var errs []*Error
	switch {
	case o.Grace == 0:
		o.Grace = DefaultGrace
	case o.Grace < time.Minute || o.Grace > MaxGrace:
		errs = append(errs, c.fail("online.grace", "give 1m to %s (how long after its window a booking is still checked in), or leave it out for %s", MaxGrace, DefaultGrace))
	}
	switch {
	case o.DaysAhead == 0:
		o.DaysAhead = DefaultDaysAhead
	case o.DaysAhead < 0 || o.DaysAhead > MaxDaysAhead:
		errs = append(errs, c.fail("online.days_ahead", "give 1 to %d (the days after today that may be booked)", MaxDaysAhead))
	}
	switch {
	case o.Window == 0:
		o.Window = DefaultWindow
	case o.Window < 10*time.Minute || o.Window > 2*time.Hour || o.Window%time.Minute != 0:
		errs = append(errs, c.fail("online.window", "give whole minutes from 10m to 2h (the length of a booking's time window)"))
	}
	codes := make([]string, 0, len(o.Quota))
	for code := range o.Quota {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		key := fmt.Sprintf("online.quota.%s", code)
		f := c.field(code)
		switch {
		case f == nil:
			errs = append(errs, c.fail(key, "no field %q", code))
		case o.Quota[code] < 0:
			errs = append(errs, c.fail(key, "give the online numbers a day, 0 or more"))
		case o.Quota[code] > 0 && len(f.Hours) == 0:
			errs = append(errs, c.fail(key, "field %s has no hours: online windows are cut from a field's hours", code))
		}
	}
	return errs
}

// field is the field with code, nil when there is none.
func (c *Config) field(code string) *Field {
	for i := range c.Fields {
		if c.Fields[i].Code == code {
			return &c.Fields[i]
		}
	}
	return nil
}

// ParsePublished reads a configuration the hub published for a center,
// checked as CheckPublished does: what the hub's booking page offers.
func ParsePublished(data []byte) (*Config, error) { return published(data, nil) }
