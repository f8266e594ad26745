package link

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"motcua/province/wire"
)

// Held asks the hub what person (the keyed hash of an ID number) holds on
// day at the province's other centers, within ctx. It fails with
// ErrNotConnected at once while the link is down, and with the hub's
// Error when the hub could not tell.
func (l *Link) Held(ctx context.Context, person, day string) ([]wire.HeldNumber, error) {
	l.mu.Lock()
	nc, up := l.nc, l.connected
	l.mu.Unlock()
	if nc == nil || !up {
		return nil, ErrNotConnected
	}
	b, err := json.Marshal(wire.HeldRequest{Person: person, Day: day})
	if err != nil {
		return nil, fmt.Errorf("link: %w", err)
	}
	msg, err := nc.RequestWithContext(ctx, wire.HeldSubject(l.o.Center), b)
	if err != nil {
		return nil, fmt.Errorf("link: held numbers from the hub: %w", err)
	}
	var r wire.HeldReply
	if err := json.Unmarshal(msg.Data, &r); err != nil {
		return nil, fmt.Errorf("link: held numbers from the hub: unreadable reply: %w", err)
	}
	if r.Error != "" {
		return nil, fmt.Errorf("link: held numbers from the hub: %w", errors.New(r.Error))
	}
	return r.Held, nil
}
