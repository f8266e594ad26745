package printing

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"motcua/internal/clock"
	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// A crash between a kiosk ticket's commit and its job's leaves a ticket whose
// print state says queued with no job to print it: the next start marks it
// failed, so the ticket's page and the kiosk say so instead of waiting.
func TestTicketWhoseJobWasLostIsMarkedFailed(t *testing.T) {
	ctx := context.Background()
	o := Opts{
		Printers:      []Printer{{Name: "p1", Transport: TransportFile, Dir: "prints"}},
		KioskPrinters: map[string]string{"k1": "p1"},
		DataDir:       t.TempDir(), CenterName: "X",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	e, err := queue.New(ctx, queue.Opts{
		Fields:   []queue.Field{{Code: "A", Name: "Hộ tịch"}},
		Counters: []queue.Counter{{ID: "1", Services: []string{"A"}}},
		Store:    queuetest.NewStore(), Clock: clocktest.New(time.Now())})
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
	db, err := database.Open(filepath.Join(o.DataDir, "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, err := Open(ctx, db, e, o)
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

// engineLog is an Engine that records the print states it is given.
type engineLog struct {
	queued []queue.Ticket
	set    chan queue.Ticket
}

func (e *engineLog) SetPrint(_ context.Context, id string, p queue.PrintState) (queue.Ticket, error) {
	t := queue.Ticket{ID: id, Print: p}
	e.set <- t
	return t, nil
}

func (e *engineLog) PrintQueued() []queue.Ticket { return e.queued }

func (e *engineLog) next(t *testing.T) queue.Ticket {
	t.Helper()
	select {
	case tk := <-e.set:
		return tk
	case <-time.After(5 * time.Second):
		t.Fatal("no print state reached the engine")
		return queue.Ticket{}
	}
}

// A ticket job that ended while nobody forwarded its state (a crash after
// the print) reaches its ticket at the next start, if it ended within the
// last 48 hours by Opts.Clock; an older one is not looked at, so a ticket
// still queued then has no job and is failed.
func TestReconcileLooksBackByTheClock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := database.Open(filepath.Join(dir, "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	opts := func(c clock.Clock) Opts {
		return Opts{
			Printers:      []Printer{{Name: "p1", Transport: TransportFile, Dir: "prints"}},
			KioskPrinters: map[string]string{"k1": "p1"},
			DataDir:       dir, CenterName: "X", Clock: c,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		}
	}
	tk := queue.Ticket{ID: "t1", Number: "A001", Print: queue.PrintQueued, IssuedAt: time.Now()}

	first := &engineLog{set: make(chan queue.Ticket, 8)}
	svc, err := Open(ctx, db, first, opts(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ticket(ctx, "k1", queue.TicketInfo{Ticket: tk, ServiceName: "Hộ tịch"}); err != nil {
		t.Fatal(err)
	}
	if got := first.next(t); got.ID != "t1" || got.Print != queue.PrintPrinted {
		t.Fatalf("first run: %s %s", got.ID, got.Print)
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		clock clock.Clock
		want  queue.PrintState
	}{
		{"next day", clocktest.New(time.Now().Add(24 * time.Hour)), queue.PrintPrinted},
		{"three days on", clocktest.New(time.Now().Add(72 * time.Hour)), queue.PrintFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &engineLog{queued: []queue.Ticket{tk}, set: make(chan queue.Ticket, 8)}
			svc, err := Open(ctx, db, e, opts(tc.clock))
			if err != nil {
				t.Fatal(err)
			}
			defer svc.Close()
			if got := e.next(t); got.ID != "t1" || got.Print != tc.want {
				t.Fatalf("ticket %s became %s, want %s", got.ID, got.Print, tc.want)
			}
		})
	}
}
