package clocktest

import (
	"context"
	"testing"
	"time"

	"motcua/internal/clock"
)

var _ clock.Clock = (*Fake)(nil)

func TestAfterFiresWhenTheClockReachesIt(t *testing.T) {
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	f := New(start)
	ch := f.After(time.Second)
	f.Advance(999 * time.Millisecond)
	select {
	case <-ch:
		t.Fatal("fired before its deadline")
	default:
	}
	f.Advance(time.Millisecond)
	select {
	case at := <-ch:
		if want := start.Add(time.Second); !at.Equal(want) {
			t.Fatalf("fired with %v, want %v", at, want)
		}
	default:
		t.Fatal("did not fire at its deadline")
	}
	if n := f.Waiters(); n != 0 {
		t.Fatalf("%d waiters left", n)
	}
}

func TestAfterZeroFiresAtOnce(t *testing.T) {
	f := New(time.Unix(0, 0))
	select {
	case <-f.After(0):
	default:
		t.Fatal("After(0) did not fire")
	}
}

func TestWaitForWaitersAndNext(t *testing.T) {
	f := New(time.Unix(100, 0))
	done := make(chan error, 1)
	go func() { done <- clock.Sleep(context.Background(), f, 5*time.Second) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !f.WaitForWaiters(ctx, 1) {
		t.Fatal("the sleeper never waited")
	}
	if next, ok := f.Next(); !ok || !next.Equal(time.Unix(105, 0)) {
		t.Fatalf("Next = %v %v, want 105 s", next, ok)
	}
	f.Advance(5 * time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestSleepEndsWithTheContext(t *testing.T) {
	f := New(time.Unix(0, 0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := clock.Sleep(ctx, f, time.Hour); err != context.Canceled {
		t.Fatalf("Sleep = %v, want context.Canceled", err)
	}
}
