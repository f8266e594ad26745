package printing

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/queue"
	"motcua/queue/queuetest"
	"motcua/queue/sqlite"
)

// A crash between a kiosk ticket's commit and its job's leaves a ticket whose
// print state says queued with no job to print it: the next start marks it
// failed, so the ticket's page and the kiosk say so instead of waiting.
func TestTicketWhoseJobWasLostIsMarkedFailed(t *testing.T) {
	ctx := context.Background()
	cfg, err := config.Parse([]byte(`center: {name: X}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}]
kiosks: [{id: k1, printer: p1}]
printers: [{name: p1, transport: file}]
`))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	e, err := queue.New(ctx, queue.Opts{Fields: cfg.QueueFields(), Counters: cfg.QueueCounters(),
		Store: queuetest.NewStore(), Clock: queuetest.NewClock(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); e.Run(runCtx) }()
	defer func() { stop(); <-done }()
	lost, err := e.Issue(ctx, queue.IssueRequest{Service: "A", Kiosk: "k1", Print: queue.PrintQueued})
	if err != nil {
		t.Fatal(err)
	}
	online, err := e.Issue(ctx, queue.IssueRequest{Service: "A"})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(filepath.Join(cfg.DataDir, "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, err := Open(ctx, cfg, db, e, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := e.Ticket(ctx, lost.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Print == queue.PrintFailed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the orphaned ticket's print state is %s, want failed", got.Print)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got, _ := e.Ticket(ctx, online.ID); got.Print != queue.PrintNone {
		t.Fatalf("a ticket taken without a printer became %s", got.Print)
	}
}
