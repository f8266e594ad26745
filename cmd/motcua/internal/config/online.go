package config

import "time"

// Online is how the center takes online numbers (issue 14): bookings made
// at the province hub, whose QR code the kiosk's scanner or the counter
// checks in. Their signature is checked with the hub's key, which the
// center receives from its hub and keeps (a center without a hub takes no
// online numbers).
type Online struct {
	// Grace is how long after its window ends a booking may still be
	// checked in; default DefaultGrace, at most MaxGrace.
	Grace time.Duration `yaml:"grace"`
}

// The bounds of Online.Grace.
const (
	DefaultGrace = 15 * time.Minute
	MaxGrace     = 4 * time.Hour
)

func (c *Config) checkOnline() []*Error {
	o := &c.Online
	switch {
	case o.Grace == 0:
		o.Grace = DefaultGrace
	case o.Grace < time.Minute || o.Grace > MaxGrace:
		return []*Error{c.fail("online.grace", "give 1m to %s (how long after its window a booking is still checked in), or leave it out for %s", MaxGrace, DefaultGrace)}
	}
	return nil
}
