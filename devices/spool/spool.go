package spool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"motcua/devices/escpos"
	"motcua/devices/printer"
	"motcua/internal/clock"
)

// Event is a change of a job's state.
type Event struct {
	JobID    int64
	Printer  string
	Kind     string // "ticket", "receipt", "test"
	Ref      string // ticket id or number, dossier code
	Owner    string // as submitted: what the job prints for
	State    State  // Queued, Printing, Printed, Sent or Failed
	Attempts int
	Err      string // why it is queued again or failed
	At       time.Time
}

// Opts configure a Spooler.
type Opts struct {
	// Store keeps the jobs (required): NewSQLStore(ctx, db).
	Store Store
	// Printers by name, as in the config; the Spooler closes them.
	Printers map[string]printer.Printer
	// Clock times the jobs, the backoff and the status polls; default
	// clock.System.
	Clock clock.Clock
	// MaxAttempts: a job fails after this many attempts (0: DefaultOpts).
	MaxAttempts int
	// MaxAge: a job older than this fails instead of printing late.
	MaxAge time.Duration
	// MaxAgeByKind overrides MaxAge for a kind of job: a queue ticket is
	// worth printing only while the citizen stands at the kiosk.
	MaxAgeByKind map[string]time.Duration
	// MinBackoff and MaxBackoff bound the wait between attempts.
	MinBackoff, MaxBackoff time.Duration
	// StatusInterval is how often an idle printer is asked its status;
	// negative disables polling.
	StatusInterval time.Duration
	// JobTimeout bounds sending one job; Close lets a job being sent finish
	// within it. A printer on a slow link (printer.WireTimer) gets at
	// least twice the job's wire time and half a minute more, so a long
	// receipt at 9600 baud is never cut off and sent again.
	JobTimeout time.Duration
	// StatusModes says per printer how its status is used (missing:
	// StatusAuto).
	StatusModes map[string]StatusMode
	// KeepJobData is how long a printed or failed job keeps its bytes and
	// preview (a receipt's carry a citizen's name, address and phone); after
	// that Prune empties them and the row stays (printer, kind, ref, owner,
	// state, attempts, error, times) for reports. 0 keeps them forever;
	// DefaultOpts keeps them 7 days. Needs a Store that is a Pruner.
	KeepJobData time.Duration
	// PruneEvery is how often the spooler prunes (0: DefaultOpts).
	PruneEvery time.Duration
	// OnEvent receives job state changes; OnStatus printer status changes.
	OnEvent  func(Event)
	OnStatus func(printer string, s printer.Status)
	Logger   *slog.Logger
}

// StatusMode is how the spooler uses a printer's status.
type StatusMode string

// Status modes.
const (
	// StatusAuto asks the status before each job and confirms each job
	// after it; a printer that has never answered since the start (a
	// 2-wire serial cable, a one-way USB link, many cheap printers) is
	// printed on anyway, its jobs Sent rather than Printed, and asked
	// again only when idle.
	StatusAuto StatusMode = "auto"
	// StatusAlways prints only on a printer that answers: one that does not
	// is offline.
	StatusAlways StatusMode = "always"
	// StatusNever never asks: every job is Sent.
	StatusNever StatusMode = "never"
)

// partialMark starts the last error of a job cut off after some of its
// bytes: it is printed again from the top once, said so, and fails if it
// is cut off again.
const partialMark = "partly printed:"

// DefaultOpts holds the defaults of the zero fields of Opts.
var DefaultOpts = Opts{
	MaxAttempts:    20,
	MaxAge:         30 * time.Minute,
	MinBackoff:     time.Second,
	MaxBackoff:     30 * time.Second,
	StatusInterval: 15 * time.Second,
	JobTimeout:     2 * time.Minute,
	KeepJobData:    7 * 24 * time.Hour,
	PruneEvery:     time.Hour,
}

