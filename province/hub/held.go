package hub

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nats-io/nats.go"

	"motcua/province/wire"
)

// HeldTimeout bounds the hub's reading of what a person holds, inside the
// center's own wait (the kiosk waits for it a few hundred milliseconds,
// then counts the center's own numbers alone).
const HeldTimeout = 300 * time.Millisecond

// MaxHeldLookups bounds the lookups one hub process runs at once; more are
// answered at once that the hub is busy (the center counts its own).
const MaxHeldLookups = 64

// maxHeldPerson bounds a person's hash a center sends (64 hex digits).
const maxHeldPerson = 128

// respondHeld answers a center's question about a person.
func (h *Hub) respondHeld(m *nats.Msg, r wire.HeldReply) {
	if m.Reply == "" {
		return
	}
	if b, err := json.Marshal(r); err == nil {
		m.Respond(b)
	}
}

func (h *Hub) onHeld(ctx context.Context, m *nats.Msg) {
	center := wire.CenterOf(m.Subject)
	if center == "" || m.Reply == "" {
		return
	}
	var req wire.HeldRequest
	var out wire.HeldReply
	switch {
	case !h.o.Known(center):
		out.Error = "center not enrolled at this hub"
	case h.o.Held == nil:
		out.Error = "the hub keeps no numbers of persons"
	case json.Unmarshal(m.Data, &req) != nil || req.Person == "" || len(req.Person) > maxHeldPerson || !isDay(req.Day):
		out.Error = "unreadable held request"
	default:
		lctx, cancel := context.WithTimeout(ctx, HeldTimeout)
		held, err := h.o.Held(lctx, center, req.Person, req.Day)
		cancel()
		if err != nil {
			h.log.Warn("hub: a person's numbers at the other centers not read", "center", center, "err", err)
			out.Error = "the hub cannot read its store now"
		} else {
			out.Held = held
		}
	}
	h.respondHeld(m, out)
	h.count(func(s *Stats) { s.Held++ })
}

// isDay tells whether s is a day, "2006-01-02".
func isDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}
