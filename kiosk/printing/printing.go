package printing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"motcua/devices/layout"
	"motcua/devices/printer"
	"motcua/devices/profile"
	"motcua/devices/spool"
	"motcua/display"
	"motcua/internal/clock"
	"motcua/queue"
)

// Job kinds, as the file printer names them.
const (
	KindTicket  = "ticket"
	KindReceipt = "receipt"
	KindTest    = "test"
	KindNotice  = "notice" // form 02 or 03
)

// Printer transports.
const (
	TransportFile   = "file"
	TransportSerial = "serial"
	TransportUSB    = "usb"
	TransportTCP    = "tcp"
)

// Printer is one ESC/POS printer and how it is reached.
type Printer struct {
	Name      string
	Transport string // TransportFile, TransportSerial, TransportUSB or TransportTCP
	// Dir is a file printer's output folder, relative to Opts.DataDir.
	Dir string
	// Path is the device of a serial or USB printer.
	Path string
	// Baud and FlowControl are a serial printer's line settings (0 and "":
	// the defaults of devices/printer).
	Baud        int
	FlowControl string
	// Addr is a network printer's host[:9100].
	Addr string
	// Width is the paper in mm: 58, or 80 (any other value).
	Width int
	// RasterCodes prints barcodes and QR codes as images, for printers
	// without the GS k / GS ( k commands.
	RasterCodes bool
	// Status is how the spooler uses its status: auto, always or never
	// (spool.StatusMode); "": its model's (auto, or never for a model
	// that never answers).
	Status string
	// Model is its devices/profile name ("": generic): the layout's width in
	// dots, feed unit, image centring, codes and cut, and the defaults of
	// FlowControl and Status. Width, RasterCodes, FlowControl and Status
	// override it.
	Model string
}

// Profile is p's printer profile (the generic one for a model it does not know).
func (p Printer) Profile() profile.Profile {
	if pr, ok := profile.Lookup(p.Model); ok {
		return pr
	}
	return profile.Default()
}

// StatusMode is how the spooler uses p's status: Status, else its model's.
func (p Printer) StatusMode() spool.StatusMode {
	if p.Status != "" {
		return spool.StatusMode(p.Status)
	}
	return spool.StatusMode(p.Profile().Status)
}

// Flow is p's serial handshake: FlowControl, else its model's.
func (p Printer) Flow() string {
	if p.FlowControl != "" {
		return p.FlowControl
	}
	return p.Profile().FlowControl
}

// Opts configures a Service.
type Opts struct {
	// Printers are the center's printers, by unique name.
	Printers []Printer
	// KioskPrinters maps a kiosk to the printer of its queue tickets; a
	// kiosk not in it shows its tickets on screen only.
	KioskPrinters map[string]string
	// TicketTimeout: a queue ticket not printed within this time is given
	// up, the citizen having left the kiosk with the number shown on screen
	// (0: DefaultOpts). JobTimeout: any other job (a receipt) not printed
	// within this time fails (0: DefaultOpts).
	TicketTimeout, JobTimeout time.Duration
	// KeepJobData is how long a printed or failed job keeps its bytes and
	// preview (spool.Opts.KeepJobData; 0: spool.DefaultOpts, negative: forever).
	KeepJobData time.Duration
	// DataDir is the folder a file printer's Dir is relative to.
	DataDir string
	// CenterName heads the tickets and is the agency of receipts that name
	// none; CenterAddress is the place of receipts that name none.
	CenterName, CenterAddress string
	// BaseURL is the public base URL the QR code of a ticket links to.
	BaseURL string
	// Categories names the priority categories (code → "Người cao tuổi")
	// printed on a priority ticket.
	Categories map[string]string
	// Location is the time zone dates are printed in (nil: layout's default).
	Location *time.Location
	// Logger defaults to slog.Default(); Clock to clock.System.
	Logger *slog.Logger
	Clock  clock.Clock
}

// DefaultOpts holds the defaults of the zero timeouts of Opts.
var DefaultOpts = Opts{TicketTimeout: 20 * time.Second, JobTimeout: 30 * time.Minute}