// Submission is a job to print.
type Submission struct {
	Printer string
	Kind    string
	Ref     string
	Owner   string // opaque to the spooler, handed back in its events (a ticket's id)
	Data    []byte
	Preview []byte // PNG, optional
}

// Sentinel errors of Submit.
var (
	ErrUnknownPrinter = errors.New("spool: unknown printer")
	ErrClosed         = errors.New("spool: closed")
)

// Spooler sends stored jobs to printers.
type Spooler struct {
	o      Opts
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   map[string]chan struct{}

	mu       sync.Mutex
	closed   bool
	statuses map[string]printer.Status
	answered map[string]bool // the printer answered a status query since the start
	silent   map[string]bool // StatusAuto: it never did, and jobs go without asking
}

// Start starts one goroutine per printer, which first resumes the jobs left
// from a previous run. ctx bounds the goroutines' lives; Close stops them.
func Start(ctx context.Context, o Opts) (*Spooler, error) {
	if o.Store == nil {
		return nil, errors.New("spool: no store")
	}
	d := DefaultOpts
	o.Clock = clock.Or(o.Clock)
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = d.MaxAttempts
	}
	if o.MaxAge <= 0 {
		o.MaxAge = d.MaxAge
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = d.MinBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(d.MaxBackoff, o.MinBackoff)
	}
	if o.StatusInterval == 0 {
		o.StatusInterval = d.StatusInterval
	}
	if o.JobTimeout <= 0 {
		o.JobTimeout = d.JobTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.PruneEvery <= 0 {
		o.PruneEvery = d.PruneEvery
	}
	ctx, cancel := context.WithCancel(ctx)
	for name, m := range o.StatusModes {
		switch m {
		case "", StatusAuto, StatusAlways, StatusNever:
		default:
			cancel()
			return nil, fmt.Errorf("spool: printer %s: status mode %q (want auto, always or never)", name, m)
		}
	}
	s := &Spooler{o: o, cancel: cancel, wake: map[string]chan struct{}{}, statuses: map[string]printer.Status{},
		answered: map[string]bool{}, silent: map[string]bool{}}
	for name := range o.Printers {
		s.wake[name] = make(chan struct{}, 1)
		s.statuses[name] = printer.Status{State: printer.StateUnknown, Paper: printer.PaperUnknown}
	}
	for name, p := range o.Printers {
		s.wg.Add(1)
		go s.run(ctx, name, p)
	}
	if pr, ok := o.Store.(Pruner); ok && o.KeepJobData > 0 {
		s.wg.Add(1)
		go s.prune(ctx, pr)
	}
	return s, nil
}

// Pruner is a Store that can drop the data of settled jobs.
type Pruner interface {
	// Prune empties the bytes and preview of the jobs printed or failed
	// before t, keeping their rows, and says how many it emptied.
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// prune drops the data of jobs settled more than KeepJobData ago, at start
// and every PruneEvery, until ctx ends.
func (s *Spooler) prune(ctx context.Context, pr Pruner) {
	defer s.wg.Done()
	for {
		before := s.o.Clock.Now().Add(-s.o.KeepJobData)
		n, err := pr.Prune(ctx, before)
		switch {
		case err != nil && ctx.Err() == nil:
			s.o.Logger.Error("pruning print jobs", "err", err)
		case n > 0:
			s.o.Logger.Info("print jobs pruned: their bytes and previews dropped", "jobs", n, "settled_before", before)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.o.Clock.After(s.o.PruneEvery):
		}
	}
}

// Submit stores the job and returns it; it is durable when Submit returns.
func (s *Spooler) Submit(ctx context.Context, sub Submission) (Job, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return Job{}, ErrClosed
	}
	wake, ok := s.wake[sub.Printer]
	if !ok {
		return Job{}, fmt.Errorf("%w %q", ErrUnknownPrinter, sub.Printer)
	}
	if len(sub.Data) == 0 {
		return Job{}, errors.New("spool: empty job")
	}
	j := Job{Printer: sub.Printer, Kind: sub.Kind, Ref: sub.Ref, Owner: sub.Owner, Data: sub.Data, Preview: sub.Preview,
		State: Queued, CreatedAt: s.o.Clock.Now()}
	j.UpdatedAt = j.CreatedAt
	id, err := s.o.Store.Add(ctx, j)
	if err != nil {
		return Job{}, err
	}
	j.ID = id
	s.emit(j, Queued, "")
	select {
	case wake <- struct{}{}:
	default:
	}
	return j, nil
}

