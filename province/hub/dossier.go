package hub

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nats-io/nats.go"

	"motcua/province/wire"
)

// DossierTimeout bounds the hub's lookup for a center, inside the center's
// own wait (the kiosk answers within 3 s).
const DossierTimeout = 2200 * time.Millisecond

// MaxDossierLookups bounds the lookups one hub process runs at once; more
// are answered at once that the hub is busy (the center tries its next
// source).
const MaxDossierLookups = 64

// refuseDossier answers a lookup the hub does not run.
func (h *Hub) refuseDossier(m *nats.Msg, why string) {
	if m.Reply == "" {
		return
	}
	if b, err := json.Marshal(wire.DossierReply{Error: why}); err == nil {
		m.Respond(b)
	}
}

// maxDossierCode bounds a code a center asks for.
const maxDossierCode = 64

func (h *Hub) onDossier(ctx context.Context, m *nats.Msg) {
	center := wire.CenterOf(m.Subject)
	if center == "" || m.Reply == "" {
		return
	}
	var req wire.DossierRequest
	var out wire.DossierReply
	switch {
	case !h.o.Known(center):
		out.Error = "center not enrolled at this hub"
	case h.o.Dossiers == nil:
		out.Error = "no dossier source configured at the hub"
	case json.Unmarshal(m.Data, &req) != nil || req.Code == "" || len(req.Code) > maxDossierCode:
		out.Error = "unreadable dossier request"
	default:
		lctx, cancel := context.WithTimeout(ctx, DossierTimeout)
		out = h.o.Dossiers(lctx, center, req.Code)
		cancel()
	}
	b, err := json.Marshal(out)
	if err == nil {
		err = m.Respond(b)
	}
	if err != nil {
		h.log.Warn("hub: dossier reply", "center", center, "err", err)
		return
	}
	h.count(func(s *Stats) { s.Dossiers++ })
}
