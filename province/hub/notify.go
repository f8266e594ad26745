package hub

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nats-io/nats.go"

	"motcua/province/wire"
)

// NotifyTimeout bounds the hub's storing of a center's message, inside the
// center's own wait.
const NotifyTimeout = 4 * time.Second

// MaxNotifyTakes bounds the messages one hub process stores at once; more
// are answered that the hub is busy (the center tries again).
const MaxNotifyTakes = 64

// Bounds of a message a center hands over.
const (
	maxNotifyKey   = 200
	maxNotifyParam = 1000
	maxNotifyParms = 32
)

// checkNotify tells whether a center's message can be stored.
func checkNotify(r wire.NotifyRequest) bool {
	if r.Key == "" || len(r.Key) > maxNotifyKey || r.Kind == "" || len(r.Kind) > 40 ||
		(r.Phone == "" && r.Email == "") || len(r.Phone) > 20 || len(r.Email) > 254 || len(r.Params) > maxNotifyParms {
		return false
	}
	for k, v := range r.Params {
		if len(k) > 64 || len(v) > maxNotifyParam {
			return false
		}
	}
	return true
}

// respondNotify answers a center's message without storing it.
func (h *Hub) respondNotify(m *nats.Msg, r wire.NotifyReply) {
	if m.Reply == "" {
		return
	}
	if b, err := json.Marshal(r); err == nil {
		m.Respond(b)
	}
}

func (h *Hub) onNotify(ctx context.Context, m *nats.Msg) {
	center := wire.CenterOf(m.Subject)
	if center == "" || m.Reply == "" {
		return
	}
	var req wire.NotifyRequest
	var out wire.NotifyReply
	switch {
	case !h.o.Known(center):
		out.Error = "center not enrolled at this hub"
	case h.o.Notify == nil:
		out.Error = "no notify channel configured at the hub"
	case json.Unmarshal(m.Data, &req) != nil || !checkNotify(req):
		out.Error = "unreadable message"
	default:
		sctx, cancel := context.WithTimeout(ctx, NotifyTimeout)
		out = h.o.Notify(sctx, center, req)
		cancel()
	}
	b, err := json.Marshal(out)
	if err == nil {
		err = m.Respond(b)
	}
	if err != nil {
		h.log.Warn("hub: notify reply", "center", center, "key", req.Key, "err", err)
		return
	}
	if out.Accepted {
		h.count(func(s *Stats) { s.Messages++ })
	}
}
