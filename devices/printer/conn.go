package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"motcua/devices/escpos"
)

// DefaultChunk is how many bytes Conn writes at a time; between chunks it
// checks the context, so a stuck link can be abandoned.
const DefaultChunk = 1024

// DefaultStatusTimeout bounds each status answer.
const DefaultStatusTimeout = 500 * time.Millisecond

// ConnOpts configure a Conn.
type ConnOpts struct {
	// Name is the printer's name in the config ("kiosk1"), used in errors.
	Name string
	// StatusTimeout bounds each status answer (0: DefaultStatusTimeout).
	StatusTimeout time.Duration
	// Chunk is the write size (0: DefaultChunk).
	Chunk int
}

// Conn is a printer on a byte link: a serial port, a USB printer device,
// a pipe in tests. If the link is an io.ReadWriter whose reads can time out
// (escpos.DeadlineReader or escpos.TimeoutReader), Status asks DLE EOT.
type Conn struct {
	o      ConnOpts
	mu     sync.Mutex
	w      io.Writer
	closer io.Closer
	closed bool
}

// NewConn returns a printer writing to w; if w is also an io.Closer, Close
// closes it.
func NewConn(w io.Writer, o ConnOpts) *Conn {
	if o.StatusTimeout <= 0 {
		o.StatusTimeout = DefaultStatusTimeout
	}
	if o.Chunk <= 0 {
		o.Chunk = DefaultChunk
	}
	c := &Conn{o: o, w: w}
	c.closer, _ = w.(io.Closer)
	return c
}

// Print implements Printer.
func (c *Conn) Print(ctx context.Context, job Job) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, ErrClosed
	}
	return writeChunks(ctx, c.o.Name, c.w, job.Data, c.o.Chunk, nil)
}

// writeChunks writes data in chunks, calling before (if set) ahead of each.
func writeChunks(ctx context.Context, name string, w io.Writer, data []byte, chunk int, before func() error) (int, error) {
	n := 0
	for n < len(data) {
		if err := ctxErr(name, ctx); err != nil {
			return n, err
		}
		if before != nil {
			if err := before(); err != nil {
				return n, offline(name, err)
			}
		}
		start, end := n, min(n+chunk, len(data))
		k, err := w.Write(data[start:end])
		n = start + max(k, 0)
		if err != nil {
			return n, offline(name, err)
		}
		if k < end-start {
			return n, offline(name, io.ErrShortWrite)
		}
	}
	return n, nil
}

// Status implements Printer.
func (c *Conn) Status(ctx context.Context) (Status, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return Status{}, ErrClosed
	}
	rw, ok := c.w.(io.ReadWriter)
	if !ok {
		return Status{}, ErrNoStatus
	}
	return readStatus(ctx, c.o.Name, rw, c.o.StatusTimeout)
}

func readStatus(ctx context.Context, name string, rw io.ReadWriter, timeout time.Duration) (Status, error) {
	if err := ctxErr(name, ctx); err != nil {
		return Status{}, err
	}
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	s, err := escpos.ReadStatus(rw, max(timeout, time.Millisecond))
	if errors.Is(err, escpos.ErrNoTimeout) {
		return Status{}, fmt.Errorf("%w: %w", ErrNoStatus, err)
	}
	if err != nil {
		return Status{State: StateOffline, Paper: PaperUnknown}, offline(name, err)
	}
	return FromESCPOS(s), nil
}

// Close implements Printer.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	if c.closer != nil {
		if err := c.closer.Close(); err != nil {
			return fmt.Errorf("printer %s: close: %w", c.o.Name, err)
		}
	}
	return nil
}
