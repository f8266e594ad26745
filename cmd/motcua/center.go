package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/database"
	"motcua/kiosk/notify/relay"
	"motcua/province/link"
	"motcua/province/wire"
	"motcua/queue"
	"motcua/queue/sqlite"
)

// centerSvc is a center's service that its hub can reconfigure while it runs:
// it owns the running service and, for a configuration the hub published,
// builds a new one on the same data directory and database and hands the
// HTTP traffic over to it. The day is in the database, so the tickets
// waiting stay waiting; pages and screens reconnect by themselves.
type centerSvc struct {
	local *config.Config // the center's own file
	o     serviceOpts
	log   *slog.Logger
	front *front

	mu   sync.Mutex // held while the service changes
	svc  *service
	base *config.Config // the file, or the hub's configuration with the file's own keys
	// accounts are the province's staff for this center (nil: none yet);
	// cfg is base with them: the configuration running.
	accounts []wire.Account
	cfg      *config.Config
	stop     func() // stops the link and closes its database
	// link is read by the engine's committer and /healthz while mu may be
	// held by a change of service (which waits for that committer): it is
	// not under mu. nil without a hub section.
	link atomic.Pointer[link.Link]
	// running is the service now, for the status; swapped with it.
	running atomic.Pointer[service]
}

// hubConfigFile is where a center keeps the configuration the hub published
// last and it runs, so that a restart runs it too, link or no link;
// hubAccountsFile the province's accounts it received last.
const (
	hubConfigFile   = "hub-config.json"
	hubAccountsFile = "hub-accounts.json"
)

type savedConfig struct {
	Version int    `json:"version"`
	YAML    string `json:"yaml"`
}

// openCenter starts the center on its own file, or on the hub's last
// configuration when it has one, and its hub link.
func openCenter(ctx context.Context, local *config.Config, o serviceOpts) (_ *centerSvc, err error) {
	c := &centerSvc{local: local, o: o, log: o.log, front: newFront(), base: local, cfg: local, stop: func() {}}
	if c.log == nil {
		c.log = slog.Default()
	}
	if local.Hub.Enabled() {
		keys, err := openBookingKeys(local.DataDir, c.log)
		if err != nil {
			return nil, err
		}
		c.o.bookingKeys = keys
		if saved, err := loadHubConfig(local.DataDir); err != nil {
			return nil, err
		} else if saved.Version > 0 {
			next, err := local.WithHub([]byte(saved.YAML))
			if err != nil {
				c.log.Error("the hub's configuration kept in the data directory no longer checks with this file: running the file's own", "version", saved.Version, "err", err)
			} else {
				c.base = next
			}
		}
		accounts, err := loadHubAccounts(local.DataDir)
		if err != nil {
			return nil, err
		}
		if c.cfg, err = c.withAccounts(c.base, accounts); err != nil {
			c.log.Error("the province's accounts kept in the data directory do not check: running without them", "err", err)
			c.cfg = c.base
		} else {
			c.accounts = accounts
		}
		c.o.onEvents = func(evs []queue.Event) {
			if l := c.linkNow(); l != nil && len(evs) > 0 {
				l.Wake(evs[len(evs)-1].Seq)
			}
		}
		c.o.hubDossier = func(ctx context.Context, code string) (wire.DossierReply, error) {
			if l := c.linkNow(); l != nil {
				return l.Dossier(ctx, code)
			}
			return wire.DossierReply{}, link.ErrNotConnected
		}
		c.o.hubHeld = c.held
		c.o.hubNotify = func() relay.Hub {
			if l := c.linkNow(); l != nil {
				return l
			}
			return nil
		}
		c.o.health = map[string]func() any{"hub": func() any {
			if l := c.linkNow(); l != nil {
				return l.State()
			}
			return nil
		}}
	}
	svc, err := openService(ctx, c.cfg, c.o)
	if err != nil {
		return nil, err
	}
	c.svc = svc
	c.running.Store(svc)
	c.front.set(svc.handler)
	defer func() {
		if err != nil {
			c.close()
		}
	}()
	if local.Hub.Enabled() {
		if err := c.startLink(ctx); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *centerSvc) linkNow() *link.Link { return c.link.Load() }

// held is what person holds on day at the province's other centers, as the
// hub says over the link.
func (c *centerSvc) held(ctx context.Context, person, day string) ([]queue.Elsewhere, error) {
	l := c.linkNow()
	if l == nil {
		return nil, link.ErrNotConnected
	}
	held, err := l.Held(ctx, person, day)
	if err != nil {
		return nil, err
	}
	out := make([]queue.Elsewhere, len(held))
	for i, h := range held {
		out[i] = queue.Elsewhere{Center: cmp.Or(h.CenterName, h.Center), Field: h.Field, Number: h.Number, From: h.From}
	}
	return out, nil
}

// startLink opens the link's own handle on the center's database (it
// outlives the services the hub's configurations replace) and runs it.
func (c *centerSvc) startLink(ctx context.Context) error {
	db, err := database.Open(filepath.Join(c.local.DataDir, "motcua.db"))
	if err != nil {
		return err
	}
	store, err := sqlite.NewStore(ctx, db)
	if err != nil {
		db.Close()
		return err
	}
	marks, err := link.OpenMarks(ctx, db)
	if err != nil {
		db.Close()
		return err
	}
	l, err := link.New(ctx, link.Opts{Center: c.local.Hub.Center, URLs: c.local.Hub.URLs, Seed: c.local.Hub.Seed(), TLS: c.local.Hub.TLS(),
		Events: store, Marks: marks, Status: c.status, Apply: c.apply, Logger: c.log, BookingKey: c.o.bookingKeys.set, Bookings: c.o.bookingKeys.setBookings})
	if err != nil {
		db.Close()
		return err
	}
	if seq, err := lastSeq(ctx, store); err == nil {
		l.Wake(seq)
	}
	lctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := l.Run(lctx); err != nil {
			c.log.Error("hub link stopped", "err", err)
		}
	}()
	c.link.Store(l)
	c.mu.Lock()
	c.stop = func() {
		cancel()
		<-done
		db.Close()
	}
	c.mu.Unlock()
	return nil
}

