package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/cmd/motcua/internal/server"
	"motcua/devices/scanner"
	"motcua/display"
	"motcua/display/voice"
	"motcua/internal/clock"
	"motcua/internal/database"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/dossier/upstream"
	"motcua/kiosk/lookup"
	"motcua/kiosk/notify/relay"
	"motcua/kiosk/printing"
	"motcua/kiosk/session"
	"motcua/kiosk/web"
	"motcua/queue"
	"motcua/queue/sqlite"
)

// service is one center's motcua in this process: the store, the engine,
// the printers, scanners, dossier lookups, pages and the HTTP handler. serve
// runs it behind a listener; the end-to-end tests behind httptest.
type service struct {
	cfg      *config.Config
	engine   *queue.Engine
	registry *registry.Registry
	screens  *screens
	handler  http.Handler
	prints   *printing.Service
	// scannerStates are the scanners' states now.
	scannerStates func() map[string]scanner.State
	// hw is the LED boards, call buttons and rating boxes (hardware.go).
	hw *hardware
	// notes are the notifier and the sender; nil when none is configured.
	notes *notifications

	closers []func() // run in reverse order by close
	once    sync.Once
}

type serviceOpts struct {
	log         *slog.Logger
	commitBatch int  // queue.Opts.MaxBatch; 0: the default
	resetDB     bool // database.Opts.Reset (serve --reset-database)
	// apiClock is the HTTP API's clock (server.Opts.Clock: rating and
	// console windows, claims, rate limits); nil: the system's. Tests move
	// it to see a page minutes later.
	apiClock clock.Clock
	// onEvents, when set, follows the engine from its first event (the hub
	// link); health adds sections to /healthz.
	onEvents func([]queue.Event)
	health   map[string]func() any
	// hubDossier asks the hub's integration for a dossier (the center's
	// link), for a dossiers.sources entry of kind hub; nil without a hub.
	hubDossier hubAsk
	// bookingKeys is the hub's key of online numbers (a center with a hub).
	bookingKeys *bookingKeys
	// hubNotify is the center's link for the notify channel "hub"; it
	// returns nil while there is none.
	hubNotify func() relay.Hub
	// hubHeld asks the hub what a person holds at the other centers
	// (server.Opts.Held); nil without a hub.
	hubHeld func(ctx context.Context, person, day string) ([]queue.Elsewhere, error)
}

