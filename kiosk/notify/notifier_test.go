package notify_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/kiosk/dossier"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/outbox"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// center is a running engine with a notifier on a real outbox.
type center struct {
	t      *testing.T
	ctx    context.Context
	clock  *clocktest.Fake
	engine *queue.Engine
	store  *queuetest.Store
	dbPath string
	box    *outbox.Store
	n      *notify.Notifier
	stop   func()
}

var allKinds = notify.Kinds()

func newCenter(t *testing.T, o notify.Opts) *center {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c := &center{t: t, ctx: ctx, clock: clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
		store: queuetest.NewStore(), dbPath: filepath.Join(t.TempDir(), "center.db")}
	e, err := queue.New(ctx, queue.Opts{
		Fields: []queue.Field{{Code: "A", Name: "Hộ tịch"}, {Code: "B", Name: "Đất đai"}},
		Counters: []queue.Counter{
			{ID: "1", Name: "Quầy 1", Services: []string{"A", "B"}},
			{ID: "2", Name: "Quầy 2", Services: []string{"B"}},
		},
		Store: c.store, Clock: c.clock, Location: time.UTC,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.engine = e
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	if err := e.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	c.start(o)
	return c
}

// start runs a notifier on the center's database, as a restart would.
func (c *center) start(o notify.Opts) {
	c.t.Helper()
	db, err := database.Open(c.dbPath)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { db.Close() })
	c.box, err = outbox.NewStore(c.ctx, db, outbox.StoreOpts{Clock: c.clock})
	if err != nil {
		c.t.Fatal(err)
	}
	o.Source, o.Outbox, o.Clock = c.engine, c.box, c.clock
	if o.Kinds == nil {
		o.Kinds = allKinds
	}
	if o.PageURL == "" {
		o.PageURL = "https://motcua.example.gov.vn/"
	}
	c.n, err = notify.New(o)
	if err != nil {
		c.t.Fatal(err)
	}
	c.engine.OnEvents(c.n.Publish)
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan error, 1)
	go func() { done <- c.n.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				c.t.Errorf("notifier: %v", err)
			}
		})
	}
	c.stop = stop
	c.t.Cleanup(stop)
	c.sync()
}

// sync waits until the notifier stored what the engine's events decided.
func (c *center) sync() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	if err := c.n.Sync(ctx, c.engine.Snapshot().Seq); err != nil {
		c.t.Fatalf("notifier did not catch up: %v", err)
	}
}

func (c *center) issue(field string, priority bool) queue.Ticket {
	c.t.Helper()
	c.clock.Advance(time.Second)
	t, err := c.engine.Issue(c.ctx, queue.IssueRequest{Service: field, Priority: priority})
	if err != nil {
		c.t.Fatal(err)
	}
	return t
}

func (c *center) do(what string, fn func(ctx context.Context) (queue.Ticket, error)) queue.Ticket {
	c.t.Helper()
	c.clock.Advance(time.Second)
	t, err := fn(c.ctx)
	if err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
	c.sync()
	return t
}

// items returns the ticket's messages by kind.
func (c *center) items(id string) map[notify.Kind][]outbox.Item {
	c.t.Helper()
	its, err := c.box.Items(c.ctx, notify.TicketContact(id))
	if err != nil {
		c.t.Fatal(err)
	}
	out := map[notify.Kind][]outbox.Item{}
	for _, it := range its {
		out[it.Message.Kind] = append(out[it.Message.Kind], it)
	}
	return out
}

