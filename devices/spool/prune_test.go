package spool_test

import (
	"context"
	"testing"
	"time"

	"motcua/devices/printer"
	"motcua/devices/printer/printertest"
	"motcua/devices/spool"
)

// Settled jobs lose their bytes and previews after KeepJobData; their rows
// stay for reports, and a job not settled keeps everything.
func TestSettledJobDataIsPruned(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	rec := printertest.NewRecorder()
	week := 7 * 24 * time.Hour
	s := h.start(map[string]printer.Printer{"quay1": rec}, func(o *spool.Opts) {
		o.KeepJobData, o.PruneEvery = week, time.Hour
	})
	receipt, err := s.Submit(ctx, spool.Submission{Printer: "quay1", Kind: "receipt", Ref: "000.00.14.H56-261121-0001",
		Owner: "c1", Data: []byte("NGUYỄN VĂN A, 0912345678"), Preview: []byte("\x89PNG...")})
	if err != nil {
		t.Fatal(err)
	}
	h.next(spool.Printed)
	pending, err := h.store.Add(ctx, spool.Job{Printer: "unplugged", Kind: "receipt", Ref: "x", Data: []byte("waiting"), CreatedAt: start})
	if err != nil {
		t.Fatal(err)
	}

	data := func(id int64) spool.Job {
		t.Helper()
		j, err := h.store.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	// The pruner waits for its next round: advance to a day short of a week.
	waitPruner := func() {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if !h.clock.WaitForWaiters(wctx, 1) {
			t.Fatal("the pruner never waited")
		}
	}
	for range 6 * 24 {
		waitPruner()
		h.clock.Advance(time.Hour)
	}
	waitPruner()
	if j := data(receipt.ID); len(j.Data) == 0 || j.Preview == nil {
		t.Fatal("pruned before a week")
	}
	for range 25 {
		waitPruner()
		h.clock.Advance(time.Hour)
	}
	waitPruner()
	j := data(receipt.ID)
	if len(j.Data) != 0 || j.Preview != nil {
		t.Fatalf("after a week the receipt still holds %q and a preview of %d bytes", j.Data, len(j.Preview))
	}
	if j.State != spool.Printed || j.Kind != "receipt" || j.Ref != receipt.Ref || j.Owner != "c1" || j.Printer != "quay1" {
		t.Fatalf("the row for reports lost its fields: %+v", j)
	}
	if p := data(pending); string(p.Data) != "waiting" || p.State != spool.Queued {
		t.Fatalf("a job not settled was pruned: %+v", p)
	}
}