// Job returns a stored job.
func (s *Spooler) Job(ctx context.Context, id int64) (Job, error) { return s.o.Store.Get(ctx, id) }

// Statuses returns the last known status of every printer, for /healthz.
func (s *Spooler) Statuses() map[string]printer.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.statuses)
}

// Close stops the printer goroutines — a job being sent is let finish within
// Opts.JobTimeout — waits for them and closes the printers. It is idempotent.
func (s *Spooler) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	var errs []error
	for _, p := range s.o.Printers {
		errs = append(errs, p.Close())
	}
	return errors.Join(errs...)
}

func (s *Spooler) emit(j Job, st State, reason string) {
	if s.o.OnEvent == nil {
		return
	}
	s.o.OnEvent(Event{JobID: j.ID, Printer: j.Printer, Kind: j.Kind, Ref: j.Ref, Owner: j.Owner, State: st,
		Attempts: j.Attempts, Err: reason, At: s.o.Clock.Now()})
}

func (s *Spooler) setStatus(name string, st printer.Status) {
	s.mu.Lock()
	old := s.statuses[name]
	s.statuses[name] = st
	s.mu.Unlock()
	if old != st && s.o.OnStatus != nil {
		s.o.OnStatus(name, st)
	}
}

// run is the goroutine of one printer.
func (s *Spooler) run(ctx context.Context, name string, p printer.Printer) {
	defer s.wg.Done()
	log := s.o.Logger.With("printer", name)
	backoff := time.Duration(0)
	wait := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-s.o.Clock.After(d):
			return true
		}
	}
	nextBackoff := func() time.Duration {
		backoff = min(max(2*backoff, s.o.MinBackoff), s.o.MaxBackoff)
		return backoff
	}
	for ctx.Err() == nil {
		j, err := s.o.Store.Next(ctx, name)
		if errors.Is(err, ErrNoJob) {
			backoff = 0
			s.poll(ctx, name, p)
			var tick <-chan time.Time
			if s.o.StatusInterval > 0 {
				tick = s.o.Clock.After(s.o.StatusInterval)
			}
			select {
			case <-ctx.Done():
				return
			case <-s.wake[name]:
			case <-tick:
			}
			continue
		}
		if err != nil {
			if ctx.Err() == nil {
				log.Error("reading the spool", "err", err)
			}
			if !wait(nextBackoff()) {
				return
			}
			continue
		}
		retry, err := s.attempt(ctx, name, p, j)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("recording a job", "job", j.ID, "err", err)
			}
			if !wait(nextBackoff()) {
				return
			}
			continue
		}
		if retry {
			// Never sleep past the job's last chance: it fails on time.
			d := nextBackoff()
			if left := j.CreatedAt.Add(s.maxAge(j)).Sub(s.o.Clock.Now()); left < d {
				d = max(left+time.Millisecond, time.Millisecond)
			}
			if !wait(d) {
				return
			}
			continue
		}
		backoff = 0
	}
}

// maxAge is how long job j may wait to be printed.
func (s *Spooler) maxAge(j Job) time.Duration {
	if d, ok := s.o.MaxAgeByKind[j.Kind]; ok && d > 0 {
		return d
	}
	return s.o.MaxAge
}

