package chain_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"motcua/internal/httppipe"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/chain"
	"motcua/kiosk/dossier/upstream"
	"motcua/kiosk/dossier/upstream/upstreamtest"
)

const code = "000.00.14.H56-260609-0042"

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// systems are the province's iGate-style system and a ministry's
// TraCuuHoSo-style one, served over in-memory pipes so that a synctest
// bubble's clock times them.
type systems struct {
	igate    *upstreamtest.IGate
	tracuu   *upstreamtest.TraCuuHoSo
	province *upstream.Client
	ministry *upstream.Client
}

// newSystems must run inside the bubble.
func newSystems(t *testing.T) *systems {
	s := &systems{igate: upstreamtest.NewIGate("motcua", "client-secret", time.Hour, nil),
		tracuu: upstreamtest.NewTraCuuHoSo("motcua", "mật khẩu", "G09")}
	ig, tc := httppipe.New(s.igate.Handler()), httppipe.New(s.tracuu.Handler())
	t.Cleanup(func() { ig.Close(); tc.Close() })
	o := upstream.IGate("http://igate.test"+upstreamtest.TokenPath, "http://igate.test/pa/dossier/{code}", "motcua", "client-secret")
	o.HTTPClient, o.Logger, o.CacheTTL, o.NotFoundTTL = ig.Client(), quiet(), -1, -1
	var err error
	if s.province, err = upstream.New(o); err != nil {
		t.Fatal(err)
	}
	o = upstream.TraCuuHoSo("http://bo.test/login", "http://bo.test/lookup", "motcua", "mật khẩu", "G09")
	o.HTTPClient, o.Logger, o.CacheTTL, o.NotFoundTTL = tc.Client(), quiet(), -1, -1
	if s.ministry, err = upstream.New(o); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *systems) chain(t *testing.T, timeout time.Duration) *chain.Chain {
	c, err := chain.New(chain.Opts{Logger: quiet(), Sources: []chain.Source{
		{Name: "igate", Source: s.province, Timeout: timeout},
		{Name: "bo", Source: s.ministry, Timeout: timeout},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sample() upstreamtest.Dossier {
	at := time.Date(2026, 6, 9, 8, 0, 0, 0, dossier.Zone())
	return upstreamtest.Dossier{Code: code, Procedure: "Chứng thực bản sao", Applicant: "Lê Thị Mai",
		Unit: "Bộ phận một cửa", Status: 2, ReceivedAt: at, DueAt: at.Add(24 * time.Hour)}
}

// The province's system hangs: the ministry's is asked at the first one's
// timeout and the kiosk has its answer within 3 s.
func TestSlowFirstSourceFallsThroughWithinThreeSeconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSystems(t)
		s.igate.SetMode(upstreamtest.Slow)
		s.tracuu.Add(sample())
		c := s.chain(t, 1200*time.Millisecond)
		start := time.Now()
		d, err := c.Lookup(context.Background(), code)
		took := time.Since(start)
		if err != nil || d.Code != code || d.Applicant != "Lê Thị Mai" {
			t.Fatalf("Lookup = %+v, %v", d, err)
		}
		if took < 1200*time.Millisecond || took >= 3*time.Second {
			t.Fatalf("answered after %v: want the first source's timeout, under 3 s", took)
		}
		if s.igate.Lookups() != 1 || s.tracuu.Lookups() != 1 {
			t.Fatalf("lookups: igate %d, ministry %d", s.igate.Lookups(), s.tracuu.Lookups())
		}
	})
}

// Both systems hang: the whole chain still ends within its budget.
func TestEverySourceSlowEndsWithinTheBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSystems(t)
		s.igate.SetMode(upstreamtest.Slow)
		s.tracuu.SetMode(upstreamtest.Slow)
		c := s.chain(t, 2*time.Second)
		start := time.Now()
		_, err := c.Lookup(context.Background(), code)
		if took := time.Since(start); took > chain.DefaultBudget {
			t.Fatalf("answered after %v, budget %v", took, chain.DefaultBudget)
		}
		if !errors.Is(err, dossier.ErrUnavailable) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestGarbageAndFailuresFallThrough(t *testing.T) {
	for _, m := range []upstreamtest.Mode{upstreamtest.Garbage, upstreamtest.Fail} {
		t.Run(string(m), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newSystems(t)
				s.igate.SetMode(m)
				s.tracuu.Add(sample())
				d, err := s.chain(t, time.Second).Lookup(context.Background(), code)
				if err != nil || d.Code != code {
					t.Fatalf("Lookup = %+v, %v", d, err)
				}
			})
		})
	}
}

func TestFirstSourceThatKnowsAnswers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSystems(t)
		c := s.chain(t, time.Second)
		ctx := context.Background()
		if _, err := c.Lookup(ctx, code); !errors.Is(err, dossier.ErrNotFound) {
			t.Fatalf("known nowhere: %v", err)
		}
		s.tracuu.Add(sample())
		if d, err := c.Lookup(ctx, code); err != nil || d.Procedure != "Chứng thực bản sao" {
			t.Fatalf("known by the second: %+v, %v", d, err)
		}
		first := sample()
		first.Procedure = "Chứng thực chữ ký"
		s.igate.Add(first)
		before := s.tracuu.Lookups()
		if d, err := c.Lookup(ctx, code); err != nil || d.Procedure != "Chứng thực chữ ký" {
			t.Fatalf("known by both: %+v, %v", d, err)
		}
		if s.tracuu.Lookups() != before {
			t.Fatal("the second source was asked though the first knew the dossier")
		}
	})
}

// Not found in one and unknown in the other is not "not found": the
// dossier may be in the one that did not answer.
func TestNotFoundBesideUnavailableIsUnavailable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSystems(t)
		s.tracuu.SetMode(upstreamtest.Fail)
		if _, err := s.chain(t, time.Second).Lookup(context.Background(), code); !errors.Is(err, dossier.ErrUnavailable) {
			t.Fatalf("err = %v", err)
		}
	})
}

// stuck ignores its context until released.
type stuck struct{ release chan struct{} }

func (s stuck) Lookup(context.Context, string) (dossier.Dossier, error) {
	<-s.release
	return dossier.Dossier{}, errors.New("too late")
}

type known struct{}

func (known) Lookup(_ context.Context, code string) (dossier.Dossier, error) {
	return dossier.Dossier{Code: code, Status: dossier.StatusAccepted}, nil
}

func TestSourceIgnoringItsContextIsAbandoned(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		c, err := chain.New(chain.Opts{Logger: quiet(), Sources: []chain.Source{
			{Name: "stuck", Source: stuck{release}, Timeout: time.Second},
			{Name: "registry", Source: known{}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if d, err := c.Lookup(context.Background(), code); err != nil || d.Code != code {
			t.Fatalf("Lookup = %+v, %v", d, err)
		}
		if took := time.Since(start); took != time.Second {
			t.Fatalf("answered after %v, want the stuck source's timeout", took)
		}
	})
}

func TestNewRefusesBadOpts(t *testing.T) {
	for name, o := range map[string]chain.Opts{
		"no sources":       {},
		"no source":        {Sources: []chain.Source{{Name: "x"}}},
		"negative timeout": {Sources: []chain.Source{{Name: "x", Source: known{}, Timeout: -time.Second}}},
	} {
		if _, err := chain.New(o); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}
