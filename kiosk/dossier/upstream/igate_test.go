package upstream

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/upstream/upstreamtest"
)

const ministryCode = "G09.20-20260609-0092637"

func newIGate(t *testing.T, clk *clocktest.Fake, life time.Duration) (*upstreamtest.IGate, *Client) {
	t.Helper()
	g := upstreamtest.NewIGate("motcua-kiosk", "bí-mật-của-client", life, clk)
	received := time.Date(2026, 6, 9, 8, 30, 0, 0, dossier.Zone())
	g.Add(upstreamtest.Dossier{Code: ministryCode, Procedure: "Cấp phiếu lý lịch tư pháp", Applicant: "Trần Văn Nam",
		Unit: "Sở Tư pháp", Status: 4, ReceivedAt: received, DueAt: received.Add(10 * 24 * time.Hour)})
	srv := httptest.NewServer(g.Handler())
	t.Cleanup(srv.Close)
	o := IGate(srv.URL+upstreamtest.TokenPath, srv.URL+"/pa/dossier/{code}", "motcua-kiosk", "bí-mật-của-client")
	o.Clock, o.Logger, o.CacheTTL, o.NotFoundTTL = clk, quiet(), -1, -1
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return g, c
}

func TestIGateLookup(t *testing.T) {
	clk := newClock()
	g, c := newIGate(t, clk, 5*time.Minute)
	ctx := context.Background()
	d, err := c.Lookup(ctx, "g09.20-20260609-0092637")
	if err != nil {
		t.Fatal(err)
	}
	d.Finish(clk.Now())
	if d.Code != ministryCode || d.Status != dossier.StatusProcessing || d.Procedure != "Cấp phiếu lý lịch tư pháp" ||
		d.Applicant != "Trần Văn Nam" || d.Unit != "Sở Tư pháp" ||
		!d.ReceivedAt.Equal(time.Date(2026, 6, 9, 8, 30, 0, 0, dossier.Zone())) || d.DueAt.Sub(d.ReceivedAt) != 240*time.Hour {
		t.Fatalf("dossier %+v", d)
	}
	if _, err := c.Lookup(ctx, "G09.20-20260609-0000001"); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
	if g.Issued() != 1 || g.Lookups() != 2 || g.Refused() != 0 {
		t.Fatalf("tokens %d, lookups %d, refused %d: the token is cached", g.Issued(), g.Lookups(), g.Refused())
	}
}

// The token is renewed RenewBefore (30 s) ahead of its expiry, so the system
// never sees an expired one.
func TestIGateTokenRenewedBeforeExpiry(t *testing.T) {
	clk := newClock()
	g, c := newIGate(t, clk, 5*time.Minute)
	ctx := context.Background()
	for _, step := range []struct {
		advance time.Duration
		tokens  int
	}{{0, 1}, {269 * time.Second, 1}, {2 * time.Second, 2}, {4 * time.Minute, 2}, {31 * time.Second, 3}} {
		clk.Advance(step.advance)
		if _, err := c.Lookup(ctx, ministryCode); err != nil {
			t.Fatal(err)
		}
		if g.Issued() != step.tokens {
			t.Fatalf("after %v: %d tokens, want %d", step.advance, g.Issued(), step.tokens)
		}
	}
	if g.Refused() != 0 {
		t.Fatalf("%d lookups sent with an expired token", g.Refused())
	}
}

// A token the system stops accepting (401) is renewed and the lookup sent
// again, once.
func TestIGateRefusedTokenRenewedOnce(t *testing.T) {
	clk := newClock()
	g, c := newIGate(t, clk, time.Hour)
	ctx := context.Background()
	if _, err := c.Lookup(ctx, ministryCode); err != nil {
		t.Fatal(err)
	}
	g.Revoke()
	if _, err := c.Lookup(ctx, ministryCode); err != nil {
		t.Fatalf("after a revoked token: %v", err)
	}
	if g.Issued() != 2 || g.Refused() != 1 {
		t.Fatalf("tokens %d, refused %d", g.Issued(), g.Refused())
	}
}

func TestIGateWrongSecretIsUnavailable(t *testing.T) {
	clk := newClock()
	g, c := newIGate(t, clk, time.Hour)
	g.ClientSecret = "đã đổi"
	if _, err := c.Lookup(context.Background(), ministryCode); !errors.Is(err, dossier.ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
	if g.Lookups() != 0 {
		t.Fatal("looked up without a token")
	}
}

func TestIGateGarbage(t *testing.T) {
	clk := newClock()
	g, c := newIGate(t, clk, time.Hour)
	for _, m := range []upstreamtest.Mode{upstreamtest.Garbage, upstreamtest.Fail} {
		g.SetMode(m)
		if _, err := c.Lookup(context.Background(), ministryCode); !errors.Is(err, dossier.ErrUnavailable) {
			t.Fatalf("%s: err = %v", m, err)
		}
	}
}

// Token answers that cannot be used are the system being unavailable, never
// a token sent anyway.
func TestIGateGarbageTokenAnswers(t *testing.T) {
	for name, answer := range map[string]string{
		"not JSON":          "<html>login</html>",
		"no access_token":   `{"token_type":"Bearer","expires_in":300}`,
		"not bearer":        `{"access_token":"x","token_type":"mac","expires_in":300}`,
		"negative lifetime": `{"access_token":"x","token_type":"Bearer","expires_in":-5}`,
		"text lifetime":     `{"access_token":"x","token_type":"Bearer","expires_in":"soon"}`,
	} {
		t.Run(name, func(t *testing.T) {
			lookups := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/token" {
					w.Write([]byte(answer))
					return
				}
				lookups++
			}))
			defer srv.Close()
			o := IGate(srv.URL+"/token", srv.URL+"/pa/dossier/{code}", "id", "secret")
			o.Clock, o.Logger = newClock(), quiet()
			c, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Lookup(context.Background(), ministryCode); !errors.Is(err, dossier.ErrUnavailable) {
				t.Fatalf("err = %v", err)
			}
			if lookups != 0 {
				t.Fatal("looked up with an unusable token")
			}
		})
	}
}

func TestIGateRefusesBadOpts(t *testing.T) {
	for name, o := range map[string]Opts{
		"no secret":     IGate("https://sso.example/token", "https://igate.example/{code}", "id", ""),
		"no token URL":  IGate("", "https://igate.example/{code}", "id", "s"),
		"bad token URL": IGate("sso.example/token", "https://igate.example/{code}", "id", "s"),
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}