// attempt makes one attempt at job j. It returns retry when the job stays
// queued, and an error only when the store failed.
func (s *Spooler) attempt(ctx context.Context, name string, p printer.Printer, j Job) (retry bool, err error) {
	now := s.o.Clock.Now()
	if j.State == Written { // a previous run sent every byte: never again
		return false, s.settle(context.WithoutCancel(ctx), p, j, s.mode(name) != StatusNever)
	}
	if j.Attempts >= s.o.MaxAttempts {
		return false, s.finish(ctx, j, Failed, fmt.Sprintf("%d attempts: %s", j.Attempts, j.LastError))
	}
	if maxAge := s.maxAge(j); now.Sub(j.CreatedAt) > maxAge {
		reason := fmt.Sprintf("not printed within %v", maxAge)
		if j.LastError != "" {
			reason += ": " + j.LastError
		}
		return false, s.finish(ctx, j, Failed, reason)
	}
	j.Attempts++
	// Ask first, when the link can answer: bytes sent to a printer that is
	// out of paper may come out later, or never.
	answers := false
	if s.mode(name) != StatusNever && !s.isSilent(name) {
		st, serr := p.Status(ctx)
		switch {
		case serr == nil:
			s.heard(name)
			answers = true
			s.setStatus(name, st)
			if derr := st.Err(name); derr != nil {
				return true, s.requeue(ctx, j, derr)
			}
		case errors.Is(serr, printer.ErrNoStatus):
		case ctx.Err() != nil:
			return true, nil
		case s.mode(name) == StatusAuto && errors.Is(serr, escpos.ErrNoAnswer) && s.neverHeard(name):
			// Never a word since the start: a printer that cannot answer,
			// not one that went away. Print without asking.
			s.markSilent(name)
			s.o.Logger.Warn("printer never answers its status: printing without confirmation (status: auto; set status: always to require it)",
				"printer", name)
			s.setStatus(name, printer.Status{State: printer.StateUnknown, Paper: printer.PaperUnknown, Error: "no status answer"})
		default:
			s.setStatus(name, printer.Status{State: printer.StateOffline, Paper: printer.PaperUnknown, Error: serr.Error()})
			return true, s.requeue(ctx, j, serr)
		}
	}
	if err := s.o.Store.Update(ctx, j.ID, Printing, j.Attempts, j.LastError, s.o.Clock.Now()); err != nil {
		return false, err
	}
	s.emit(j, Printing, "")
	// Sending is not cut short by Close: a ticket half printed is worse
	// than a shutdown a second later.
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.sendTimeout(p, len(j.Data)))
	n, werr := p.Print(sendCtx, printer.Job{ID: j.ID, Kind: j.Kind, Ref: j.Ref, Data: j.Data, Preview: j.Preview})
	cancel()
	storeCtx := context.WithoutCancel(ctx)
	if n == len(j.Data) {
		if err := s.o.Store.Update(storeCtx, j.ID, Written, j.Attempts, "", s.o.Clock.Now()); err != nil {
			return false, err
		}
		return false, s.settle(storeCtx, p, j, answers)
	}
	if !answers {
		s.setStatus(name, printer.Status{State: printer.StateOffline, Paper: printer.PaperUnknown, Error: werr.Error()})
	}
	if n > 0 {
		// Part of it came out. Printed again from the top, once, and said.
		if strings.HasPrefix(j.LastError, partialMark) {
			return false, s.finish(storeCtx, j, Failed, fmt.Sprintf("%s cut off again after %d of %d bytes: %v", partialMark, n, len(j.Data), werr))
		}
		s.o.Logger.Warn("print job cut off: printing it again from the top", "printer", name, "job", j.ID,
			"kind", j.Kind, "ref", j.Ref, "sent", n, "of", len(j.Data), "err", werr)
		werr = fmt.Errorf("%s %d of %d bytes sent, printing it again from the top: %w", partialMark, n, len(j.Data), werr)
	}
	return true, s.requeue(storeCtx, j, werr)
}

