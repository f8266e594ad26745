package notifytest

import (
	"context"
	"fmt"
	"sync"

	"motcua/kiosk/notify"
)

// Channel is a scripted notify.Channel. Each Send takes the next answer of
// its script (an error, or nil for success); once the script is used up it
// succeeds. It records every delivery it was given.
type Channel struct {
	name string

	mu     sync.Mutex
	script []error
	got    []notify.Delivery
	hang   bool
	sent   chan notify.Delivery
}

// NewChannel returns a channel of the given name answering script.
func NewChannel(name string, script ...error) *Channel {
	return &Channel{name: name, script: script, sent: make(chan notify.Delivery, 1024)}
}

// Name implements notify.Channel.
func (c *Channel) Name() string { return c.name }

// Then appends answers to the script.
func (c *Channel) Then(answers ...error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.script = append(c.script, answers...)
}

// Hang makes the next sends wait for their context's end (a provider that
// never answers).
func (c *Channel) Hang(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hang = on
}

// Send implements notify.Channel.
func (c *Channel) Send(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	c.mu.Lock()
	c.got = append(c.got, d)
	hang := c.hang
	var err error
	if len(c.script) > 0 {
		err, c.script = c.script[0], c.script[1:]
	}
	n := len(c.got)
	c.mu.Unlock()
	if hang {
		<-ctx.Done()
		return notify.Receipt{}, &notify.SendError{Channel: c.name, Failure: notify.FailTemporary, Err: ctx.Err()}
	}
	if err != nil {
		return notify.Receipt{}, err
	}
	select {
	case c.sent <- d:
	default: // nobody reads Sent, and its buffer is full
	}
	return notify.Receipt{ProviderID: fmt.Sprintf("%s-%d", c.name, n)}, nil
}

// Got returns every delivery the channel was given, refused ones included.
func (c *Channel) Got() []notify.Delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]notify.Delivery(nil), c.got...)
}

// Sent waits for the next delivery the channel accepted, or ctx's end; it
// holds the last 1024 unread.
func (c *Channel) Sent(ctx context.Context) (notify.Delivery, error) {
	select {
	case d := <-c.sent:
		return d, nil
	case <-ctx.Done():
		return notify.Delivery{}, ctx.Err()
	}
}

// Refuse returns the SendError a channel named name gives for f.
func Refuse(name string, f notify.Failure, code string) error {
	return &notify.SendError{Channel: name, Failure: f, Code: code}
}