// lastSeq is the center's last committed event.
func lastSeq(ctx context.Context, s *sqlite.Store) (uint64, error) {
	saved, err := s.Load(ctx)
	return saved.Seq, err
}

// status is the center's state for its hub.
func (c *centerSvc) status() wire.Status {
	svc := c.running.Load()
	st := wire.Status{Software: software()}
	if svc == nil {
		return st
	}
	st.Name = svc.cfg.Center.Name
	counts := svc.engine.Counts()
	st.Day, st.Seq = counts.Day, counts.Seq
	for _, n := range counts.Waiting {
		st.Waiting += n
	}
	if svc.prints != nil {
		st.Printers = map[string]wire.Printer{}
		for name, p := range svc.prints.Statuses() {
			st.Printers[name] = wire.Printer{State: string(p.State), Paper: string(p.Paper), CoverOpen: p.CoverOpen, Error: p.Error}
		}
	}
	if states := svc.scannerStates(); len(states) > 0 {
		st.Scanners = map[string]wire.Scanner{}
		for name, s := range states {
			ws := wire.Scanner{State: "connected", Error: s.Error}
			if !s.Connected {
				ws.State = "disconnected"
			}
			st.Scanners[name] = ws
		}
	}
	svc.hw.wireStatus(&st)
	svc.notes.wireStatus(&st)
	return st
}

// software is motcua's version as the build recorded it.
func software() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// apply runs what the hub published. A configuration that does not check
// with the center's own file, or that the day forbids (a counter removed
// while it serves a citizen), is refused and the center runs on. The
// province's accounts join the staff of whichever configuration runs.
func (c *centerSvc) apply(ctx context.Context, b wire.Bundle) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	base, accounts := c.base, c.accounts
	if b.Config != "" {
		next, err := c.local.WithHub([]byte(b.Config))
		if err != nil {
			return err
		}
		base = next
	}
	if b.Accounts != nil {
		accounts = b.Accounts.List
		if accounts == nil {
			accounts = []wire.Account{}
		}
	}
	next, err := c.withAccounts(base, accounts)
	if err != nil {
		return err
	}
	if errs := next.Unsafe(); len(errs) > 0 {
		return errs[0]
	}
	if err := compatible(c.svc.engine.Snapshot(), next); err != nil {
		return err
	}
	old := c.cfg
	if err := c.swap(ctx, next); err != nil {
		c.log.Error("the hub's configuration did not start: back on the one before", "version", b.ConfigVersion, "err", err)
		if err2 := c.swap(ctx, old); err2 != nil {
			c.log.Error("the configuration before does not start either", "err", err2)
		}
		return err
	}
	c.base, c.accounts = base, accounts
	if b.Config != "" {
		if err := saveHubConfig(c.local.DataDir, savedConfig{Version: b.ConfigVersion, YAML: b.Config}); err != nil {
			c.log.Error("cannot keep the hub's configuration: a restart runs the one before", "err", err)
		}
		c.log.Info("running the hub's configuration", "version", b.ConfigVersion)
	}
	if b.Accounts != nil {
		if err := saveJSON(filepath.Join(c.local.DataDir, hubAccountsFile), accounts); err != nil {
			c.log.Error("cannot keep the province's accounts: a restart runs the ones before", "err", err)
		}
		c.log.Info("running the province's accounts", "version", b.Accounts.Version, "accounts", len(accounts))
	}
	return nil
}

// withAccounts is base with the province's accounts, checked.
func (c *centerSvc) withAccounts(base *config.Config, accounts []wire.Account) (*config.Config, error) {
	if accounts == nil {
		return base, nil
	}
	next, skipped := base.WithAccounts(accounts)
	if len(skipped) > 0 {
		c.log.Warn("province accounts left out: none of their counters is at this center", "accounts", strings.Join(skipped, ","))
	}
	if errs := next.Check("staff"); len(errs) > 0 {
		return nil, errs[0]
	}
	return next, nil
}

