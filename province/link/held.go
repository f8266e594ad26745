package link

import (
	"context"
	"errors"
	"fmt"

	"motcua/province/wire"
)

// Held asks the hub what person (the keyed hash of an ID number) holds on
// day at the province's other centers, within ctx. It fails with
// ErrNotConnected at once while the link is down, and with the hub's
// Error when the hub could not tell.
func (l *Link) Held(ctx context.Context, person, day string) ([]wire.HeldNumber, error) {
	r, err := ask[wire.HeldReply](ctx, l, wire.HeldSubject(l.o.Center), "held numbers from the hub", wire.HeldRequest{Person: person, Day: day})
	if err != nil {
		return nil, err
	}
	if r.Error != "" {
		return nil, fmt.Errorf("link: held numbers from the hub: %w", errors.New(r.Error))
	}
	return r.Held, nil
}
