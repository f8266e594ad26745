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

// ask sends req to the hub on subject and reads its reply into a R,
// within ctx: what (for errors) names the request. It fails with
// ErrNotConnected at once while the link is down.
func ask[R any](ctx context.Context, l *Link, subject, what string, req any) (R, error) {
	var r R
	l.mu.Lock()
	nc, up := l.nc, l.connected
	l.mu.Unlock()
	if nc == nil || !up {
		return r, ErrNotConnected
	}
	b, err := json.Marshal(req)
	if err != nil {
		return r, fmt.Errorf("link: %w", err)
	}
	msg, err := nc.RequestWithContext(ctx, subject, b)
	if err != nil {
		return r, fmt.Errorf("link: %s: %w", what, err)
	}
	if err := json.Unmarshal(msg.Data, &r); err != nil {
		return r, fmt.Errorf("link: %s: unreadable reply: %w", what, err)
	}
	return r, nil
}

// Dossier asks the hub for the dossier with the normalised code, within
// ctx: the hub looks it up in the province's system for all its centers.
// It fails with ErrNotConnected at once while the link is down.
func (l *Link) Dossier(ctx context.Context, code string) (wire.DossierReply, error) {
	return ask[wire.DossierReply](ctx, l, wire.DossierSubject(l.o.Center), "dossier from the hub", wire.DossierRequest{Code: code})
}
