package server

import (
	"context"
	"errors"
	"strings"
	"time"

	"motcua/queue"
)

// HeldWait is how long the kiosk waits for the hub to say what a person
// holds at the province's other centers: past it, the center counts its
// own numbers alone and the citizen is not kept waiting on a broken link.
const HeldWait = 400 * time.Millisecond

// elsewhere is what person holds today at the province's other centers, as
// the hub says within HeldWait; nil without a hub, without caps, or when the
// hub does not answer (logged for operators, never the person's hash).
func (s *Server) elsewhere(ctx context.Context, person string) []queue.Elsewhere {
	caps := s.cfg.QueueCaps()
	if person == "" || s.held == nil || (caps.PerDay <= 0 && caps.PerField <= 0) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, HeldWait)
	defer cancel()
	held, err := s.held(ctx, person, s.engine.Day())
	switch {
	case err == nil:
		s.heldAsks.WithLabelValues("ok").Inc()
		return held
	case errors.Is(err, context.DeadlineExceeded):
		s.heldAsks.WithLabelValues("timeout").Inc()
		s.log.Warn("caps: the hub did not say in time what a person holds at other centers: request abandoned, the center's own count alone",
			"wait", HeldWait)
	default:
		s.heldAsks.WithLabelValues("unavailable").Inc()
		s.log.Warn("caps: the hub cannot say what a person holds at other centers: the center's own count alone", "err", err)
	}
	return nil
}

// heldWhere lists what a refused person holds and where, as a citizen
// reads it: "số A001 tại trung tâm này, số A012 tại Trung tâm X, số hẹn
// trực tuyến 14:00 tại Trung tâm Y".
func heldWhere(ce *queue.CapError, loc *time.Location) string {
	var parts []string
	for _, t := range ce.Held {
		parts = append(parts, "số "+t.Number+" tại trung tâm này")
	}
	for _, x := range ce.Elsewhere {
		if x.Number != "" {
			parts = append(parts, "số "+x.Number+" tại "+x.Center)
		} else {
			parts = append(parts, "số hẹn trực tuyến "+x.From.In(loc).Format("15:04")+" tại "+x.Center)
		}
	}
	return strings.Join(parts, ", ")
}

// elsewhereJSON is what a refused person holds elsewhere, for the kiosk.
func elsewhereJSON(held []queue.Elsewhere, loc *time.Location) []map[string]string {
	out := make([]map[string]string, len(held))
	for i, x := range held {
		m := map[string]string{"center": x.Center, "field": x.Field}
		if x.Number != "" {
			m["number"] = x.Number
		} else {
			m["from"] = x.From.In(loc).Format("15:04")
		}
		out[i] = m
	}
	return out
}