// openService starts everything a center runs, on cfg.DataDir. Its
// goroutines live until close, which stops them in order: scanners and
// screens, then printers (jobs being sent finish and reach their tickets),
// then the engine (pending commits are written), then the database.
func openService(ctx context.Context, cfg *config.Config, o serviceOpts) (_ *service, err error) {
	log := o.log
	if log == nil {
		log = slog.Default()
	}
	s := &service{cfg: cfg}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	if err := writableDir(cfg.DataDir); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(cfg.DataDir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the data directory holds the keys and the database but others may read it: chmod 700 it",
			"dir", cfg.DataDir, "mode", fi.Mode().Perm().String())
	}
	unlock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s.onClose(unlock) // the last thing close does
	// Keys made by an earlier start: a missing database is then a loss.
	used := fileExists(filepath.Join(cfg.DataDir, "session.key")) || fileExists(filepath.Join(cfg.DataDir, "receipt.key"))
	receiptKey, oldReceiptKeys, err := receiptKeys(cfg)
	if err != nil {
		return nil, err
	}
	db, err := database.OpenWith(filepath.Join(cfg.DataDir, "motcua.db"), database.Opts{Used: used, Reset: o.resetDB})
	if err != nil {
		return nil, err
	}
	s.onClose(func() { db.Close() })
	// Whether the disk takes writes: the queue store reports each commit,
	// /healthz probes, /metrics shows it.
	storage, err := database.NewMonitor(ctx, db, database.MonitorOpts{Logger: log})
	if err != nil {
		return nil, err
	}
	sessions, err := session.Open(ctx, db, session.Opts{TTL: cfg.Security.SessionTTL})
	if err != nil {
		return nil, err
	}
	store, err := sqlite.NewStoreWith(ctx, db, sqlite.Opts{Monitor: storage})
	if err != nil {
		return nil, err
	}
	engine, err := queue.New(ctx, queue.Opts{
		Fields: cfg.QueueFields(), Counters: cfg.QueueCounters(), Store: store,
		Location: cfg.Location(), Logger: log, MaxBatch: o.commitBatch,
		MaxClockJump: cfg.Center.ClockMaxJump, ClockSettle: cfg.Center.ClockSettle,
		Caps: cfg.QueueCaps(), Categories: cfg.QueueCategories(),
	})
	if err != nil {
		return nil, err
	}
	s.engine = engine
	hub, err := openDisplay(cfg, engine, log)
	if err != nil {
		return nil, err
	}
	// The hub follows the engine from its first event: registered before Run.
	engine.OnEvents(hub.Publish)
	if o.onEvents != nil {
		engine.OnEvents(o.onEvents)
	}
	notes, err := openNotify(ctx, cfg, db, engine, o.hubNotify, log)
	if err != nil {
		return nil, err
	}
	if notes != nil {
		engine.OnEvents(notes.notifier.Publish)
	}
	s.notes = notes
	s.goRun(func(ctx context.Context) { engine.Run(ctx) })
	s.goRun(func(ctx context.Context) { hub.Run(ctx) }) // stopped before the engine
	// The LED boards follow the engine; buttons start with the server (hardware.go).
	hw, err := s.startBoards(cfg, engine, log)
	if err != nil {
		return nil, err
	}
	s.hw = hw
	if notes != nil {
		s.goRun(func(ctx context.Context) {
			if err := notes.notifier.Run(ctx); err != nil {
				log.Error("notifications stopped", "err", err)
			}
		})
		s.goRun(func(ctx context.Context) { notes.sender.Run(ctx) })
	}

	reg, look, err := dossierLookup(ctx, cfg, db, receiptKey, oldReceiptKeys, o.hubDossier, log)
	if err != nil {
		return nil, err
	}
	s.registry = reg
	rates, err := s.openRatings(ctx, cfg, db, log)
	if err != nil {
		return nil, err
	}
	s.scannerStates = func() map[string]scanner.State { return nil }
	prints, err := printing.Open(ctx, db, engine, printingOpts(cfg, log))
	if err != nil {
		return nil, err
	}
	s.onClose(func() { prints.Close() })

	scr, err := newScreens(cfg)
	if err != nil {
		return nil, err
	}
	s.screens = scr
	s.goRun(scr.run)
	scanners, err := s.startScanners(cfg, scr, log)
	if err != nil {
		return nil, err
	}
	s.prints = prints
	s.scannerStates = func() map[string]scanner.State {
		out := map[string]scanner.State{}
		for name, sc := range scanners {
			out[name] = sc.State()
		}
		return out
	}
	health := map[string]func() any{
		"scanners": func() any { return s.scannerStates() },
		"screens":  func() any { return hub.Stats() },
	}
	for k, fn := range o.health {
		health[k] = fn
	}
	ids, err := identityHasher(cfg)
	if err != nil {
		return nil, err
	}
	var bookings server.BookingCheck
	if o.bookingKeys != nil {
		bookings = o.bookingKeys
		o.bookingKeys.useNotifier(notes.notifierOrNil()) // the consenting bookers' phones (docs/notifications.md)
	}
	srv := server.New(server.Opts{Config: cfg, Engine: engine, Store: storage, Sessions: sessions, Identity: ids, Bookings: bookings,
		Logger: log, Lookup: look, Registry: reg, Ratings: rates, Printing: prints, ReceiptSecret: receiptKey,
		Procedures: scr.procedures, Clock: o.apiClock, Health: health, Hardware: hw.serverHardware(cfg),
		Notifier: notes.notifierOrNil(), Held: o.hubHeld,
	})
	if err := s.startButtons(cfg, hw, srv, log); err != nil {
		return nil, err
	}
	scr.mount(srv.Router())
	mountDisplay(srv.Router(), hub)
	s.handler = srv.Handler()
	return s, nil
}

// onClose adds fn to what close runs, before everything added earlier.
func (s *service) onClose(fn func()) { s.closers = append(s.closers, fn) }

// goRun runs fn in a goroutine until close.
func (s *service) goRun(fn func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(ctx)
	}()
	s.onClose(func() {
		cancel()
		<-done
	})
}

// close stops everything, last started first. It is idempotent.
func (s *service) close() {
	s.once.Do(func() {
		for i := len(s.closers) - 1; i >= 0; i-- {
			s.closers[i]()
		}
	})
}

// startScanners starts each configured scanner; its codes go live to the
// page of its kiosk. A scanner not plugged in yet is looked for until it is.
func (s *service) startScanners(cfg *config.Config, scr *screens, log *slog.Logger) (map[string]*scanner.Scanner, error) {
	out := map[string]*scanner.Scanner{}
	for _, sc := range cfg.Scanners {
		ctx, cancel := context.WithCancel(context.Background())
		dev, err := scanner.Start(ctx, scanner.Opts{
			Name: sc.Name, Kiosk: sc.Kiosk, Path: sc.Path, VID: strings.ToLower(sc.VID), PID: strings.ToLower(sc.PID),
			Serial: sc.Serial, Baud: sc.Baud, Suffix: scanner.Suffix(strings.ToLower(sc.Suffix)), Logger: log,
			HID:    sc.Type == config.ScannerHID,
			OnCode: func(c scanner.Code) { scr.hub.Push(c.Kiosk, c.Text) },
		})
		if err != nil {
			cancel()
			return nil, fmt.Errorf("serve: scanner %s: %w", sc.Name, err)
		}
		s.onClose(func() {
			cancel()
			dev.Close()
		})
		out[sc.Name] = dev
	}
	return out, nil
}

