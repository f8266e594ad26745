package relay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"motcua/internal/clock"

	"motcua/kiosk/notify"
	"motcua/province/wire"
)

// Name is the channel's name in the center's notify.channels.
const Name = "hub"

// ErrNoLink is what Hub returns while the center has no link to its hub
// (the link stopped, or not started yet): the channel rests.
var ErrNoLink = errors.New("relay: no link to the hub")

// Hub is the center's side of the hub link (link.Link has this method).
type Hub interface {
	// Notify hands the hub a message and returns its answer; an error
	// when no answer came. It returns an error that Unreachable recognises
	// at once while the link is down.
	Notify(ctx context.Context, r wire.NotifyRequest) (wire.NotifyReply, error)
}

// Opts configure a Channel.
type Opts struct {
	// Hub is asked for each message; nil means no link (every send rests
	// the channel).
	Hub func() Hub
	// Unreachable tells an error of Hub.Notify that says the link is down
	// (link.ErrNotConnected) from one that came after the request left.
	Unreachable func(error) bool
	// LiveFor bounds a lobby message's life at the hub (taken, ahead,
	// called, no-show: notify.Kind.Live): the hub drops one it could not
	// send within LiveFor of its handing over, since the center cannot
	// withdraw a message the queue made moot once the hub has it. Default
	// DefaultLiveFor.
	LiveFor time.Duration
	Clock   clock.Clock // default clock.System
}

// DefaultLiveFor is Opts.LiveFor's default.
const DefaultLiveFor = 10 * time.Minute

// Channel sends through the hub.
type Channel struct {
	o     Opts
	clock clock.Clock
}

// New returns the channel.
func New(o Opts) (*Channel, error) {
	if o.Hub == nil || o.Unreachable == nil {
		return nil, errors.New("relay: Hub and Unreachable are required")
	}
	if o.LiveFor <= 0 {
		o.LiveFor = DefaultLiveFor
	}
	return &Channel{o: o, clock: clock.Or(o.Clock)}, nil
}

// Name implements notify.Channel.
func (c *Channel) Name() string { return Name }

func fail(f notify.Failure, err error) error {
	return &notify.SendError{Channel: Name, Failure: f, Err: err}
}

// Send implements notify.Channel.
func (c *Channel) Send(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	if d.Phone == "" && d.Email == "" {
		return notify.Receipt{}, fail(notify.FailRecipient, errors.New("no phone number or address"))
	}
	h := c.o.Hub()
	if h == nil {
		return notify.Receipt{}, fail(notify.FailUnreachable, ErrNoLink)
	}
	expires := d.Expires
	if d.Kind.Live() {
		if bound := c.clock.Now().Add(c.o.LiveFor); expires.IsZero() || bound.Before(expires) {
			expires = bound
		}
	}
	r, err := h.Notify(ctx, wire.NotifyRequest{Key: d.Key, Kind: string(d.Kind), Phone: d.Phone, Email: d.Email,
		Params: d.Params, Expires: expires})
	switch {
	case err != nil && c.o.Unreachable(err):
		return notify.Receipt{}, fail(notify.FailUnreachable, err)
	case err != nil:
		return notify.Receipt{}, fail(notify.FailTemporary, err)
	case r.Accepted:
		return notify.Receipt{ProviderID: "hub:" + r.ID}, nil
	case r.Retry:
		return notify.Receipt{}, fail(notify.FailTemporary, fmt.Errorf("the hub: %s", r.Error))
	}
	return notify.Receipt{}, fail(notify.FailChannel, fmt.Errorf("the hub refused: %s", r.Error))
}

var _ notify.Channel = (*Channel)(nil)
