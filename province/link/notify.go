package link

import (
	"context"
	"encoding/json"
	"fmt"

	"motcua/province/wire"
)

// Notify hands the hub a message to send to a citizen, within ctx, and
// returns the hub's answer: Accepted once the hub stored it. It fails with
// ErrNotConnected at once while the link is down. Sending the same request
// again (a lost reply) is safe: the hub keeps one message per key.
func (l *Link) Notify(ctx context.Context, r wire.NotifyRequest) (wire.NotifyReply, error) {
	l.mu.Lock()
	nc, up := l.nc, l.connected
	l.mu.Unlock()
	if nc == nil || !up {
		return wire.NotifyReply{}, ErrNotConnected
	}
	b, err := json.Marshal(r)
	if err != nil {
		return wire.NotifyReply{}, fmt.Errorf("link: %w", err)
	}
	msg, err := nc.RequestWithContext(ctx, wire.NotifySubject(l.o.Center), b)
	if err != nil {
		return wire.NotifyReply{}, fmt.Errorf("link: message to the hub: %w", err)
	}
	var out wire.NotifyReply
	if err := json.Unmarshal(msg.Data, &out); err != nil {
		return wire.NotifyReply{}, fmt.Errorf("link: message to the hub: unreadable reply: %w", err)
	}
	return out, nil
}
