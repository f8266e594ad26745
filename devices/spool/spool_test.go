package spool_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/devices/printer"
	"motcua/devices/printer/printertest"
	"motcua/devices/spool"
	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
)

// start is where every test's clock stands.
var start = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

type harness struct {
	t      *testing.T
	path   string
	store  *spool.SQLStore
	events chan spool.Event
	clock  *clocktest.Fake
	waits  []time.Duration // every wait the spooler asked for, in order
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "motcua.db"), events: make(chan spool.Event, 1000), clock: clocktest.New(start)}
	h.reopen()
	return h
}

// waitTimer waits until the spooler waits on the clock and returns for how
// long.
func (h *harness) waitTimer() time.Duration {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !h.clock.WaitForWaiters(ctx, 1) {
		h.t.Fatal("the spooler never waited")
	}
	next, _ := h.clock.Next()
	d := next.Sub(h.clock.Now())
	h.waits = append(h.waits, d)
	return d
}

// waiting is closed once the spooler waits on the clock, unless ctx ends
// first.
func (h *harness) waiting(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		if h.clock.WaitForWaiters(ctx, 1) {
			close(ch)
		}
	}()
	return ch
}

// eventOrWait returns the next event, or nil after advancing the clock by
// step (0: to the end of the spooler's wait) when the spooler waits first.
func (h *harness) eventOrWait(step time.Duration) *spool.Event {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	select {
	case e := <-h.events:
		return &e
	case <-h.waiting(ctx):
		if step == 0 {
			step = h.waitTimer()
		}
		h.clock.Advance(step)
		return nil
	case <-ctx.Done():
		h.t.Fatal("no event and no wait in 10 s")
		return nil
	}
}

// untilFailed moves the clock by step (0: to the end of each wait) whenever
// the spooler waits, until a job fails, and returns that event.
func (h *harness) untilFailed(step time.Duration) spool.Event {
	h.t.Helper()
	for range 10_000 {
		if e := h.eventOrWait(step); e != nil && e.State == spool.Failed {
			return *e
		}
	}
	h.t.Fatal("no job failed")
	return spool.Event{}
}

func (h *harness) reopen() {
	db, err := database.Open(h.path)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { db.Close() })
	h.store, err = spool.NewSQLStore(context.Background(), db)
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) start(printers map[string]printer.Printer, mod func(*spool.Opts)) *spool.Spooler {
	o := spool.Opts{Store: h.store, Printers: printers, Clock: h.clock, StatusInterval: -1,
		OnEvent: func(e spool.Event) { h.events <- e }}
	if mod != nil {
		mod(&o)
	}
	s, err := spool.Start(context.Background(), o)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { s.Close() })
	return s
}

// next returns the next event in state st, failing on a failed one unless asked.
func (h *harness) next(st spool.State) spool.Event {
	h.t.Helper()
	for {
		select {
		case e := <-h.events:
			if e.State == st {
				return e
			}
			if e.State == spool.Failed {
				h.t.Fatalf("job %d failed: %s", e.JobID, e.Err)
			}
		case <-time.After(10 * time.Second):
			h.t.Fatalf("no %s event", st)
		}
	}
}

