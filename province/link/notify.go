package link

import (
	"context"

	"motcua/province/wire"
)

// Notify hands the hub a message to send to a citizen, within ctx, and
// returns the hub's answer: Accepted once the hub stored it. It fails with
// ErrNotConnected at once while the link is down. Sending the same request
// again (a lost reply) is safe: the hub keeps one message per key.
func (l *Link) Notify(ctx context.Context, r wire.NotifyRequest) (wire.NotifyReply, error) {
	return ask[wire.NotifyReply](ctx, l, wire.NotifySubject(l.o.Center), "message to the hub", r)
}
