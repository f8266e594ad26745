package link

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"

	"motcua/province/wire"
)

// ErrNotConnected reports a request made while the link is down.
var ErrNotConnected = errors.New("link: not connected to the hub")

func (l *Link) setConn(nc *nats.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nc = nc
}

// Dossier asks the hub for the dossier with the normalised code, within
// ctx: the hub looks it up in the province's system for all its centers.
// It fails with ErrNotConnected at once while the link is down.
func (l *Link) Dossier(ctx context.Context, code string) (wire.DossierReply, error) {
	l.mu.Lock()
	nc, up := l.nc, l.connected
	l.mu.Unlock()
	if nc == nil || !up {
		return wire.DossierReply{}, ErrNotConnected
	}
	b, err := json.Marshal(wire.DossierRequest{Code: code})
	if err != nil {
		return wire.DossierReply{}, fmt.Errorf("link: %w", err)
	}
	msg, err := nc.RequestWithContext(ctx, wire.DossierSubject(l.o.Center), b)
	if err != nil {
		return wire.DossierReply{}, fmt.Errorf("link: dossier from the hub: %w", err)
	}
	var r wire.DossierReply
	if err := json.Unmarshal(msg.Data, &r); err != nil {
		return wire.DossierReply{}, fmt.Errorf("link: dossier from the hub: unreadable reply: %w", err)
	}
	return r, nil
}
