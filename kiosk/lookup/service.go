package lookup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"motcua/internal/clock"
	"motcua/kiosk/dossier"
)

// DefaultTimeout is the most a lookup may take, whatever the source does; it
// keeps GET /api/v1/dossiers/{code} under 3 s.
const DefaultTimeout = 2800 * time.Millisecond

// Opts configures a Service.
type Opts struct {
	// Parser reads scan payloads and codes; required.
	Parser *Parser
	// Source is where dossiers are looked up (registry.Registry or
	// upstream.Client); required.
	Source dossier.Source
	// Limiter rate-limits lookups per key, the kiosk argument of Resolve and
	// Lookup: the caller passes whom it has proven the request comes from (a
	// kiosk's credential, else the client's socket address), never a name the
	// request merely gives. Nil means no limit.
	Limiter *RateLimiter
	// Timeout bounds a lookup even if Source ignores its context; default DefaultTimeout.
	Timeout time.Duration
	// Clock is the clock (overdue); default clock.System.
	Clock clock.Clock
	// Logger gets one line per lookup: kiosk, code, outcome, never a name or
	// a raw payload (a citizen may scan an ID card); default slog.Default().
	Logger *slog.Logger
}

// Service answers kiosks' scans and dossier lookups. Safe for concurrent use.
type Service struct {
	parser  *Parser
	source  dossier.Source
	limiter *RateLimiter
	timeout time.Duration
	now     func() time.Time
	log     *slog.Logger
}

// New checks opts and returns a Service.
func New(opts Opts) (*Service, error) {
	if opts.Parser == nil {
		return nil, errors.New("lookup: no Parser")
	}
	if opts.Source == nil {
		return nil, errors.New("lookup: no dossier Source")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	opts.Clock = clock.Or(opts.Clock)
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Service{parser: opts.Parser, source: opts.Source, limiter: opts.Limiter,
		timeout: opts.Timeout, now: opts.Clock.Now, log: opts.Logger}, nil
}

// Result is the answer to a scan, serialised as is by the HTTP layer.
type Result struct {
	// Kind is "dossier" or "ticket".
	Kind Kind `json:"kind"`
	// Dossier is set for KindDossier; the applicant is masked unless Verified.
	Dossier *dossier.Dossier `json:"dossier,omitempty"`
	// Verified is set when the scan was our signed receipt QR.
	Verified bool `json:"verified"`
	// Ticket is the ticket id for KindTicket: the kiosk opens /t/{id}.
	Ticket string `json:"ticket,omitempty"`
}

// Resolve answers what a kiosk's scanner or camera read: a dossier (masked
// unless the payload was our signed receipt URL) or a ticket reference.
// Errors: ErrRateLimited, ErrNotOurReceipt, ErrBadSignature, ErrNotFound,
// ErrUnavailable.
func (s *Service) Resolve(ctx context.Context, kiosk, payload string) (Result, error) {
	if err := s.allow(kiosk); err != nil {
		return Result{}, err
	}
	p, err := s.parser.Parse(payload)
	if err != nil {
		s.log.Info("lookup: scan refused", "kiosk", kiosk, "len", len(payload), "reason", err)
		return Result{}, err
	}
	if p.Kind == KindTicket {
		s.log.Info("lookup: ticket scanned", "kiosk", kiosk, "ticket", p.Ticket)
		return Result{Kind: KindTicket, Ticket: p.Ticket}, nil
	}
	d, err := s.find(ctx, kiosk, p.Code, p.Verified)
	if err != nil {
		return Result{}, err
	}
	return Result{Kind: KindDossier, Dossier: &d, Verified: p.Verified}, nil
}

// Lookup answers GET /api/v1/dossiers/{code}: the code as typed (ErrInvalidCode
// when it does not match the pattern) and, when the page was opened from a
// receipt QR, its sig parameter: a valid one shows the applicant's full name,
// a wrong one fails with ErrBadSignature, none masks the name.
func (s *Service) Lookup(ctx context.Context, kiosk, code, sig string) (dossier.Dossier, error) {
	if err := s.allow(kiosk); err != nil {
		return dossier.Dossier{}, err
	}
	c, err := s.parser.Code(code)
	if err != nil {
		s.log.Info("lookup: malformed dossier code", "kiosk", kiosk, "len", len(code))
		return dossier.Dossier{}, err
	}
	verified := false
	if sig != "" {
		if err := s.parser.Verify(c, sig); err != nil {
			s.log.Warn("lookup: bad receipt signature", "kiosk", kiosk, "code", c)
			return dossier.Dossier{}, err
		}
		verified = true
	}
	return s.find(ctx, kiosk, c, verified)
}

func (s *Service) allow(kiosk string) error {
	if s.limiter == nil {
		return nil
	}
	if ok, wait := s.limiter.Allow(kiosk); !ok {
		s.log.Warn("lookup: kiosk looking up too fast", "kiosk", kiosk)
		return &RateLimitError{RetryAfter: wait}
	}
	return nil
}

// find looks code up within the timeout and prepares it for display.
func (s *Service) find(ctx context.Context, kiosk, code string, verified bool) (dossier.Dossier, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	type answer struct {
		d   dossier.Dossier
		err error
	}
	ch := make(chan answer, 1) // the source's goroutine never blocks on a late answer
	go func() {
		d, err := s.source.Lookup(ctx, code)
		ch <- answer{d, err}
	}()
	var a answer
	select {
	case a = <-ch:
	case <-ctx.Done():
		a.err = fmt.Errorf("lookup: nguồn hồ sơ không trả lời sau %v: %w", s.timeout, ErrUnavailable)
	}
	outcome := "ok"
	switch {
	case a.err == nil:
	case errors.Is(a.err, ErrNotFound):
		outcome = "not_found"
	case errors.Is(a.err, ErrUnavailable):
		outcome = "unavailable"
	default:
		outcome = "unavailable"
		a.err = fmt.Errorf("lookup: %w: %w", ErrUnavailable, a.err)
	}
	s.log.Info("lookup: dossier looked up", "kiosk", kiosk, "code", code, "verified", verified,
		"outcome", outcome, "ms", time.Since(start).Milliseconds())
	if a.err != nil {
		return dossier.Dossier{}, a.err
	}
	d := a.d
	d.Code = code
	if !verified {
		d.Applicant = dossier.MaskName(d.Applicant)
	}
	d.Finish(s.now())
	return d, nil
}