func TestAheadOnceWhileTheQueueMoves(t *testing.T) {
	c := newCenter(t, notify.Opts{AheadAt: 3})
	var a []queue.Ticket
	for range 5 {
		a = append(a, c.issue("A", false))
	}
	mine := c.issue("A", false) // A006, 5 ahead
	c.sync()
	if err := c.n.Watch(c.ctx, mine.ID, "0912 345 678", ""); err != nil {
		t.Fatal(err)
	}
	if got := c.items(mine.ID); len(got[notify.KindTaken]) != 1 || len(got[notify.KindAhead]) != 0 {
		t.Fatalf("after watching with 5 ahead: %v", got)
	}
	next := func() queue.Ticket {
		return c.do("next", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Next(ctx, "1") })
	}
	next() // A001: 4 ahead
	if got := c.items(mine.ID); len(got[notify.KindAhead]) != 0 {
		t.Fatalf("4 ahead already told: %+v", got[notify.KindAhead])
	}
	next() // A002: 3 ahead
	got := c.items(mine.ID)
	if len(got[notify.KindAhead]) != 1 || got[notify.KindAhead][0].Message.Params["ahead"] != "3" {
		t.Fatalf("at 3 ahead: %+v", got[notify.KindAhead])
	}
	// The queue moves back and forth: a priority ticket, a no-show put
	// back at its place, a transfer into the field, a recall.
	c.issue("A", true)
	c.sync()
	c.do("no-show", func(ctx context.Context) (queue.Ticket, error) { return c.engine.NoShow(ctx, "1") })
	c.do("return", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Return(ctx, "1", a[1].ID) })
	b := c.issue("B", false)
	c.sync()
	c.do("call B", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Call(ctx, "2", b.ID) })
	c.do("transfer", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Transfer(ctx, "2", "A") })
	for range 3 {
		next()
		c.do("recall", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Recall(ctx, "1") })
	}
	if got := c.items(mine.ID); len(got[notify.KindAhead]) != 1 {
		t.Fatalf("ahead told %d times", len(got[notify.KindAhead]))
	}
	for {
		if tk := next(); tk.ID == mine.ID {
			break
		}
	}
	c.issue("A", false)
	c.sync()
	got = c.items(mine.ID)
	if len(got[notify.KindAhead]) != 1 || len(got[notify.KindCalled]) != 1 {
		t.Fatalf("after the call: ahead %d, called %d", len(got[notify.KindAhead]), len(got[notify.KindCalled]))
	}
	called := got[notify.KindCalled][0]
	if called.Message.Params["counter"] != "Quầy 1" || called.Message.Params["number"] != mine.Number {
		t.Errorf("called params %v", called.Message.Params)
	}
	// The ahead and taken messages nobody sent are moot now.
	for _, k := range []notify.Kind{notify.KindTaken, notify.KindAhead} {
		if it := got[k][0]; it.State != outbox.Dropped || it.Reason != "called" {
			t.Errorf("%s: state %s (%s), want dropped (called)", k, it.State, it.Reason)
		}
	}
}

func TestNoAheadAfterTheCall(t *testing.T) {
	c := newCenter(t, notify.Opts{AheadAt: 3})
	for range 5 {
		c.issue("A", false)
	}
	mine := c.issue("A", false)
	c.sync()
	if err := c.n.Watch(c.ctx, mine.ID, "0912345678", ""); err != nil {
		t.Fatal(err)
	}
	c.do("call", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Call(ctx, "1", mine.ID) })
	c.do("recall", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Recall(ctx, "1") })
	for range 4 {
		c.issue("A", false)
	}
	c.do("complete", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Complete(ctx, "1") })
	for range 3 {
		c.do("next", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Next(ctx, "1") })
	}
	got := c.items(mine.ID)
	if len(got[notify.KindAhead]) != 0 || len(got[notify.KindCalled]) != 1 || len(got[notify.KindRating]) != 1 {
		t.Fatalf("ahead %d, called %d, rating %d; want 0, 1, 1",
			len(got[notify.KindAhead]), len(got[notify.KindCalled]), len(got[notify.KindRating]))
	}
	if it := got[notify.KindCalled][0]; it.State != outbox.Dropped || it.Reason != "served" {
		t.Errorf("called after service: %s (%s), want dropped (served)", it.State, it.Reason)
	}
}

