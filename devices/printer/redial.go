package printer

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

// Redial is a printer opened on demand: after a link failure it closes the
// link and opens it again on the next call, so a USB-serial adapter or USB
// printer unplugged and plugged back (its device node gone, then back) is
// picked up without a restart.
type Redial struct {
	name   string
	open   func() (Printer, error)
	mu     sync.Mutex
	p      Printer
	closed bool
}

// NewRedial returns a printer that calls open when it needs a link.
func NewRedial(name string, open func() (Printer, error)) *Redial {
	return &Redial{name: name, open: open}
}

func (r *Redial) get() (Printer, error) {
	if r.closed {
		return nil, ErrClosed
	}
	if r.p == nil {
		p, err := r.open()
		if err != nil {
			var de *DeviceError
			if !errors.As(err, &de) {
				err = offline(r.name, err)
			}
			return nil, err
		}
		r.p = p
	}
	return r.p, nil
}

// dropOnOffline closes the link after a failure of the link itself.
func (r *Redial) dropOnOffline(err error) {
	if errors.Is(err, ErrOffline) && r.p != nil {
		r.p.Close()
		r.p = nil
	}
}

// Print implements Printer.
func (r *Redial) Print(ctx context.Context, job Job) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.get()
	if err != nil {
		return 0, err
	}
	n, err := p.Print(ctx, job)
	r.dropOnOffline(err)
	return n, err
}

// Status implements Printer.
func (r *Redial) Status(ctx context.Context) (Status, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.get()
	if err != nil {
		return Status{State: StateOffline, Paper: PaperUnknown}, err
	}
	s, err := p.Status(ctx)
	r.dropOnOffline(err)
	return s, err
}

// Confirm implements Confirmer when the printer it opens does; otherwise
// it returns ErrNoStatus.
func (r *Redial) Confirm(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.get()
	if err != nil {
		return err
	}
	c, ok := p.(Confirmer)
	if !ok {
		return ErrNoStatus
	}
	err = c.Confirm(ctx)
	r.dropOnOffline(err)
	return err
}

// Talk implements Talker when the printer it opens does; otherwise it
// returns ErrNoStatus.
func (r *Redial) Talk(ctx context.Context, f func(rw io.ReadWriter) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.get()
	if err != nil {
		return err
	}
	t, ok := p.(Talker)
	if !ok {
		return ErrNoStatus
	}
	err = t.Talk(ctx, f)
	r.dropOnOffline(err)
	return err
}

// WireTime implements WireTimer when the printer it has open does.
func (r *Redial) WireTime(n int) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w, ok := r.p.(WireTimer); ok {
		return w.WireTime(n)
	}
	return 0
}

// Close implements Printer.
func (r *Redial) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if r.p != nil {
		err := r.p.Close()
		r.p = nil
		return err
	}
	return nil
}
