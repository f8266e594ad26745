package printing_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"motcua/devices/escpos"
	"motcua/devices/layout"
	"motcua/devices/layout/layouttest"
	"motcua/devices/spool"
	"motcua/internal/database"
	"motcua/kiosk/lookup"
	"motcua/kiosk/printing"
	"motcua/kiosk/web"
	"motcua/queue"
	"motcua/queue/queuetest"
)

const ticketTimeout = 500 * time.Millisecond

// center is a printing Service on file printers with a real engine (its
// store in memory) and the spooler in SQLite, all in a temporary folder.
type center struct {
	opts   printing.Opts
	engine *queue.Engine
	prints *printing.Service
	events chan queue.Ticket // the tickets of every EventPrint, in order
}

func newCenter(t *testing.T) *center {
	t.Helper()
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	loc := time.FixedZone("ICT", 7*3600)
	opts := printing.Opts{
		Printers: []printing.Printer{
			{Name: "kiosk1", Transport: printing.TransportFile, Dir: "kiosk"},
			{Name: "quay1", Transport: printing.TransportFile, Dir: "quay", Width: 58},
		},
		KioskPrinters: map[string]string{"k1": "kiosk1"},
		TicketTimeout: ticketTimeout,
		DataDir:       dir, CenterName: "UBND phường Bến Thành", CenterAddress: "Quận 1",
		BaseURL: "https://motcua.benthanh.gov.vn", Location: loc, Logger: log,
	}
	ctx, cancel := context.WithCancel(context.Background())
	engine, err := queue.New(ctx, queue.Opts{
		Fields:   []queue.Field{{Code: "A", Name: "Hộ tịch"}},
		Counters: []queue.Counter{{ID: "1", Name: "Quầy 1", Services: []string{"A"}}},
		Store:    queuetest.NewStore(), Location: loc, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	c := &center{opts: opts, engine: engine, events: make(chan queue.Ticket, 64)}
	engine.OnEvents(func(evs []queue.Event) {
		for _, ev := range evs {
			if ev.Type == queue.EventPrint {
				c.events <- ev.Ticket
			}
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		engine.Run(ctx)
	}()
	db, err := database.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	c.prints, err = printing.Open(ctx, db, engine, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // printers first, so their last states reach the engine
		if err := c.prints.Close(); err != nil {
			t.Error(err)
		}
		cancel()
		<-done
		db.Close()
	})
	return c
}

// issue gives a ticket at kiosk k1 and queues its print.
func (c *center) issue(t *testing.T) (queue.Ticket, spool.Job) {
	t.Helper()
	ctx := context.Background()
	tk, err := c.engine.Issue(ctx, queue.IssueRequest{Service: "A", Kiosk: "k1", Print: queue.PrintQueued})
	if err != nil {
		t.Fatal(err)
	}
	job, err := c.prints.Ticket(ctx, "k1", c.engine.Info(tk))
	if err != nil {
		t.Fatal(err)
	}
	return tk, job
}

// waitPrint waits for the ticket's print state to become want.
func (c *center) waitPrint(t *testing.T, id string, want queue.PrintState, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := time.After(within)
	for {
		select {
		case tk := <-c.events:
			if tk.ID == id && tk.Print == want {
				return time.Since(start)
			}
			if tk.ID == id && tk.Print != queue.PrintQueued {
				t.Fatalf("ticket %s: print state %s, want %s", tk.Number, tk.Print, want)
			}
		case <-deadline:
			tk, _ := c.engine.Ticket(context.Background(), id)
			t.Fatalf("ticket %s: print state %s after %v, want %s", tk.Number, tk.Print, within, want)
		}
	}
}

// waitJob waits until the spooler settles a job that no ticket follows.
func (c *center) waitJob(t *testing.T, id int64, within time.Duration) spool.Job {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(within)
	for {
		j, err := c.prints.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State == spool.Printed || j.State == spool.Failed {
			return j
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("job %d still %s after %v", id, j.State, within)
		}
	}
}

func TestTicketOnFilePrinter(t *testing.T) {
	c := newCenter(t)
	tk, job := c.issue(t)
	if tk.Number != "A001" {
		t.Fatalf("number %s", tk.Number)
	}
	c.waitPrint(t, tk.ID, queue.PrintPrinted, 10*time.Second)
	if got, err := c.engine.Ticket(context.Background(), tk.ID); err != nil || got.Print != queue.PrintPrinted {
		t.Fatalf("engine ticket: %+v, %v", got.Print, err)
	}
	base := filepath.Join(c.opts.DataDir, "kiosk", fmt.Sprintf("%06d-ticket-A001", job.ID))
	bin, err := os.ReadFile(base + ".bin")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bin, job.Data) || !bytes.HasPrefix(bin, []byte{escpos.ESC, '@'}) {
		t.Fatalf("%s.bin: %d bytes, not the job's %d", base, len(bin), len(job.Data))
	}
	want := c.opts.BaseURL + "/t/" + tk.ID
	if codes := layouttest.Zbar(t, base+".png"); !slices.Contains(codes, want) {
		t.Fatalf("zbarimg read %q on the ticket, want %q", codes, want)
	}
}

func TestReceiptQRCarriesSignedURL(t *testing.T) {
	c := newCenter(t)
	const code = "000.00.14.H56-261121-0118"
	url := lookup.Sign(c.opts.BaseURL+web.ReceiptPrefix, []byte("khóa mẫu"), code)
	job, err := c.prints.Receipt(context.Background(), "quay1", layout.ReceiptJob{
		DossierCode: code, Procedure: "Đăng ký khai sinh",
		Applicant: layout.Applicant{Name: "Nguyễn Thị Hồng Nhung", Phone: "0912 345 678"},
		Documents: []string{"Tờ khai đăng ký khai sinh (bản chính)"}, Sets: 1, ProcessingDays: 5,
		ReceivedAt: time.Date(2026, 11, 21, 8, 40, 0, 0, c.opts.Location),
		DueAt:      time.Date(2026, 11, 28, 16, 0, 0, 0, c.opts.Location),
		Receiver:   "Trần Văn Dũng", LookupURL: url,
	})
	if err != nil {
		t.Fatal(err)
	}
	if j := c.waitJob(t, job.ID, 10*time.Second); j.State != spool.Printed {
		t.Fatalf("receipt job %s: %s", j.State, j.LastError)
	}
	png := filepath.Join(c.opts.DataDir, "quay", fmt.Sprintf("%06d-receipt-%s.png", job.ID, code))
	codes := layouttest.Zbar(t, png)
	if !slices.Contains(codes, url) || !slices.Contains(codes, code) {
		t.Fatalf("zbarimg read %q on the 58 mm receipt, want %q and %q", codes, url, code)
	}
}

func TestTicketFailsWithinTicketTimeout(t *testing.T) {
	c := newCenter(t)
	dir := filepath.Join(c.opts.DataDir, "kiosk")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	tk, job := c.issue(t)
	// The spooler gives up at the timeout; allow for a slow (race) build.
	took := c.waitPrint(t, tk.ID, queue.PrintFailed, ticketTimeout+2*time.Second)
	t.Logf("failed after %v", took)
	if took < ticketTimeout/2 {
		t.Errorf("failed after %v: the spooler did not retry until the timeout (%v)", took, ticketTimeout)
	}
	if got, err := c.engine.Ticket(context.Background(), tk.ID); err != nil || got.Print != queue.PrintFailed {
		t.Fatalf("engine ticket: %s, %v", got.Print, err)
	}
	if j := c.waitJob(t, job.ID, time.Second); j.State != spool.Failed || j.LastError == "" {
		t.Fatalf("job %s, last error %q", j.State, j.LastError)
	}
}

func TestJobsWithoutAPrinter(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	tk, err := c.engine.Issue(ctx, queue.IssueRequest{Service: "A", Kiosk: "k2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.prints.Ticket(ctx, "k2", c.engine.Info(tk)); !errors.Is(err, printing.ErrNoPrinter) {
		t.Errorf("ticket at a kiosk without a printer: %v, want ErrNoPrinter", err)
	}
	if got := c.prints.KioskPrinter("k1"); got != "kiosk1" {
		t.Errorf("kiosk k1 prints on %q", got)
	}
	if _, err := c.prints.Receipt(ctx, "", layout.ReceiptJob{DossierCode: "X"}); !errors.Is(err, printing.ErrNoPrinter) {
		t.Errorf("receipt without a printer: %v, want ErrNoPrinter", err)
	}
	if _, err := c.prints.Receipt(ctx, "quay9", layout.ReceiptJob{DossierCode: "X"}); !errors.Is(err, printing.ErrUnknownPrinter) {
		t.Errorf("receipt on quay9: %v, want ErrUnknownPrinter", err)
	}
}