// settleWindow is how far back the reconciliation at start looks for jobs
// that ended without their ticket hearing of it.
const settleWindow = 48 * time.Hour

// ErrNoPrinter is returned when a job has no printer to go to.
var ErrNoPrinter = errors.New("printing: no printer for this job")

// ErrUnknownPrinter is returned for a printer name Opts does not have.
var ErrUnknownPrinter = errors.New("printing: unknown printer")

// Engine is the part of the queue engine printing updates.
type Engine interface {
	SetPrint(ctx context.Context, id string, p queue.PrintState) (queue.Ticket, error)
	PrintQueued() []queue.Ticket
}

// Service prints tickets and receipts on the configured printers.
type Service struct {
	o        Opts
	render   *layout.Renderer
	spool    *spool.Spooler
	printers map[string]Printer
	log      *slog.Logger

	events chan spool.Event
	wg     sync.WaitGroup
}

// Open opens every printer of o (a serial or USB printer that is not
// plugged in yet is retried when a job comes), starts the spooler on db and
// forwards ticket job states to engine until Close.
func Open(ctx context.Context, db *sql.DB, engine Engine, o Opts) (*Service, error) {
	if o.TicketTimeout == 0 {
		o.TicketTimeout = DefaultOpts.TicketTimeout
	}
	if o.JobTimeout == 0 {
		o.JobTimeout = DefaultOpts.JobTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Clock = clock.Or(o.Clock)
	o.KioskPrinters = maps.Clone(o.KioskPrinters)
	log := o.Logger
	render, err := layout.NewRenderer()
	if err != nil {
		return nil, err
	}
	store, err := spool.NewSQLStore(ctx, db)
	if err != nil {
		return nil, err
	}
	s := &Service{o: o, render: render, printers: map[string]Printer{}, log: log,
		events: make(chan spool.Event, 1024)}
	devs := map[string]printer.Printer{}
	for _, p := range o.Printers {
		dev, err := OpenPrinter(p, o.DataDir)
		if err != nil {
			for _, d := range devs {
				d.Close()
			}
			return nil, err
		}
		devs[p.Name] = dev
		s.printers[p.Name] = p
	}
	so := spool.DefaultOpts
	so.Store, so.Printers, so.Logger, so.Clock = store, devs, log, o.Clock
	so.MaxAge = o.JobTimeout
	so.MaxAgeByKind = map[string]time.Duration{KindTicket: o.TicketTimeout}
	so.StatusModes = map[string]spool.StatusMode{}
	for _, p := range o.Printers {
		so.StatusModes[p.Name] = p.StatusMode()
	}
	if o.KeepJobData != 0 {
		so.KeepJobData = o.KeepJobData
	}
	so.OnEvent = func(ev spool.Event) {
		if ev.Kind == KindTicket && ev.Owner != "" {
			s.events <- ev // drained by forward; blocks a printer goroutine only while the engine commits
		}
	}
	so.OnStatus = func(name string, st printer.Status) {
		log.Info("printer status", "printer", name, "state", st.State, "paper", st.Paper, "cover_open", st.CoverOpen)
	}
	sp, err := spool.Start(ctx, so)
	if err != nil {
		for _, d := range devs {
			d.Close()
		}
		return nil, err
	}
	s.spool = sp
	// A crash may have come between a job's end and its ticket hearing of
	// it, or between a ticket's commit and its job's: settle both.
	since := o.Clock.Now().Add(-settleWindow)
	settled, err := store.Settled(ctx, since)
	if err != nil {
		sp.Close()
		return nil, err
	}
	owners, err := store.Owners(ctx, KindTicket, since)
	if err != nil {
		sp.Close()
		return nil, err
	}
	for _, t := range engine.PrintQueued() {
		if !owners[t.ID] { // its job was never stored: nothing will print it
			settled = append(settled, spool.Job{Kind: KindTicket, Owner: t.ID, Ref: t.Number, State: spool.Failed})
		}
	}
	s.wg.Add(1)
	go s.forward(engine, settled)
	return s, nil
}

// OpenPrinter makes the transport of one printer: a file printer's folder
// is relative to dataDir; a serial or USB printer is opened when first used
// and again after its link fails; a network printer dials when it needs to.
func OpenPrinter(p Printer, dataDir string) (printer.Printer, error) {
	switch p.Transport {
	case TransportFile:
		return printer.NewFile(printer.FileOpts{Name: p.Name, Dir: FileDir(p, dataDir)})
	case TransportSerial:
		o := printer.SerialOpts{Name: p.Name, Path: p.Path, Baud: p.Baud, FlowControl: p.Flow()}
		return printer.NewRedial(p.Name, func() (printer.Printer, error) { return printer.OpenSerial(o) }), nil
	case TransportUSB:
		o := printer.USBOpts{Name: p.Name, Path: p.Path}
		return printer.NewRedial(p.Name, func() (printer.Printer, error) { return printer.OpenUSB(o) }), nil
	case TransportTCP:
		return printer.NewTCP(printer.TCPOpts{Name: p.Name, Addr: p.Addr})
	}
	return nil, fmt.Errorf("printing: printer %s: unknown transport %q", p.Name, p.Transport)
}

// FileDir is the folder a file printer writes to.
func FileDir(p Printer, dataDir string) string {
	if filepath.IsAbs(p.Dir) {
		return p.Dir
	}
	return filepath.Join(dataDir, p.Dir)
}

// forward turns ticket job events into the ticket's print state, starting
// with the jobs that settled before the last stop and the tickets whose job
// was lost (setting a state a ticket already has changes nothing).
func (s *Service) forward(engine Engine, settled []spool.Job) {
	defer s.wg.Done()
	for _, j := range settled {
		if j.Kind == KindTicket && j.Owner != "" {
			s.apply(engine, spool.Event{Owner: j.Owner, Ref: j.Ref, State: j.State})
		}
	}
	for ev := range s.events {
		s.apply(engine, ev)
	}
}

func (s *Service) apply(engine Engine, ev spool.Event) {
	var st queue.PrintState
	switch ev.State {
	case spool.Printed:
		st = queue.PrintPrinted
	case spool.Sent:
		st = queue.PrintSent
	case spool.Failed:
		st = queue.PrintFailed
	default:
		return
	}
	if _, err := engine.SetPrint(context.Background(), ev.Owner, st); err != nil && !errors.Is(err, queue.ErrNotFound) {
		s.log.Error("printing: ticket print state", "ticket", ev.Ref, "state", st, "err", err)
	}
}

// Close lets the jobs being sent finish, stops the spooler and the forwarder.
func (s *Service) Close() error {
	err := s.spool.Close()
	close(s.events)
	s.wg.Wait()
	return err
}

// Statuses is each printer's last known state, for /healthz.
func (s *Service) Statuses() map[string]printer.Status { return s.spool.Statuses() }

// LayoutOpts are the layout options of printer p, dates in loc: its
// model's on its paper, codes as images also when p.RasterCodes says so.
func LayoutOpts(p Printer, loc *time.Location) layout.Opts {
	paper := 80
	if p.Width == 58 {
		paper = 58
	}
	o := p.Profile().Layout(paper)
	o.RasterCodes = o.RasterCodes || p.RasterCodes
	o.Location = loc
	return o
}

// KioskPrinter is the printer of a kiosk, "" when it has none.
func (s *Service) KioskPrinter(kiosk string) string { return s.o.KioskPrinters[kiosk] }

// Ticket renders t and queues it on the kiosk's printer. The job is durable
// when Ticket returns.
func (s *Service) Ticket(ctx context.Context, kiosk string, t queue.TicketInfo) (spool.Job, error) {
	name := s.KioskPrinter(kiosk)
	if name == "" {
		return spool.Job{}, ErrNoPrinter
	}
	job := TicketJob(s.o, t)
	return s.submit(ctx, name, KindTicket, t.Number, t.ID, func(o layout.Opts) (*layout.Output, error) {
		return s.render.Ticket(job, o)
	})
}

// TicketJob is the paper ticket of t: its wait is the EstimatedWait the API
// answers, which layout prints in the words of msg.Wait, or none when the
// engine has no estimate (the API's and the screens' case too).
func TicketJob(o Opts, t queue.TicketInfo) layout.TicketJob {
	return layout.TicketJob{
		ID: t.ID, CenterName: o.CenterName, ServiceName: t.ServiceName, Number: t.Number,
		Priority: t.Priority, PriorityCategory: o.Categories[t.Category], Online: t.Booking != "", IssuedAt: t.IssuedAt, Ahead: max(t.Ahead, 0), EstimatedWait: t.EstimatedWait, NoEstimate: !t.WaitKnown,
		TrackURL: display.PhonePath(t.ID), BaseURL: o.BaseURL,
	}
}

// Receipt renders a form-01 receipt and queues it on the named printer.
func (s *Service) Receipt(ctx context.Context, printerName string, job layout.ReceiptJob) (spool.Job, error) {
	if printerName == "" {
		return spool.Job{}, ErrNoPrinter
	}
	if job.Agency == "" {
		job.Agency = s.o.CenterName
	}
	if job.Place == "" {
		job.Place = s.o.CenterAddress
	}
	return s.submit(ctx, printerName, KindReceipt, job.DossierCode, job.DossierCode, func(o layout.Opts) (*layout.Output, error) {
		return s.render.Receipt(job, o)
	})
}

// TestPage queues a test page on the named printer.
func (s *Service) TestPage(ctx context.Context, printerName string, lines []string) (spool.Job, error) {
	return s.submit(ctx, printerName, KindTest, printerName, "", func(o layout.Opts) (*layout.Output, error) {
		return s.render.TestPage(layout.TestJob{Printer: printerName, At: s.o.Clock.Now(), Lines: lines}, o)
	})
}

func (s *Service) submit(ctx context.Context, name, kind, ref, owner string, render func(layout.Opts) (*layout.Output, error)) (spool.Job, error) {
	p, ok := s.printers[name]
	if !ok {
		return spool.Job{}, fmt.Errorf("%w: %q", ErrUnknownPrinter, name)
	}
	out, err := render(LayoutOpts(p, s.o.Location))
	if err != nil {
		return spool.Job{}, err
	}
	sub := spool.Submission{Printer: name, Kind: kind, Ref: ref, Owner: owner, Data: out.Bytes}
	if p.Transport == TransportFile { // only the file printer keeps a preview
		if sub.Preview, err = out.PNG(); err != nil {
			return spool.Job{}, err
		}
	}
	return s.spool.Submit(ctx, sub)
}

// Job reads a stored job.
func (s *Service) Job(ctx context.Context, id int64) (spool.Job, error) { return s.spool.Job(ctx, id) }

// Why a job waits or failed, as staff are told (Reason).
const (
	ReasonPaperOut  = "paper_out"
	ReasonCoverOpen = "cover_open"
	ReasonOffline   = "offline"
	ReasonTooLate   = "too_late" // not printed within its time
	ReasonCutOff    = "cut_off"  // cut off twice while printing
	ReasonOther     = "other"
)

// Reason classifies a job's last error (spool.Job.LastError): "" for none.
// The spooler keeps errors as text, so the printer's own words for its
// failures are looked for in it.
func Reason(lastError string) string {
	has := func(err error) bool {
		return strings.Contains(lastError, strings.TrimPrefix(err.Error(), "printer: "))
	}
	switch {
	case lastError == "":
		return ""
	case strings.Contains(lastError, "cut off again"):
		return ReasonCutOff
	case has(printer.ErrPaperOut):
		return ReasonPaperOut
	case has(printer.ErrCoverOpen):
		return ReasonCoverOpen
	case strings.HasPrefix(lastError, "not printed within"):
		return ReasonTooLate
	case has(printer.ErrOffline):
		return ReasonOffline
	}
	return ReasonOther
}
