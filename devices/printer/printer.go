package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"motcua/devices/escpos"
)

// Job is what a printer receives: the bytes of one rendered job.
type Job struct {
	// ID is the spooler's job number; File names its output with it.
	ID int64
	// Kind is "ticket", "receipt" or "test".
	Kind string
	// Ref is the ticket number or dossier code.
	Ref string
	// Data is exactly what the printer receives.
	Data []byte
	// Preview is the PNG of what prints (optional; File writes it).
	Preview []byte
}

// Printer is a link to one printer.
type Printer interface {
	// Print sends job.Data. It returns how many bytes the link accepted:
	// n == len(job.Data) means every byte left for the printer, even when
	// err reports a failure after that (closing a socket, say), so the job
	// must not be sent again.
	Print(ctx context.Context, job Job) (n int, err error)
	// Status asks the printer for its state. It returns ErrNoStatus when the
	// link cannot carry an answer (a write-only device), and a *DeviceError
	// of KindOffline when the printer does not answer.
	Status(ctx context.Context) (Status, error)
	// Close releases the link; it is idempotent.
	Close() error
}

// Confirmer is a printer that can say when it has printed what it was sent.
type Confirmer interface {
	// Confirm returns once the printer has processed every byte sent before
	// the call: it asks GS r 1, which a printer answers in turn, behind the
	// data ahead of it (unlike DLE EOT, answered at once). It returns
	// ErrNoStatus when the link cannot carry an answer, and a *DeviceError of
	// KindOffline when none came before ctx ended.
	Confirm(ctx context.Context) error
}

// Talker is a printer whose link can carry a conversation of the caller's
// (motcua print-test --probe asks GS I): f runs with nothing else on the
// link, which bounds its reads (escpos.DeadlineReader or TimeoutReader);
// a link that cannot answer returns ErrNoStatus.
type Talker interface {
	Talk(ctx context.Context, f func(rw io.ReadWriter) error) error
}

// WireTimer is a printer whose link has a known speed (a serial port).
type WireTimer interface {
	// WireTime is how long n bytes take on the link.
	WireTime(n int) time.Duration
}

// Sentinel errors.
var (
	ErrClosed    = errors.New("printer: closed")
	ErrNoStatus  = errors.New("printer: this link cannot report status")
	ErrOffline   = errors.New("printer: offline")
	ErrPaperOut  = errors.New("printer: paper out")
	ErrCoverOpen = errors.New("printer: cover open")
	// ErrWriteTimeout is the cause of an offline error when the printer
	// stopped taking data: a write did not finish in time.
	ErrWriteTimeout = errors.New("printer: write timed out (the printer takes no data)")
)

// Kind classifies a device failure.
type Kind int

// Kinds of device failure.
const (
	KindOffline Kind = iota + 1
	KindPaperOut
	KindCoverOpen
)

func (k Kind) sentinel() error {
	switch k {
	case KindPaperOut:
		return ErrPaperOut
	case KindCoverOpen:
		return ErrCoverOpen
	}
	return ErrOffline
}

// String names the kind as the status JSON does.
func (k Kind) String() string {
	switch k {
	case KindPaperOut:
		return "paper_out"
	case KindCoverOpen:
		return "cover_open"
	case KindOffline:
		return "offline"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// DeviceError is a failure of a printer or of its link.
type DeviceError struct {
	Printer string
	Kind    Kind
	Err     error // the cause, may be nil
}

func (e *DeviceError) Error() string {
	msg := fmt.Sprintf("printer %s: %s", e.Printer, e.Kind.sentinel().Error()[len("printer: "):])
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *DeviceError) Unwrap() error { return e.Err }

// Is matches the sentinel of the error's kind.
func (e *DeviceError) Is(target error) bool { return target == e.Kind.sentinel() }

func offline(name string, err error) error {
	return &DeviceError{Printer: name, Kind: KindOffline, Err: err}
}

// State is whether the printer can print now.
type State string

// States of a printer.
const (
	StateOnline  State = "online"
	StateOffline State = "offline"
	StateUnknown State = "unknown"
)

// Paper is the state of the roll.
type Paper string

// Paper states.
const (
	PaperOK      Paper = "ok"
	PaperNearEnd Paper = "near_end"
	PaperOut     Paper = "out"
	PaperUnknown Paper = "unknown"
)

// Status is a printer's state as /healthz shows it:
// {"state":"online","paper":"ok"}.
type Status struct {
	State     State  `json:"state"`
	Paper     Paper  `json:"paper"`
	CoverOpen bool   `json:"cover_open,omitempty"`
	Error     string `json:"error,omitempty"`
}

// FromESCPOS turns DLE EOT answers into a Status.
func FromESCPOS(s escpos.Status) Status {
	st := Status{State: StateOnline, Paper: PaperOK, CoverOpen: s.CoverOpen}
	if s.PaperNearEnd {
		st.Paper = PaperNearEnd
	}
	if s.PaperEnd || s.PaperEndStop {
		st.Paper = PaperOut
	}
	if s.Offline || s.CoverOpen || st.Paper == PaperOut || s.Unrecoverable || s.AutocutterError {
		st.State = StateOffline
	}
	switch {
	case s.AutocutterError:
		st.Error = "autocutter"
	case s.Unrecoverable:
		st.Error = "unrecoverable"
	case s.AutoRecoverable:
		st.Error = "overheated"
	}
	return st
}

// Err returns the *DeviceError that keeps a printer in this state from
// printing, or nil when it can print.
func (s Status) Err(name string) error {
	switch {
	case s.CoverOpen:
		return &DeviceError{Printer: name, Kind: KindCoverOpen}
	case s.Paper == PaperOut:
		return &DeviceError{Printer: name, Kind: KindPaperOut}
	case s.State == StateOffline:
		var cause error
		if s.Error != "" {
			cause = errors.New(s.Error)
		}
		return &DeviceError{Printer: name, Kind: KindOffline, Err: cause}
	}
	return nil
}

// ctxErr is the context's error wrapped as offline, so a cancelled write
// is retried like any other interrupted one.
func ctxErr(name string, ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return offline(name, err)
	}
	return nil
}
