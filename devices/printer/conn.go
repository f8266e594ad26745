package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"motcua/devices/escpos"
)

// DefaultChunk is how many bytes Conn writes at a time; between chunks it
// checks the context, so a stuck link can be abandoned.
const DefaultChunk = 1024

// DefaultStatusTimeout bounds each status answer.
const DefaultStatusTimeout = 500 * time.Millisecond

// DefaultWriteTimeout bounds the write of one chunk: a printer that takes
// none of it for so long has stopped taking data.
const DefaultWriteTimeout = 10 * time.Second

// ConnOpts configure a Conn.
type ConnOpts struct {
	// Name is the printer's name in the config ("kiosk1"), used in errors.
	Name string
	// StatusTimeout bounds each status answer (0: DefaultStatusTimeout).
	StatusTimeout time.Duration
	// Chunk is the write size (0: DefaultChunk).
	Chunk int
	// WriteTimeout bounds the write of each chunk (0: DefaultWriteTimeout);
	// the context of Print bounds the whole job.
	WriteTimeout time.Duration
	// Baud is the link's speed when it is a serial port (0: unknown), for
	// WireTime: 8N1, ten bits a byte.
	Baud int
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
	// stuck is set when a write that could not be interrupted was given
	// up: the link is unusable until it is closed and opened again.
	stuck bool
}

// writeDeadliner is a link whose writes take a deadline (*os.File on a
// pollable device such as usblp, a pipe).
type writeDeadliner interface {
	SetWriteDeadline(t time.Time) error
}

// outputFlusher is a link that can drop what waits in its output buffer
// (go.bug.st/serial.Port), which lets a write blocked by a printer that
// takes no data return.
type outputFlusher interface {
	ResetOutputBuffer() error
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
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
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
	if c.stuck {
		return 0, offline(c.o.Name, ErrWriteTimeout)
	}
	return writeChunks(ctx, c.o.Name, writerFunc(func(p []byte) (int, error) { return c.write(ctx, p) }), job.Data, c.o.Chunk, nil)
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// write writes p to the link within the chunk's write timeout and the
// context. A link that takes a write deadline gets one; another is written
// from a goroutine that is given up at the deadline, after dropping the
// link's output buffer where it can so that the write returns. Bytes of a
// write given up are not counted: what reached the printer is unknown.
// Caller holds c.mu.
func (c *Conn) write(ctx context.Context, p []byte) (int, error) {
	deadline := time.Now().Add(c.o.WriteTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if dw, ok := c.w.(writeDeadliner); ok && dw.SetWriteDeadline(deadline) == nil {
		n, err := c.w.Write(p)
		if cerr := dw.SetWriteDeadline(time.Time{}); err == nil && cerr != nil {
			err = cerr
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = timeoutCause(ctx)
		}
		return n, err
	}
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() { // ends when the write does: at the latest when the link is dropped or closed
		n, err := c.w.Write(p)
		done <- result{n, err}
	}()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case r := <-done:
		return r.n, r.err
	case <-ctx.Done():
	case <-timer.C:
	}
	if f, ok := c.w.(outputFlusher); ok && f.ResetOutputBuffer() == nil {
		select {
		case <-done:
			return 0, timeoutCause(ctx)
		case <-time.After(time.Second):
		}
	}
	c.stuck = true
	return 0, timeoutCause(ctx)
}

// timeoutCause is why a write was given up: the job's context, or the
// chunk's own timeout.
func timeoutCause(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrWriteTimeout, err)
	}
	return ErrWriteTimeout
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
	if c.stuck {
		return Status{State: StateOffline, Paper: PaperUnknown}, offline(c.o.Name, ErrWriteTimeout)
	}
	rw, ok := c.statusLink()
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

// Confirm implements Confirmer: GS r 1 is answered once the printer has
// processed what was sent before it.
func (c *Conn) Confirm(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if c.stuck {
		return offline(c.o.Name, ErrWriteTimeout)
	}
	rw, ok := c.statusLink()
	if !ok {
		return ErrNoStatus
	}
	return confirm(ctx, c.o.Name, rw)
}

// statusLink is where status queries go: the link, or the port under a
// flow-control gate.
func (c *Conn) statusLink() (io.ReadWriter, bool) {
	if g, ok := c.w.(interface{ statusLink() io.ReadWriter }); ok {
		return g.statusLink(), true
	}
	rw, ok := c.w.(io.ReadWriter)
	return rw, ok
}

// confirm asks GS r 1 on rw and waits for its answer until ctx ends.
func confirm(ctx context.Context, name string, rw io.ReadWriter) error {
	if err := ctxErr(name, ctx); err != nil {
		return err
	}
	wait := DefaultConfirmTimeout
	if d, ok := ctx.Deadline(); ok {
		wait = time.Until(d)
	}
	_, _, err := escpos.ReadPaper(rw, max(wait, time.Millisecond))
	switch {
	case errors.Is(err, escpos.ErrNoTimeout):
		return fmt.Errorf("%w: %w", ErrNoStatus, err)
	case err != nil:
		return offline(name, err)
	}
	return nil
}

// Talk implements Talker.
func (c *Conn) Talk(ctx context.Context, f func(rw io.ReadWriter) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if c.stuck {
		return offline(c.o.Name, ErrWriteTimeout)
	}
	rw, ok := c.statusLink()
	if !ok {
		return ErrNoStatus
	}
	if err := ctxErr(c.o.Name, ctx); err != nil {
		return err
	}
	return f(rw)
}

// DefaultConfirmTimeout bounds Confirm when its context sets no deadline.
const DefaultConfirmTimeout = 30 * time.Second

// WireTime implements WireTimer when the link's baud is known; 0 otherwise.
func (c *Conn) WireTime(n int) time.Duration {
	if c.o.Baud <= 0 {
		return 0
	}
	return time.Duration(n) * 10 * time.Second / time.Duration(c.o.Baud)
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
