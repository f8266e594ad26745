package printertest

import (
	"context"
	"slices"
	"sync"

	"motcua/devices/printer"
)

// Recorder is a printer.Printer that keeps every job it receives.
type Recorder struct {
	mu       sync.Mutex
	jobs     []printer.Job
	status   printer.Status
	failures []Failure
	confirm  error // what Confirm returns
	closed   bool
}

// Failure scripts the outcome of one Print call: Err returned after Written
// bytes (Written < 0 means all of them).
type Failure struct {
	Written int
	Err     error
}

// NewRecorder returns an online recorder with paper.
func NewRecorder() *Recorder {
	return &Recorder{status: printer.Status{State: printer.StateOnline, Paper: printer.PaperOK}}
}

// FailNext makes the next Print calls fail, one Failure each, in order.
func (r *Recorder) FailNext(f ...Failure) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, f...)
}

// SetStatus sets what Status reports.
func (r *Recorder) SetStatus(s printer.Status) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = s
}

// SetConfirm sets what Confirm returns (nil: every job confirmed).
func (r *Recorder) SetConfirm(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.confirm = err
}

// Confirm implements printer.Confirmer.
func (r *Recorder) Confirm(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return printer.ErrClosed
	}
	return r.confirm
}

// Jobs returns the jobs printed completely, in order.
func (r *Recorder) Jobs() []printer.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.jobs)
}

// Print implements printer.Printer.
func (r *Recorder) Print(ctx context.Context, job printer.Job) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, printer.ErrClosed
	}
	if len(r.failures) > 0 {
		f := r.failures[0]
		r.failures = r.failures[1:]
		n := f.Written
		if n < 0 || n > len(job.Data) {
			n = len(job.Data)
		}
		if n == len(job.Data) {
			r.jobs = append(r.jobs, clone(job))
		}
		return n, f.Err
	}
	if err := r.status.Err("recorder"); err != nil {
		return 0, err
	}
	r.jobs = append(r.jobs, clone(job))
	return len(job.Data), nil
}

func clone(j printer.Job) printer.Job {
	j.Data = slices.Clone(j.Data)
	j.Preview = slices.Clone(j.Preview)
	return j
}

// Status implements printer.Printer.
func (r *Recorder) Status(ctx context.Context) (printer.Status, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return printer.Status{}, printer.ErrClosed
	}
	return r.status, nil
}

// Close implements printer.Printer.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	return nil
}
