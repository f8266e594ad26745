package config

import (
	"time"

	"motcua/kiosk/dossier/upstream"
)

// Ratings configures what happens to the citizens' ratings besides the
// reports: a push of each one to the main one-stop system.
type Ratings struct {
	// Push is the adapter the ratings are sent through, configured like
	// dossiers.upstream (request, auth, mapping's error_field/ok_values);
	// request.body is the JSON object of one rating with placeholders
	// (docs/ratings.md). Nil: ratings are not pushed.
	Push *upstream.Opts `yaml:"push"`
	// PushEvery is the pause between rounds of pushes; default 30 s.
	PushEvery time.Duration `yaml:"push_every"`
}

func (c *Config) checkRatings() []*Error {
	r := &c.Ratings
	var errs []*Error
	if r.PushEvery < 0 {
		errs = append(errs, c.fail("ratings.push_every", "cannot be negative"))
	}
	if r.Push == nil {
		return errs
	}
	if r.Push.Request.URL == "" {
		errs = append(errs, c.fail("ratings.push.request.url", "the main system's address for ratings is required"))
	}
	if len(r.Push.Request.Body) == 0 {
		errs = append(errs, c.fail("ratings.push.request.body", "the JSON object of a rating is required (docs/ratings.md)"))
	}
	errs = append(errs, c.readUpstreamSecrets("ratings.push", r.Push)...)
	if len(errs) == 0 && !c.atHub { // at the hub the secrets in files are not read
		if _, err := upstream.NewSender(*r.Push); err != nil {
			errs = append(errs, c.fail("ratings.push", "%v", err))
		}
	}
	return errs
}