func TestNothingForACancelledTicket(t *testing.T) {
	c := newCenter(t, notify.Opts{AheadAt: 3})
	for range 5 {
		c.issue("A", false)
	}
	mine := c.issue("A", false)
	c.sync()
	if err := c.n.Watch(c.ctx, mine.ID, "", "cong.dan@Example.VN"); err != nil {
		t.Fatal(err)
	}
	c.do("cancel", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Cancel(ctx, mine.ID) })
	for range 5 {
		c.do("next", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Next(ctx, "1") })
	}
	its, err := c.box.Items(c.ctx, notify.TicketContact(mine.ID))
	if err != nil {
		t.Fatal(err)
	}
	if len(its) != 1 || its[0].Message.Kind != notify.KindTaken || its[0].State != outbox.Dropped || its[0].Reason != "cancelled" {
		t.Fatalf("messages of the cancelled ticket: %+v", its)
	}
	if err := c.n.Watch(c.ctx, mine.ID, "0912345678", ""); !errors.Is(err, notify.ErrNotWaiting) {
		t.Errorf("watching a cancelled ticket: %v, want ErrNotWaiting", err)
	}
}

func TestTakenSaysAheadWhenAlreadyNear(t *testing.T) {
	c := newCenter(t, notify.Opts{AheadAt: 3})
	c.issue("A", false)
	mine := c.issue("A", false)
	c.sync()
	if err := c.n.Watch(c.ctx, mine.ID, "0912345678", ""); err != nil {
		t.Fatal(err)
	}
	c.do("next", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Next(ctx, "1") })
	got := c.items(mine.ID)
	if p := got[notify.KindTaken][0].Message.Params; p["ahead"] != "1" || p["link"] != "https://motcua.example.gov.vn/t/"+mine.ID {
		t.Errorf("taken params %v", p)
	}
	if a := got[notify.KindAhead]; len(a) != 1 || a[0].State != outbox.Dropped {
		t.Fatalf("ahead: %+v, want one dropped (said by the taken message)", a)
	}
	// Without the taken message, the ahead one is sent at once.
	c2 := newCenter(t, notify.Opts{AheadAt: 3, Kinds: []notify.Kind{notify.KindAhead, notify.KindCalled}})
	c2.issue("A", false)
	m2 := c2.issue("A", false)
	c2.sync()
	if err := c2.n.Watch(c2.ctx, m2.ID, "0912345678", ""); err != nil {
		t.Fatal(err)
	}
	got = c2.items(m2.ID)
	if len(got[notify.KindTaken]) != 0 || len(got[notify.KindAhead]) != 1 || got[notify.KindAhead][0].State != outbox.Pending {
		t.Fatalf("without taken: %+v", got)
	}
}

func TestPerFieldKinds(t *testing.T) {
	c := newCenter(t, notify.Opts{FieldKinds: map[string][]notify.Kind{"B": nil, "A": {notify.KindCalled}}})
	b := c.issue("B", false)
	a := c.issue("A", false)
	c.sync()
	if err := c.n.Watch(c.ctx, b.ID, "0912345678", ""); !errors.Is(err, notify.ErrDisabled) {
		t.Errorf("field B: %v, want ErrDisabled", err)
	}
	if err := c.n.Watch(c.ctx, a.ID, "0912345678", ""); err != nil {
		t.Fatal(err)
	}
	c.do("next", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Next(ctx, "1") })
	got := c.items(a.ID)
	if len(got) != 1 || len(got[notify.KindCalled]) != 1 {
		t.Fatalf("field A with only called: %+v", got)
	}
}

func TestBadContact(t *testing.T) {
	c := newCenter(t, notify.Opts{})
	a := c.issue("A", false)
	c.sync()
	for _, tc := range []struct{ phone, email string }{{"", ""}, {"12345", ""}, {"0212345678", ""}, {"", "not-an-address"}} {
		if err := c.n.Watch(c.ctx, a.ID, tc.phone, tc.email); err == nil {
			t.Errorf("Watch(%q, %q) accepted", tc.phone, tc.email)
		}
	}
	if its, _ := c.box.Items(c.ctx, ""); len(its) != 0 {
		t.Errorf("a refused contact stored %d messages", len(its))
	}
}

