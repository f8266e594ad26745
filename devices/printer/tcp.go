package printer

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// TCPOpts reach a network printer on its raw port.
type TCPOpts struct {
	Name string
	// Addr is host:port; a host alone gets port 9100.
	Addr string
	// ConnectTimeout bounds the dial (0: 3 s).
	ConnectTimeout time.Duration
	// WriteTimeout bounds each chunk written (0: 10 s).
	WriteTimeout  time.Duration
	StatusTimeout time.Duration
}

// TCP is a printer on raw TCP (port 9100, "JetDirect"). It connects when it
// first needs to and drops the connection after any error, to dial again on
// the next call: printers take one connection at a time and forget it when
// they restart.
type TCP struct {
	o      TCPOpts
	mu     sync.Mutex
	conn   net.Conn
	closed bool
}

// NewTCP returns a network printer; nothing is dialled yet.
func NewTCP(o TCPOpts) (*TCP, error) {
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		o.Addr = net.JoinHostPort(o.Addr, "9100")
		if _, _, err := net.SplitHostPort(o.Addr); err != nil {
			return nil, fmt.Errorf("printer %s: address %q: %w", o.Name, o.Addr, err)
		}
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 3 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.StatusTimeout <= 0 {
		o.StatusTimeout = DefaultStatusTimeout
	}
	return &TCP{o: o}, nil
}

func (t *TCP) dial(ctx context.Context) (net.Conn, error) {
	if t.closed {
		return nil, ErrClosed
	}
	if t.conn != nil {
		return t.conn, nil
	}
	d := net.Dialer{Timeout: t.o.ConnectTimeout}
	c, err := d.DialContext(ctx, "tcp", t.o.Addr)
	if err != nil {
		return nil, offline(t.o.Name, err)
	}
	t.conn = c
	return c, nil
}

func (t *TCP) drop() {
	if t.conn != nil {
		t.conn.Close()
		t.conn = nil
	}
}

// Print implements Printer.
func (t *TCP) Print(ctx context.Context, job Job) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, err := t.dial(ctx)
	if err != nil {
		return 0, err
	}
	n, err := writeChunks(ctx, t.o.Name, c, job.Data, DefaultChunk, func() error {
		return c.SetWriteDeadline(time.Now().Add(t.o.WriteTimeout))
	})
	if err != nil {
		t.drop()
		return n, err
	}
	// The deadline bounds this job's writes only: left in place it would
	// fail the next status query once the link had been idle for a while.
	if err := c.SetWriteDeadline(time.Time{}); err != nil {
		t.drop()
		return n, offline(t.o.Name, err)
	}
	return n, nil
}

// Status implements Printer.
func (t *TCP) Status(ctx context.Context) (Status, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, err := t.dial(ctx)
	if err != nil {
		return Status{State: StateOffline, Paper: PaperUnknown}, err
	}
	if err := c.SetWriteDeadline(time.Now().Add(t.o.WriteTimeout)); err != nil {
		t.drop()
		return Status{State: StateOffline, Paper: PaperUnknown}, offline(t.o.Name, err)
	}
	s, err := readStatus(ctx, t.o.Name, c, t.o.StatusTimeout)
	if err == nil {
		if derr := c.SetWriteDeadline(time.Time{}); derr != nil {
			err = offline(t.o.Name, derr)
		}
	}
	if err != nil {
		t.drop()
	}
	return s, err
}

// Confirm implements Confirmer.
func (t *TCP) Confirm(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, err := t.dial(ctx)
	if err != nil {
		return err
	}
	if err := c.SetWriteDeadline(time.Now().Add(t.o.WriteTimeout)); err != nil {
		t.drop()
		return offline(t.o.Name, err)
	}
	err = confirm(ctx, t.o.Name, c)
	if err == nil {
		if derr := c.SetWriteDeadline(time.Time{}); derr != nil {
			err = offline(t.o.Name, derr)
		}
	}
	if err != nil {
		t.drop()
	}
	return err
}

// Talk implements Talker.
func (t *TCP) Talk(ctx context.Context, f func(rw io.ReadWriter) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, err := t.dial(ctx)
	if err != nil {
		return err
	}
	if err := c.SetWriteDeadline(time.Now().Add(t.o.WriteTimeout)); err != nil {
		t.drop()
		return offline(t.o.Name, err)
	}
	err = f(c)
	if derr := c.SetWriteDeadline(time.Time{}); err == nil && derr != nil {
		err = offline(t.o.Name, derr)
	}
	if err != nil {
		t.drop()
	}
	return err
}

// Close implements Printer.
func (t *TCP) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	t.drop()
	return nil
}
