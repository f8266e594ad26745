package printer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// FileOpts configure a file printer.
type FileOpts struct {
	Name string
	// Dir receives the jobs (the demo uses DATA/prints); it is created.
	Dir string
}

// File is a printer that writes each job as DIR/NNNNNN-KIND-REF.bin, exactly
// the bytes a real printer would receive, with the PNG preview beside it as
// DIR/NNNNNN-KIND-REF.png. NNNNNN is the job's ID on six digits. Files are
// written to a temporary name and renamed, so a reader never sees half a job.
type File struct {
	o      FileOpts
	mu     sync.Mutex
	closed bool
}

// NewFile creates o.Dir if needed.
func NewFile(o FileOpts) (*File, error) {
	if o.Dir == "" {
		return nil, fmt.Errorf("printer %s: file printer needs a directory", o.Name)
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("printer %s: %w", o.Name, err)
	}
	return &File{o: o}, nil
}

// FileBase returns the name without extension of a job's files:
// NNNNNN-KIND-REF, REF reduced to letters, digits, '.', '_' and '-'.
func FileBase(job Job) string {
	clean := func(s string) string {
		s = strings.Map(func(r rune) rune {
			switch {
			case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '.', r == '-', r == '_':
				return r
			}
			return '_'
		}, s)
		return strings.Trim(s, ".")
	}
	kind := clean(job.Kind)
	if kind == "" {
		kind = "job"
	}
	base := fmt.Sprintf("%06d-%s", job.ID, kind)
	if ref := clean(job.Ref); ref != "" {
		base += "-" + ref
	}
	return base
}

// Print implements Printer.
func (f *File) Print(ctx context.Context, job Job) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return 0, ErrClosed
	}
	if err := ctxErr(f.o.Name, ctx); err != nil {
		return 0, err
	}
	base := filepath.Join(f.o.Dir, FileBase(job))
	if job.Preview != nil {
		if err := writeAtomic(base+".png", job.Preview); err != nil {
			return 0, offline(f.o.Name, err)
		}
	}
	if err := writeAtomic(base+".bin", job.Data); err != nil {
		return 0, offline(f.o.Name, err)
	}
	return len(job.Data), nil
}

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Status implements Printer: a directory never runs out of paper.
func (f *File) Status(ctx context.Context) (Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return Status{}, ErrClosed
	}
	if _, err := os.Stat(f.o.Dir); err != nil {
		return Status{State: StateOffline, Paper: PaperUnknown}, offline(f.o.Name, err)
	}
	return Status{State: StateOnline, Paper: PaperOK}, nil
}

// Confirm implements Confirmer: a job written whole to its file is printed.
func (f *File) Confirm(ctx context.Context) error { return ctxErr(f.o.Name, ctx) }

// Close implements Printer.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}