// compatible refuses a configuration that would strand a citizen: a
// counter removed while it holds a ticket, a field removed while tickets
// wait in it.
func compatible(snap queue.Snapshot, next *config.Config) error {
	counters := map[string]bool{}
	for _, ct := range next.Counters {
		counters[ct.ID] = true
	}
	fields := map[string]bool{}
	for _, f := range next.Fields {
		fields[f.Code] = true
	}
	for _, ct := range snap.Counters {
		if ct.Current != nil && !counters[ct.ID] {
			return fmt.Errorf("config: counters: counter %s is serving %s: finish or transfer it before the counter is removed", ct.ID, ct.Current.Number)
		}
	}
	for _, f := range snap.Fields {
		if len(f.Waiting) > 0 && !fields[f.Code] {
			return fmt.Errorf("config: fields: field %s (%s) has %d waiting: serve or transfer them before the field is removed", f.Code, f.Name, len(f.Waiting))
		}
	}
	for _, ct := range snap.Counters {
		if ct.Current != nil && !fields[ct.Current.Service] {
			return fmt.Errorf("config: fields: counter %s is serving %s of field %s: finish it before the field is removed", ct.ID, ct.Current.Number, ct.Current.Service)
		}
	}
	return nil
}

// swap stops the running service and starts one on cfg. Called with c.mu.
func (c *centerSvc) swap(ctx context.Context, cfg *config.Config) error {
	c.front.hold()
	defer c.front.release()
	c.front.drain(5 * time.Second)
	c.running.Store(nil)
	c.svc.close()
	svc, err := openService(ctx, cfg, c.o)
	if err != nil {
		return err
	}
	c.svc, c.cfg = svc, cfg
	c.running.Store(svc)
	c.front.set(svc.handler)
	return nil
}

// handler is the center's HTTP service, whichever configuration runs.
func (c *centerSvc) handler() http.Handler { return c.front }

// close stops the link, then the service.
func (c *centerSvc) close() {
	c.mu.Lock()
	stop, svc := c.stop, c.svc
	c.stop = func() {}
	c.mu.Unlock()
	c.link.Store(nil)
	stop()
	if svc != nil {
		svc.close()
	}
}

func loadHubConfig(dir string) (savedConfig, error) {
	var s savedConfig
	b, err := os.ReadFile(filepath.Join(dir, hubConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("serve: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("serve: %s is damaged (delete it: the center asks the hub again): %w", filepath.Join(dir, hubConfigFile), err)
	}
	return s, nil
}

func saveHubConfig(dir string, s savedConfig) error {
	return saveJSON(filepath.Join(dir, hubConfigFile), s)
}

func saveJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, b)
}

// loadHubAccounts are the province's accounts kept; nil when none were
// ever received.
func loadHubAccounts(dir string) ([]wire.Account, error) {
	path := filepath.Join(dir, hubAccountsFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	list := []wire.Account{}
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("serve: %s is damaged (delete it: the center asks the hub again): %w", path, err)
	}
	return list, nil
}

// front passes each request to the running service's handler; while the
// service changes, new requests wait for the next one (a few hundred
// milliseconds) and the requests in flight finish first.
type front struct {
	mu       sync.Mutex
	cur      http.Handler
	ready    chan struct{} // closed when cur is set
	inflight int
	idle     chan struct{} // closed when inflight reaches 0 while held
}

func newFront() *front { return &front{ready: make(chan struct{})} }

func (f *front) set(h http.Handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cur = h
	select {
	case <-f.ready:
	default:
		close(f.ready)
	}
}

func (f *front) hold() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cur = nil
	f.ready = make(chan struct{})
	f.idle = make(chan struct{})
	if f.inflight == 0 {
		close(f.idle)
	}
}

// release lets requests through again, to whatever set last (the old
// handler if the new service did not start and the old was not set back:
// then they are answered 503).
func (f *front) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.ready:
	default:
		close(f.ready)
	}
}

func (f *front) drain(d time.Duration) {
	f.mu.Lock()
	idle := f.idle
	f.mu.Unlock()
	select {
	case <-idle:
	case <-time.After(d):
	}
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for {
		f.mu.Lock()
		h, ready := f.cur, f.ready
		// A socket lives as long as its page: it is not waited for; its
		// service closes it and the page reconnects.
		counted := h != nil && !strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
		if counted {
			f.inflight++
		}
		f.mu.Unlock()
		if h != nil {
			if counted {
				defer f.done()
			}
			h.ServeHTTP(w, r)
			return
		}
		select {
		case <-ready:
			f.mu.Lock()
			still := f.cur == nil
			f.mu.Unlock()
			if still {
				http.Error(w, `{"error":{"code":"service_restarting","message":"Hệ thống đang áp dụng cấu hình mới, vui lòng thử lại sau giây lát."}}`, http.StatusServiceUnavailable)
				return
			}
		case <-r.Context().Done():
			return
		}
	}
}

func (f *front) done() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inflight--
	if f.inflight == 0 && f.cur == nil && f.idle != nil {
		select {
		case <-f.idle:
		default:
			close(f.idle)
		}
	}
}