func submit(t *testing.T, s *spool.Spooler, p, ref string) spool.Job {
	t.Helper()
	j, err := s.Submit(context.Background(), spool.Submission{Printer: p, Kind: "ticket", Ref: ref, Data: []byte("job " + ref)})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func refs(jobs []printer.Job) string {
	var r []string
	for _, j := range jobs {
		r = append(r, j.Ref)
	}
	return strings.Join(r, ",")
}

func TestPrintsInOrderWithEvents(t *testing.T) {
	h := newHarness(t)
	rec := printertest.NewRecorder()
	s := h.start(map[string]printer.Printer{"kiosk1": rec}, nil)
	a := submit(t, s, "kiosk1", "A001")
	if got, err := h.store.Get(context.Background(), a.ID); err != nil || got.Ref != "A001" {
		t.Fatalf("job not stored when Submit returned: %+v %v", got, err)
	}
	submit(t, s, "kiosk1", "A002")
	submit(t, s, "kiosk1", "A003")
	var printed []string
	for range 3 {
		e := h.next(spool.Printed)
		if e.Kind != "ticket" || e.Printer != "kiosk1" {
			t.Fatalf("event %+v", e)
		}
		printed = append(printed, e.Ref)
	}
	if got := strings.Join(printed, ","); got != "A001,A002,A003" || refs(rec.Jobs()) != got {
		t.Fatalf("printed %s, recorder %s", got, refs(rec.Jobs()))
	}
	if _, err := s.Submit(context.Background(), spool.Submission{Printer: "nope", Data: []byte("x")}); !errors.Is(err, spool.ErrUnknownPrinter) {
		t.Fatalf("unknown printer: %v", err)
	}
	j, _ := s.Job(context.Background(), a.ID)
	if j.State != spool.Printed || j.Attempts != 1 {
		t.Fatalf("stored job %+v", j)
	}
}

func TestPaperOutBacksOffThenPrints(t *testing.T) {
	h := newHarness(t)
	rec := printertest.NewRecorder()
	rec.SetStatus(printer.Status{State: printer.StateOffline, Paper: printer.PaperOut})
	var mu sync.Mutex
	var statuses []printer.Status
	s := h.start(map[string]printer.Printer{"kiosk1": rec}, func(o *spool.Opts) {
		o.OnStatus = func(_ string, st printer.Status) { mu.Lock(); statuses = append(statuses, st); mu.Unlock() }
	})
	submit(t, s, "kiosk1", "A001")
	for i := range 4 {
		e := h.next(spool.Queued)
		if i > 0 && !strings.Contains(e.Err, "paper out") {
			t.Fatalf("queued event %+v, want the paper-out reason", e)
		}
		if i > 0 {
			h.waitTimer()
			h.clock.Advance(time.Minute)
		}
	}
	if b, _ := json.Marshal(s.Statuses()); string(b) != `{"kiosk1":{"state":"offline","paper":"out"}}` {
		t.Fatalf("statuses %s", b)
	}
	h.next(spool.Queued) // the attempt the last Advance started
	rec.SetStatus(printer.Status{State: printer.StateOnline, Paper: printer.PaperOK})
	h.waitTimer()
	h.clock.Advance(time.Minute)
	h.next(spool.Printed)
	if w := h.waits; len(w) != 4 || w[0] != time.Second || w[1] != 2*time.Second || w[2] != 4*time.Second || w[3] != 8*time.Second {
		t.Fatalf("backoff %v, want 1s 2s 4s 8s", w)
	}
	if refs(rec.Jobs()) != "A001" {
		t.Fatalf("printed %s", refs(rec.Jobs()))
	}
	if st := s.Statuses()["kiosk1"]; st.State != printer.StateOnline {
		t.Fatalf("status %+v", st)
	}
}

func TestFullyWrittenJobIsNotResent(t *testing.T) {
	h := newHarness(t)
	rec := printertest.NewRecorder()
	rec.FailNext(printertest.Failure{Written: -1, Err: errors.New("connection reset after the last byte")})
	s := h.start(map[string]printer.Printer{"p": rec}, nil)
	submit(t, s, "p", "R1")
	h.next(spool.Printed)
	submit(t, s, "p", "R2")
	h.next(spool.Printed)
	if refs(rec.Jobs()) != "R1,R2" {
		t.Fatalf("printed %s, want R1 once then R2", refs(rec.Jobs()))
	}
}

func TestPartialWriteIsResent(t *testing.T) {
	h := newHarness(t)
	rec := printertest.NewRecorder()
	rec.FailNext(printertest.Failure{Written: 2, Err: &printer.DeviceError{Printer: "p", Kind: printer.KindOffline}})
	s := h.start(map[string]printer.Printer{"p": rec}, nil)
	submit(t, s, "p", "R1")
	e := h.next(spool.Queued) // submitted
	e = h.next(spool.Queued)  // after the cut-off write
	if !strings.Contains(e.Err, "offline") {
		t.Fatalf("requeued with %q", e.Err)
	}
	if d := h.waitTimer(); d != time.Second {
		t.Fatalf("first backoff %v, want 1s", d)
	}
	h.clock.Advance(time.Second)
	h.next(spool.Printed)
	if refs(rec.Jobs()) != "R1" {
		t.Fatalf("printed %s", refs(rec.Jobs()))
	}
}

func TestFailsAfterMaxAttemptsAndMaxAge(t *testing.T) {
	h := newHarness(t)
	rec := printertest.NewRecorder()
	rec.SetStatus(printer.Status{State: printer.StateOffline, Paper: printer.PaperOK, CoverOpen: true})
	s := h.start(map[string]printer.Printer{"p": rec}, func(o *spool.Opts) { o.MaxAttempts = 3 })
	submit(t, s, "p", "A1")
	e := h.untilFailed(time.Minute)
	if e.Attempts != 3 || !strings.Contains(e.Err, "cover open") {
		t.Fatalf("failed event %+v", e)
	}
	if j, _ := s.Job(context.Background(), e.JobID); j.State != spool.Failed || j.LastError == "" {
		t.Fatalf("stored %+v", j)
	}

	h2 := newHarness(t)
	rec2 := printertest.NewRecorder()
	rec2.SetStatus(printer.Status{State: printer.StateOffline, Paper: printer.PaperOut})
	s2 := h2.start(map[string]printer.Printer{"p": rec2}, func(o *spool.Opts) { o.MaxAge = 10 * time.Minute; o.MaxBackoff = time.Hour })
	submit(t, s2, "p", "A2")
	if e := h2.untilFailed(3 * time.Minute); !strings.Contains(e.Err, "not printed within 10m0s") {
		t.Fatalf("failed event %+v", e)
	}
}

func TestRestartResumesWithoutReprinting(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	add := func(ref string, st spool.State) int64 {
		id, err := h.store.Add(ctx, spool.Job{Printer: "p", Kind: "receipt", Ref: ref, Data: []byte(ref), CreatedAt: h.clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.store.Update(ctx, id, st, 1, "", h.clock.Now()); err != nil {
			t.Fatal(err)
		}
		return id
	}
	// The previous run crashed: W was fully written, P was cut off mid-write.
	w := add("W", spool.Written)
	add("P", spool.Printing)
	add("Q", spool.Queued)
	h.reopen()
	rec := printertest.NewRecorder()
	h.start(map[string]printer.Printer{"p": rec}, nil)
	for range 3 {
		h.next(spool.Printed)
	}
	if refs(rec.Jobs()) != "P,Q" {
		t.Fatalf("printed %s, want P,Q (W was written before the crash)", refs(rec.Jobs()))
	}
	if j, _ := h.store.Get(ctx, w); j.State != spool.Printed {
		t.Fatalf("W is %s", j.State)
	}
}

func TestCloseIsIdempotentAndStopsSubmit(t *testing.T) {
	h := newHarness(t)
	s := h.start(map[string]printer.Printer{"p": printertest.NewRecorder()}, nil)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(context.Background(), spool.Submission{Printer: "p", Data: []byte("x")}); !errors.Is(err, spool.ErrClosed) {
		t.Fatalf("Submit after Close: %v", err)
	}
}

// A queue ticket is worth printing only while the citizen is at the kiosk:
// its own maximum age fails it on time, however long the backoff has grown,
// while a receipt on the same printer keeps waiting.
func TestTicketFailsOnItsOwnDeadline(t *testing.T) {
	h := newHarness(t)
	rec := printertest.NewRecorder()
	rec.SetStatus(printer.Status{State: printer.StateOffline, Paper: printer.PaperOK})
	s := h.start(map[string]printer.Printer{"p": rec}, func(o *spool.Opts) {
		o.MaxAgeByKind = map[string]time.Duration{"ticket": 20 * time.Second}
		o.MaxBackoff = time.Hour
	})
	j := submit(t, s, "p", "A1")
	if j.Owner != "" {
		t.Fatalf("owner %q", j.Owner)
	}
	receipt, err := s.Submit(context.Background(), spool.Submission{Printer: "p", Kind: "receipt", Ref: "R1", Owner: "dossier", Data: []byte("r")})
	if err != nil {
		t.Fatal(err)
	}
	e := h.untilFailed(0)
	if e.JobID != j.ID {
		t.Fatalf("the receipt failed first: %+v", e)
	}
	if age := h.clock.Now().Sub(start); age <= 20*time.Second || age > 21*time.Second {
		t.Fatalf("ticket failed after %v, want just past 20 s", age)
	}
	if got, _ := s.Job(context.Background(), receipt.ID); got.State == spool.Failed || got.Owner != "dossier" {
		t.Fatalf("receipt %+v", got)
	}
}
