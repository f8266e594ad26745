package claim

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
)

type env struct {
	clk *clocktest.Fake
	n   int
	c   *Claims
}

func newEnv() *env {
	e := &env{clk: clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))}
	e.c = New(Opts{TTL: 30 * time.Second, Clock: e.clk,
		NewToken: func() string { e.n++; return fmt.Sprintf("t%d", e.n) }})
	return e
}

// TestClaims plays steps on counter 3; each step names the token it uses
// (t1 is the first console's, t2 the second's…).
func TestClaims(t *testing.T) {
	type step struct {
		op       string // open, takeover, beat, check, release, wait
		user     string
		token    string
		wait     time.Duration
		wantErr  error
		wantUser string // InUseError.User or TakenOverError.By
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"second console refused, naming the holder", []step{
			{op: "open", user: "canbo3"},
			{op: "open", user: "quantri", wantErr: ErrInUse, wantUser: "canbo3"},
			{op: "check", token: "t1"},
			{op: "check", token: "", wantErr: ErrInUse, wantUser: "canbo3"},
		}},
		{"the same clerk in a second tab is refused too", []step{
			{op: "open", user: "canbo3"},
			{op: "open", user: "canbo3", wantErr: ErrInUse, wantUser: "canbo3"},
		}},
		{"takeover: the first console learns it on its heartbeat and its action", []step{
			{op: "open", user: "canbo3"},
			{op: "takeover", user: "quantri"},
			{op: "beat", token: "t1", user: "canbo3", wantErr: ErrTakenOver, wantUser: "quantri"},
			{op: "check", token: "t1", wantErr: ErrTakenOver, wantUser: "quantri"},
			{op: "check", token: "t2"},
			{op: "beat", token: "t2", user: "quantri"},
		}},
		{"a silent console lapses and the counter opens again", []step{
			{op: "open", user: "canbo3"},
			{op: "wait", wait: 29 * time.Second},
			{op: "open", user: "quantri", wantErr: ErrInUse, wantUser: "canbo3"},
			{op: "wait", wait: time.Second},
			{op: "open", user: "quantri"},
			{op: "beat", token: "t1", user: "canbo3", wantErr: ErrInUse, wantUser: "quantri"},
		}},
		{"heartbeats and actions keep it alive", []step{
			{op: "open", user: "canbo3"},
			{op: "wait", wait: 20 * time.Second},
			{op: "beat", token: "t1", user: "canbo3"},
			{op: "wait", wait: 20 * time.Second},
			{op: "check", token: "t1"},
			{op: "wait", wait: 20 * time.Second},
			{op: "open", user: "quantri", wantErr: ErrInUse},
		}},
		{"a lapsed console nobody replaced gets its counter back", []step{
			{op: "open", user: "canbo3"},
			{op: "wait", wait: time.Minute},
			{op: "beat", token: "t1", user: "canbo3"},
			{op: "open", user: "quantri", wantErr: ErrInUse, wantUser: "canbo3"},
		}},
		{"release frees the counter at once; twice is harmless", []step{
			{op: "open", user: "canbo3"},
			{op: "release", token: "t1"},
			{op: "release", token: "t1"},
			{op: "check", token: ""},
			{op: "open", user: "quantri"},
		}},
		{"a stranger's release does nothing", []step{
			{op: "open", user: "canbo3"},
			{op: "release", token: "nope"},
			{op: "open", user: "quantri", wantErr: ErrInUse},
		}},
		{"nobody holds it: scripts may act", []step{
			{op: "check", token: ""},
			{op: "check", token: "whatever"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv()
			for i, s := range tc.steps {
				var err error
				switch s.op {
				case "open":
					_, err = e.c.Open("3", s.user, false)
				case "takeover":
					_, err = e.c.Open("3", s.user, true)
				case "beat":
					_, err = e.c.Heartbeat("3", s.token, s.user)
				case "check":
					err = e.c.Check("3", s.token)
				case "release":
					e.c.Release("3", s.token)
				case "wait":
					e.clk.Advance(s.wait)
				}
				if s.wantErr == nil {
					if err != nil {
						t.Fatalf("step %d %s: %v", i, s.op, err)
					}
					continue
				}
				if !errors.Is(err, s.wantErr) {
					t.Fatalf("step %d %s: got %v, want %v", i, s.op, err, s.wantErr)
				}
				var who string
				var iu *InUseError
				var to *TakenOverError
				switch {
				case errors.As(err, &iu):
					who = iu.User
				case errors.As(err, &to):
					who = to.By
				}
				if s.wantUser != "" && who != s.wantUser {
					t.Fatalf("step %d %s: error names %q, want %q", i, s.op, who, s.wantUser)
				}
			}
		})
	}
}

func TestCountersAreIndependent(t *testing.T) {
	e := newEnv()
	if _, err := e.c.Open("1", "canbo1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Open("2", "canbo2", false); err != nil {
		t.Fatal(err)
	}
	if h, ok := e.c.Holder("1"); !ok || h.User != "canbo1" {
		t.Fatalf("holder of 1: %+v", h)
	}
	if err := e.c.Check("2", "t1"); !errors.Is(err, ErrInUse) {
		t.Fatalf("counter 1's token acted on counter 2: %v", err)
	}
}
