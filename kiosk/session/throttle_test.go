package session_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/kiosk/session"
)

func TestThrottleDoublesAfterFreeFailures(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	th := session.NewThrottle(session.ThrottleOpts{Clock: clk})
	for i := 1; i <= 4; i++ {
		th.Fail("user:a")
		if w := th.Wait("user:a"); w != 0 {
			t.Fatalf("after %d failures: wait %v", i, w)
		}
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for i, w := range want {
		th.Fail("user:a")
		if got := th.Wait("user:a", "ip:x"); got != w {
			t.Fatalf("after %d failures: wait %v, want %v", 5+i, got, w)
		}
		clk.Advance(w)
	}
	for range 20 {
		th.Fail("user:a")
	}
	if got := th.Wait("user:a"); got != 15*time.Minute {
		t.Fatalf("the wait is capped at 15 min: %v", got)
	}
	if th.Wait("user:b") != 0 {
		t.Fatal("another key waits")
	}
	th.Reset("user:a")
	if th.Wait("user:a") != 0 {
		t.Fatal("a reset key waits")
	}
	// An hour without failures: the key starts afresh.
	for range 5 {
		th.Fail("ip:x")
	}
	clk.Advance(time.Hour)
	th.Fail("ip:x")
	if th.Wait("ip:x") != 0 {
		t.Fatal("failures an hour old still count")
	}
}

func TestThrottleBoundsItsKeys(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	th := session.NewThrottle(session.ThrottleOpts{Clock: clk, MaxKeys: 2, Free: 1})
	th.Fail("a")
	clk.Advance(time.Millisecond)
	th.Fail("b")
	clk.Advance(time.Millisecond)
	th.Fail("c") // drops a, the oldest
	if th.Wait("a") != 0 || th.Wait("b") == 0 || th.Wait("c") == 0 {
		t.Fatalf("waits a %v b %v c %v", th.Wait("a"), th.Wait("b"), th.Wait("c"))
	}
}

func TestThrottleRunsOneComparisonAtATime(t *testing.T) {
	th := session.NewThrottle(session.ThrottleOpts{Compares: 1})
	inside, leave := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- th.Compare(context.Background(), func() { close(inside); <-leave })
	}()
	<-inside
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := th.Compare(ctx, func() { ran = true }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("a second comparison while the slot is taken: ran %v, %v", ran, err)
	}
	close(leave)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := th.Compare(context.Background(), func() { ran = true }); err != nil || !ran {
		t.Fatalf("after the slot is free: ran %v, %v", ran, err)
	}
}