// A notifier that dies between the engine's commit and its own decides,
// once back, what the queue's state calls for, once.
func TestCrashBetweenTheQueueAndTheOutbox(t *testing.T) {
	c := newCenter(t, notify.Opts{AheadAt: 3})
	for range 5 {
		c.issue("A", false)
	}
	mine := c.issue("A", false)
	other := c.issue("A", false)
	c.sync()
	for _, tk := range []queue.Ticket{mine, other} {
		if err := c.n.Watch(c.ctx, tk.ID, "0912345678", ""); err != nil {
			t.Fatal(err)
		}
	}
	c.stop() // the notifier is gone; the queue goes on
	c.stop = nil
	for range 2 {
		c.clock.Advance(time.Second)
		if _, err := c.engine.Next(c.ctx, "1"); err != nil {
			t.Fatal(err)
		}
	}
	c.clock.Advance(time.Second)
	if _, err := c.engine.Call(c.ctx, "2", other.ID); err != nil { // called by number while no one listens
		t.Fatal(err)
	}
	for range 2 {
		c.start(notify.Opts{AheadAt: 3}) // twice: a second restart decides nothing more
		c.stop()
		c.stop = nil
	}
	got := c.items(mine.ID)
	if len(got[notify.KindAhead]) != 1 || got[notify.KindAhead][0].Message.Params["ahead"] != "3" {
		t.Fatalf("after the restarts: ahead %+v", got[notify.KindAhead])
	}
	if got := c.items(other.ID); len(got[notify.KindCalled]) != 1 || got[notify.KindCalled][0].Message.Params["counter"] != "Quầy 2" {
		t.Fatalf("the number called during the crash: %+v", got[notify.KindCalled])
	}
	c.start(notify.Opts{AheadAt: 3})
	for {
		tk := c.do("next", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Next(ctx, "1") })
		if tk.ID == mine.ID {
			break
		}
	}
	c.stop()
	c.stop = nil
	c.start(notify.Opts{AheadAt: 3})
	if got := c.items(mine.ID); len(got[notify.KindCalled]) != 1 || got[notify.KindCalled][0].State != outbox.Pending {
		t.Fatalf("called after restart: %+v", got[notify.KindCalled])
	}
}

func TestDossierStatusOncePerStatus(t *testing.T) {
	c := newCenter(t, notify.Opts{})
	if err := c.n.DossierChanged(c.ctx, "000.00.00.H01-260302-0001", dossier.StatusProcessing); err != nil {
		t.Fatal(err)
	}
	if its, _ := c.box.Items(c.ctx, ""); len(its) != 0 {
		t.Fatalf("a dossier nobody watches got %d messages", len(its))
	}
	code := "000.00.00.H01-260302-0001"
	if err := c.n.WatchDossier(c.ctx, code, "0987654321", ""); err != nil {
		t.Fatal(err)
	}
	for _, st := range []dossier.Status{dossier.StatusProcessing, dossier.StatusProcessing, dossier.StatusDone, dossier.StatusDone} {
		if err := c.n.DossierChanged(c.ctx, code, st); err != nil {
			t.Fatal(err)
		}
	}
	its, err := c.box.Items(c.ctx, notify.DossierContact(dossier.NormalizeCode(code)))
	if err != nil {
		t.Fatal(err)
	}
	if len(its) != 2 || its[0].Message.Kind != notify.KindDossierStatus || its[1].Message.Kind != notify.KindResultReady {
		t.Fatalf("dossier messages: %+v", its)
	}
	if its[0].Message.Params["status"] != dossier.StatusProcessing.Label() {
		t.Errorf("status param %q", its[0].Message.Params["status"])
	}
}