// printingOpts are the printers of cfg and what their jobs print.
func printingOpts(cfg *config.Config, log *slog.Logger) printing.Opts {
	o := printing.Opts{
		KioskPrinters: map[string]string{},
		TicketTimeout: cfg.Printing.TicketTimeout, JobTimeout: cfg.Printing.JobTimeout, KeepJobData: cfg.Printing.KeepJobData,
		DataDir: cfg.DataDir, CenterName: cfg.Center.Name, CenterAddress: cfg.Center.Address,
		BaseURL: cfg.BaseURL(), Location: cfg.Location(), Logger: log, Categories: cfg.CategoryNames(),
	}
	for _, p := range cfg.Printers {
		o.Printers = append(o.Printers, printerOpts(p))
	}
	for _, k := range cfg.Kiosks {
		if k.Printer != "" {
			o.KioskPrinters[k.ID] = k.Printer
		}
	}
	return o
}

// printerOpts is how printing reaches the configured printer p.
func printerOpts(p config.Printer) printing.Printer {
	return printing.Printer{Name: p.Name, Transport: p.Transport, Dir: p.Dir, Path: p.Path, Baud: p.Baud,
		FlowControl: p.FlowControl, Addr: p.Addr, Width: p.Width, RasterCodes: p.RasterCodes, Status: p.Status, Model: p.Model}
}

// openDisplay builds the lobby screens' hub with the spoken calls.
func openDisplay(cfg *config.Config, engine *queue.Engine, log *slog.Logger) (*display.Hub, error) {
	clips := cfg.Voice.Clips
	if clips != "" && !filepath.IsAbs(clips) {
		clips = filepath.Join(cfg.DataDir, clips)
	}
	speaker, err := voice.New(voice.Opts{Clips: clips, Espeak: cfg.Voice.Espeak, EspeakVoice: cfg.Voice.EspeakVoice, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("serve: voice: %w", err)
	}
	var screens []display.Screen
	for _, sc := range cfg.Screens {
		screens = append(screens, display.Screen{Name: sc.Name, Token: sc.Credential(), Fields: sc.Fields, Counters: sc.Counters})
	}
	return display.New(display.Opts{Source: engine, Screens: screens, Voice: speaker, TicketAPI: server.TicketsPath,
		Title: cfg.Center.Name, Location: cfg.Location(), Logger: log, Categories: cfg.CategoryNames(),
		MaxConns: cfg.Limits.MaxSockets, MaxConnsPerAddr: cfg.Limits.MaxSocketsPerAddr})
}

// mountDisplay serves the lobby and counter screens, their socket, voice and
// assets, and the phone page of a ticket, on the paths the hub declares.
func mountDisplay(r gin.IRouter, hub *display.Hub) {
	mountRoutes(r, hub.Routes(), hub.Handler())
}

// dossierLookup opens the embedded registry and the lookup service on the
// configured source.
func dossierLookup(ctx context.Context, cfg *config.Config, db *sql.DB, receiptKey []byte, oldReceiptKeys [][]byte, hub hubAsk, log *slog.Logger) (*registry.Registry, *lookup.Service, error) {
	reg, err := registry.Open(ctx, db, registry.Opts{Codes: cfg.Dossiers.Codes(), Logger: log})
	if err != nil {
		return nil, nil, err
	}
	var source dossier.Source = reg
	if cfg.Dossiers.Source == config.SourceUpstream {
		o := *cfg.Dossiers.Upstream
		o.Logger = log
		up, err := upstream.New(o)
		if err != nil {
			return nil, nil, fmt.Errorf("serve: dossiers.upstream: %w", err)
		}
		source = up
	}
	if len(cfg.Dossiers.Sources) > 0 {
		if source, err = dossierSources(cfg, reg, hub, log); err != nil {
			return nil, nil, err
		}
	}
	parser, err := lookup.NewParser(lookup.ParserOpts{Codes: cfg.Dossiers.Codes(),
		PublicBaseURL: cfg.BaseURL(), Secret: receiptKey, OldSecrets: oldReceiptKeys, ReceiptPrefix: web.ReceiptPrefix, TicketPrefix: display.PhonePrefix})
	if err != nil {
		return nil, nil, fmt.Errorf("serve: dossiers: %w", err)
	}
	rate := lookup.RateOpts{PerMinute: float64(cfg.Dossiers.RatePerMinute)}
	look, err := lookup.New(lookup.Opts{Parser: parser, Source: source, Limiter: lookup.NewRateLimiter(rate), Logger: log})
	if err != nil {
		return nil, nil, fmt.Errorf("serve: dossiers: %w", err)
	}
	return reg, look, nil
}
