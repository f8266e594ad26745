package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"motcua/internal/clock"
	"motcua/kiosk/dossier"
)

// DefaultBudget bounds a whole lookup through the chain, leaving the HTTP
// layer room to answer within 3 s.
const DefaultBudget = 2500 * time.Millisecond

// Source is one link of the chain.
type Source struct {
	// Name names the source in logs ("igate", "bo-tu-phap", "registry").
	Name string
	// Source answers lookups.
	Source dossier.Source
	// Timeout bounds this source's answer; 0 or more than what is left of
	// the budget: what is left.
	Timeout time.Duration
}

// Opts configures a Chain.
type Opts struct {
	// Sources are asked in order; at least one.
	Sources []Source
	// Budget bounds a whole lookup; default DefaultBudget.
	Budget time.Duration
	// Clock measures durations for the logs; default clock.System.
	Clock clock.Clock
	// Logger gets one line per source that fails (names, codes and
	// durations, never applicants); default slog.Default().
	Logger *slog.Logger
}

// Chain is a dossier.Source asking its sources in order.
type Chain struct {
	sources []Source
	budget  time.Duration
	now     func() time.Time
	log     *slog.Logger
}

// New checks opts and returns a Chain.
func New(opts Opts) (*Chain, error) {
	if len(opts.Sources) == 0 {
		return nil, errors.New("chain: cần ít nhất một nguồn tra cứu hồ sơ")
	}
	for i, s := range opts.Sources {
		if s.Source == nil {
			return nil, fmt.Errorf("chain: nguồn thứ %d (%q) không có bộ tra cứu", i+1, s.Name)
		}
		if s.Timeout < 0 {
			return nil, fmt.Errorf("chain: nguồn %q: thời gian chờ âm", s.Name)
		}
	}
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Chain{sources: append([]Source(nil), opts.Sources...), budget: opts.Budget,
		now: clock.Or(opts.Clock).Now, log: opts.Logger}, nil
}

// Lookup asks each source in turn until one knows the dossier. It returns
// an error wrapping dossier.ErrNotFound when every source answered that it
// knows no such dossier, and one wrapping dossier.ErrUnavailable when none
// knew it and at least one could not tell (down, slow, garbage): the
// dossier may be there.
func (c *Chain) Lookup(ctx context.Context, code string) (dossier.Dossier, error) {
	ctx, cancel := context.WithTimeout(ctx, c.budget)
	defer cancel()
	var unavailable []string
	for _, s := range c.sources {
		if ctx.Err() != nil {
			unavailable = append(unavailable, s.Name+" (hết thời gian)")
			continue
		}
		start := c.now()
		d, err := c.ask(ctx, s, code)
		switch {
		case err == nil:
			return d, nil
		case errors.Is(err, dossier.ErrNotFound):
			continue
		default:
			c.log.Warn("chain: source failed, asking the next", "source", s.Name, "code", code,
				"ms", c.now().Sub(start).Milliseconds(), "err", err)
			unavailable = append(unavailable, s.Name)
		}
	}
	if len(unavailable) > 0 {
		return dossier.Dossier{}, fmt.Errorf("chain: %s: không tra cứu được ở %v: %w", code, unavailable, dossier.ErrUnavailable)
	}
	return dossier.Dossier{}, fmt.Errorf("chain: %s: %w", code, dossier.ErrNotFound)
}

type answer struct {
	d   dossier.Dossier
	err error
}

// ask runs one source within its timeout, abandoning it at the deadline
// even if it ignores its context.
func (c *Chain) ask(ctx context.Context, s Source, code string) (dossier.Dossier, error) {
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	done := make(chan answer, 1)
	go func() {
		d, err := s.Source.Lookup(ctx, code)
		done <- answer{d, err}
	}()
	select {
	case a := <-done:
		if a.err != nil && !errors.Is(a.err, dossier.ErrNotFound) && !errors.Is(a.err, dossier.ErrUnavailable) {
			a.err = fmt.Errorf("%w: %w", dossier.ErrUnavailable, a.err)
		}
		return a.d, a.err
	case <-ctx.Done():
		return dossier.Dossier{}, fmt.Errorf("chain: %s không trả lời kịp: %w: %w", s.Name, dossier.ErrUnavailable, ctx.Err())
	}
}