func TestTimely(t *testing.T) {
	c := newCenter(t, notify.Opts{})
	a := c.issue("A", false)
	c.sync()
	if err := c.n.Watch(c.ctx, a.ID, "0912345678", ""); err != nil {
		t.Fatal(err)
	}
	taken := notify.Message{Kind: notify.KindTaken, Contact: notify.TicketContact(a.ID)}
	called := notify.Message{Kind: notify.KindCalled, Contact: notify.TicketContact(a.ID), Expires: c.clock.Now().Add(time.Hour)}
	if !c.n.Timely(taken) || c.n.Timely(called) {
		t.Fatal("waiting: taken should be timely, called not")
	}
	c.do("next", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Next(ctx, "1") })
	if c.n.Timely(taken) || !c.n.Timely(called) {
		t.Fatal("called: taken should be moot, called timely")
	}
	c.clock.Advance(2 * time.Hour)
	if c.n.Timely(called) {
		t.Fatal("called past its expiry")
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"0912 345 678": "84912345678", "+84 912.345.678": "84912345678", "84387654321": "84387654321",
		"0212345678": "", "091234567": "", "09123456789": "", "0912-345-67a": "", "": "",
	} {
		got, err := notify.NormalizePhone(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// An online booking's phone, kept before its ticket exists, follows the
// ticket checked in from it as a phone typed at the kiosk: its "taken" and
// "called" go to it; the booking's copy is forgotten then, and a booking
// without one (no consent) is not watched.
func TestWatchBooking(t *testing.T) {
	c := newCenter(t, notify.Opts{AheadAt: 3})
	end := c.clock.Now().Add(30 * time.Minute)
	if err := c.n.KeepBooking(c.ctx, "bk1", "12345", end); !errors.Is(err, notify.ErrBadPhone) {
		t.Fatalf("a bad phone: %v", err)
	}
	if err := c.n.KeepBooking(c.ctx, "bk1", "0912345678", end); err != nil {
		t.Fatal(err)
	}
	if err := c.n.KeepBooking(c.ctx, "bk2", "0987654321", end); err != nil {
		t.Fatal(err)
	}
	if err := c.n.ForgetBooking(c.ctx, "bk2"); err != nil {
		t.Fatal(err)
	}
	tk := c.issue("A", false)
	c.sync()
	if ok, err := c.n.WatchBooking(c.ctx, "bk1", tk.ID); err != nil || !ok {
		t.Fatalf("watch booking: %v %v", ok, err)
	}
	other := c.issue("A", false)
	c.sync()
	if ok, err := c.n.WatchBooking(c.ctx, "bk2", other.ID); err != nil || ok {
		t.Fatalf("a forgotten booking watched: %v %v", ok, err)
	}
	if ok, _ := c.box.HasContact(c.ctx, notify.BookingContact("bk1")); ok {
		t.Fatal("the booking's copy of the phone is kept after check-in")
	}
	c.do("next", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Next(ctx, "1") })
	c.sync()
	its, err := c.box.Items(c.ctx, notify.TicketContact(tk.ID))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[notify.Kind]bool{}
	for _, it := range its {
		kinds[it.Message.Kind] = true
	}
	if !kinds[notify.KindTaken] || !kinds[notify.KindCalled] {
		t.Fatalf("messages of the checked-in ticket: %+v", its)
	}
	got, ok, err := c.box.Contact(c.ctx, notify.TicketContact(tk.ID))
	if err != nil || !ok || got.Phone != "84912345678" {
		t.Fatalf("the ticket's contact: %+v %v %v", got, ok, err)
	}
	if its, _ := c.box.Items(c.ctx, notify.TicketContact(other.ID)); len(its) != 0 {
		t.Fatalf("messages for a ticket without consent: %+v", its)
	}
}

func TestMasks(t *testing.T) {
	for in, want := range map[string]string{
		"0912 345 678": "09xx xxx 678", "+84 387.654.321": "03xx xxx 321", "12345": "",
	} {
		if got := notify.MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"hoa.nguyen@Example.VN": "h***@example.vn", "Đức@mail.vn": "Đ***@mail.vn", "khong-phai-thu": "",
	} {
		if got := notify.MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
