package database

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
)

func TestKindOfStorageFailures(t *testing.T) {
	for _, tc := range []struct {
		err  error
		kind string
	}{
		{fmt.Errorf("write: %w", syscall.ENOSPC), KindFull},
		{fmt.Errorf("write: %w", syscall.EROFS), KindReadOnly},
		{fmt.Errorf("read: %w", syscall.EIO), KindIO},
		{errors.New("UNIQUE constraint failed"), ""},
		{nil, ""},
	} {
		if got := Kind(tc.err); got != tc.kind {
			t.Errorf("Kind(%v) = %q, want %q", tc.err, got, tc.kind)
		}
		if c := Classify(tc.err); errors.Is(c, ErrUnavailable) != (tc.kind != "") {
			t.Errorf("Classify(%v) = %v: ErrUnavailable %v", tc.err, c, tc.kind != "")
		}
	}
}

// A failed write keeps Ping failing until a write (the store's or the
// probe's, at most every ProbeEvery) succeeds.
func TestMonitorFollowsTheWrites(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clk := clocktest.New(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	m, err := NewMonitor(ctx, db, MonitorOpts{Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ProbeEvery: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Ping(ctx); err != nil || !m.Stats().OK {
		t.Fatalf("healthy: %v %+v", err, m.Stats())
	}
	if err := m.Observe(errors.New("UNIQUE constraint failed")); err == nil || !m.Stats().OK {
		t.Fatal("a refused statement is not a storage failure")
	}
	got := m.Observe(fmt.Errorf("sqlite: commit: %w", syscall.ENOSPC))
	if Kind(got) != KindFull || m.Stats().OK || m.Stats().Errors[KindFull] != 1 {
		t.Fatalf("after a full disk: %v %+v", got, m.Stats())
	}
	clk.Advance(5 * time.Second)
	if err := m.Ping(ctx); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("ping before the next probe: %v, want the failure", err)
	}
	clk.Advance(5 * time.Second) // the probe writes, and the disk takes it
	if err := m.Ping(ctx); err != nil || !m.Stats().OK || m.Stats().Errors[KindFull] != 1 {
		t.Fatalf("after a probe that wrote: %v %+v", err, m.Stats())
	}
}