// settle ends a job whose bytes all left: Printed once the printer
// confirms it processed them (asked only of a printer that answers), Sent
// otherwise, with why.
func (s *Spooler) settle(ctx context.Context, p printer.Printer, j Job, ask bool) error {
	c, ok := p.(printer.Confirmer)
	if !ask || !ok {
		return s.finish(ctx, j, Sent, "the printer cannot confirm")
	}
	cctx, cancel := context.WithTimeout(ctx, s.confirmTimeout(p, len(j.Data)))
	err := c.Confirm(cctx)
	cancel()
	switch {
	case err == nil:
		return s.finish(ctx, j, Printed, "")
	case errors.Is(err, printer.ErrNoStatus):
		return s.finish(ctx, j, Sent, "the printer cannot confirm")
	}
	return s.finish(ctx, j, Sent, "not confirmed: "+err.Error())
}

// sendTimeout is how long sending n bytes to p may take.
func (s *Spooler) sendTimeout(p printer.Printer, n int) time.Duration {
	d := s.o.JobTimeout
	if w, ok := p.(printer.WireTimer); ok {
		d = max(d, 2*w.WireTime(n)+30*time.Second)
	}
	return d
}

// confirmTimeout is how long a printer may take to print n bytes it was
// sent: what may still be on the wire, then the paper moving (a long
// receipt is over half a metre at 150 mm/s).
func (s *Spooler) confirmTimeout(p printer.Printer, n int) time.Duration {
	d := 15*time.Second + time.Duration(n/2000)*time.Second
	if w, ok := p.(printer.WireTimer); ok {
		d += 2 * w.WireTime(n)
	}
	return d
}

func (s *Spooler) mode(name string) StatusMode {
	if m := s.o.StatusModes[name]; m != "" {
		return m
	}
	return StatusAuto
}

func (s *Spooler) heard(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answered[name] = true
	s.silent[name] = false
}

func (s *Spooler) neverHeard(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.answered[name]
}

func (s *Spooler) markSilent(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silent[name] = true
}

func (s *Spooler) isSilent(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.silent[name]
}

func (s *Spooler) requeue(ctx context.Context, j Job, cause error) error {
	j.LastError = keepPartial(j.LastError, cause.Error())
	if err := s.o.Store.Update(ctx, j.ID, Queued, j.Attempts, j.LastError, s.o.Clock.Now()); err != nil {
		return err
	}
	s.o.Logger.Warn("print job waits", "printer", j.Printer, "job", j.ID, "attempt", j.Attempts, "err", cause)
	s.emit(j, Queued, j.LastError)
	return nil
}

// partialThen joins the partial mark of a job to the reason of a later wait.
const partialThen = "; then: "

// keepPartial is the new last error of a job: reason, after the partial mark
// the job already carries, so that a wait in between (the printer offline)
// does not forget that part of it came out.
func keepPartial(last, reason string) string {
	if !strings.HasPrefix(last, partialMark) || strings.HasPrefix(reason, partialMark) {
		return reason
	}
	if i := strings.Index(last, partialThen); i >= 0 {
		last = last[:i]
	}
	return last + partialThen + reason
}

func (s *Spooler) finish(ctx context.Context, j Job, st State, reason string) error {
	if err := s.o.Store.Update(ctx, j.ID, st, j.Attempts, reason, s.o.Clock.Now()); err != nil {
		return err
	}
	if st == Failed {
		s.o.Logger.Error("print job failed", "printer", j.Printer, "job", j.ID, "kind", j.Kind, "ref", j.Ref, "reason", reason)
	}
	s.emit(j, st, reason)
	return nil
}

// poll asks an idle printer for its status.
func (s *Spooler) poll(ctx context.Context, name string, p printer.Printer) {
	if s.o.StatusInterval < 0 {
		return
	}
	if s.mode(name) == StatusNever {
		return
	}
	st, err := p.Status(ctx)
	switch {
	case err == nil:
		s.heard(name)
		s.setStatus(name, st)
	case errors.Is(err, printer.ErrNoStatus), ctx.Err() != nil:
	case s.isSilent(name):
	default:
		s.setStatus(name, printer.Status{State: printer.StateOffline, Paper: printer.PaperUnknown, Error: err.Error()})
	}
}
