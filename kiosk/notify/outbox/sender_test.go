package outbox

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/notifytest"
)

type rig struct {
	t        *testing.T
	ctx      context.Context
	clock    *clocktest.Fake
	path     string
	store    *Store
	outcomes chan Outcome
	logs     *bytes.Buffer
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	r := &rig{t: t, ctx: ctx, clock: clocktest.New(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)), // 09:00 in Vietnam
		path: filepath.Join(t.TempDir(), "center.db"), outcomes: make(chan Outcome, 256), logs: &bytes.Buffer{}}
	r.open()
	return r
}

func (r *rig) open() {
	db, err := database.Open(r.path)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { db.Close() })
	if r.store, err = NewStore(r.ctx, db, StoreOpts{Clock: r.clock}); err != nil {
		r.t.Fatal(err)
	}
}

var ict = time.FixedZone("ICT", 7*3600)

// run starts a sender on the rig's store; the returned func stops it.
func (r *rig) run(o SenderOpts) (*Sender, func()) {
	r.t.Helper()
	o.Store, o.Clock, o.Location = r.store, r.clock, ict
	o.Logger = slog.New(slog.NewJSONHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.Observe = func(out Outcome) { r.outcomes <- out }
	s, err := NewSender(o)
	if err != nil {
		r.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(r.ctx)
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	stop := func() { cancel(); <-done }
	r.t.Cleanup(stop)
	return s, stop
}

func (r *rig) contact(key, phone, email string) {
	r.t.Helper()
	if err := r.store.AddContact(r.ctx, notify.Contact{Key: key, Ticket: strings.TrimPrefix(key, "t:"), Phone: phone, Email: email,
		Expires: r.clock.Now().Add(24 * time.Hour)}, nil, nil); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) decide(ms ...notify.Message) {
	r.t.Helper()
	for i := range ms {
		if ms[i].At.IsZero() {
			ms[i].At = r.clock.Now()
		}
		if ms[i].Params == nil {
			ms[i].Params = map[string]string{"number": "A001"}
		}
	}
	if err := r.store.Decide(r.ctx, ms, nil); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) outcome() Outcome {
	r.t.Helper()
	select {
	case o := <-r.outcomes:
		return o
	case <-r.ctx.Done():
		r.t.Fatal("no outcome")
	}
	return Outcome{}
}

func (r *rig) item(key string) Item {
	r.t.Helper()
	its, err := r.store.Items(r.ctx, "")
	if err != nil {
		r.t.Fatal(err)
	}
	for _, it := range its {
		if it.Message.Key == key {
			return it
		}
	}
	r.t.Fatalf("no message %s", key)
	return Item{}
}

// advance moves the clock by d once something of the sender waits for a
// time within d (waits it abandoned stay listed, so the count alone says
// nothing).
func (r *rig) advance(d time.Duration) {
	r.t.Helper()
	for {
		if next, ok := r.clock.Next(); ok && !next.After(r.clock.Now().Add(d)) {
			r.clock.Advance(d)
			return
		}
		if !r.clock.WaitForWaiters(r.ctx, r.clock.Waiters()+1) {
			r.t.Fatal("the sender does not wait")
		}
	}
}

func called(id string) notify.Message {
	return notify.Message{Key: "t:" + id + ":called", Kind: notify.KindCalled, Contact: "t:" + id}
}

func TestFallsBackToTheNextChannel(t *testing.T) {
	r := newRig(t)
	zns := notifytest.NewChannel("zns", notifytest.Refuse("zns", notify.FailRecipient, "-118"))
	sms := notifytest.NewChannel("sms")
	r.run(SenderOpts{Channels: []notify.Channel{zns, sms}})
	r.contact("t:1", "84912345678", "")
	r.decide(called("1"))
	if o := r.outcome(); o.Channel != "zns" || o.Failure != notify.FailRecipient {
		t.Fatalf("first outcome %+v", o)
	}
	if o := r.outcome(); o.Channel != "sms" || o.Failure != "" {
		t.Fatalf("second outcome %+v", o)
	}
	it := r.item("t:1:called")
	if it.State != Sent || it.Channel != "sms" || it.ProviderID != "sms-1" {
		t.Fatalf("item %+v", it)
	}
	if got := sms.Got(); len(got) != 1 || got[0].Phone != "84912345678" || got[0].Key != "t:1:called" {
		t.Fatalf("sms got %+v", got)
	}
}

func TestRetriesWithBackoffThenFallsBack(t *testing.T) {
	r := newRig(t)
	temp := notifytest.Refuse("zns", notify.FailTemporary, "")
	zns := notifytest.NewChannel("zns", temp, temp, temp)
	sms := notifytest.NewChannel("sms")
	r.run(SenderOpts{Channels: []notify.Channel{zns, sms}, Backoff: 5 * time.Second, MaxAttempts: 3})
	r.contact("t:1", "84912345678", "")
	start := r.clock.Now()
	r.decide(called("1"))
	r.outcome()
	if it := r.item("t:1:called"); it.State != Pending || it.Attempts != 1 || !it.NextAt.Equal(start.Add(5*time.Second)) {
		t.Fatalf("after one failure: %+v", it)
	}
	r.advance(5 * time.Second)
	r.outcome()
	if it := r.item("t:1:called"); it.Attempts != 2 || !it.NextAt.Equal(start.Add(15*time.Second)) {
		t.Fatalf("after two failures: %+v (backoff doubles)", it)
	}
	r.advance(10 * time.Second)
	if o := r.outcome(); o.Channel != "zns" || o.Failure != notify.FailTemporary {
		t.Fatalf("third zns attempt %+v", o)
	}
	if o := r.outcome(); o.Channel != "sms" || o.Failure != "" {
		t.Fatalf("after MaxAttempts: %+v", o)
	}
	if it := r.item("t:1:called"); it.State != Sent || it.Channel != "sms" {
		t.Fatalf("final %+v", it)
	}
}

func TestRateLimitPausesTheChannel(t *testing.T) {
	r := newRig(t)
	zns := notifytest.NewChannel("zns", &notify.SendError{Channel: "zns", Failure: notify.FailRateLimited, RetryAfter: time.Minute})
	r.run(SenderOpts{Channels: []notify.Channel{zns}})
	r.contact("t:1", "84912345678", "")
	r.contact("t:2", "84912345679", "")
	r.decide(called("1"))
	r.outcome()
	if it := r.item("t:1:called"); it.State != Pending || !it.NextAt.Equal(r.clock.Now().Add(time.Minute)) {
		t.Fatalf("rate-limited message: %+v", it)
	}
	r.decide(called("2")) // due now, but the channel rests
	r.advance(time.Minute)
	r.outcome()
	r.outcome()
	if got := zns.Got(); len(got) != 3 {
		t.Fatalf("zns asked %d times, want 3 (no request while paused)", len(got))
	}
}

func TestTokenBucket(t *testing.T) {
	r := newRig(t)
	sms := notifytest.NewChannel("sms")
	r.run(SenderOpts{Channels: []notify.Channel{sms}, Workers: 1, Rates: map[string]Rate{"sms": {PerSecond: 1, Burst: 2}}})
	for _, id := range []string{"1", "2", "3"} {
		r.contact("t:"+id, "84912345678", "")
		r.decide(called(id))
	}
	r.outcome()
	r.outcome()
	// The third waits for a token, a second away.
	r.advance(time.Second)
	o := r.outcome()
	if !o.At.Equal(o.Decided.Add(time.Second)) {
		t.Fatalf("third sent at %v, decided %v: want one second later (1/s after a burst of 2)", o.At, o.Decided)
	}
}

func TestQuietHoursHoldDossierMessages(t *testing.T) {
	r := newRig(t)
	r.clock.Set(time.Date(2026, 3, 2, 22, 30, 0, 0, ict))
	email := notifytest.NewChannel("email")
	r.run(SenderOpts{Channels: []notify.Channel{email}, Quiet: &Quiet{From: 21 * 60, To: 7 * 60}})
	r.contact("d:H01", "", "a@example.vn")
	r.contact("t:1", "", "a@example.vn")
	r.decide(notify.Message{Key: "d:H01:result_ready:9", Kind: notify.KindResultReady, Contact: "d:H01"}, called("1"))
	if o := r.outcome(); o.Kind != notify.KindCalled {
		t.Fatalf("at night the live message goes first: %+v", o)
	}
	it := r.item("d:H01:result_ready:9")
	if want := time.Date(2026, 3, 3, 7, 0, 0, 0, ict); it.State != Pending || !it.NextAt.Equal(want) {
		t.Fatalf("dossier message at night: %s next %v, want pending until %v", it.State, it.NextAt, want)
	}
	r.advance(time.Date(2026, 3, 3, 7, 0, 0, 0, ict).Sub(r.clock.Now()))
	if o := r.outcome(); o.Kind != notify.KindResultReady || o.Failure != "" {
		t.Fatalf("in the morning: %+v", o)
	}
}

func TestTooLateIsDropped(t *testing.T) {
	r := newRig(t)
	zns := notifytest.NewChannel("zns")
	moot := map[string]bool{"t:1:ahead": true}
	r.run(SenderOpts{Channels: []notify.Channel{zns}, Timely: func(m notify.Message) bool { return !moot[m.Key] }})
	r.contact("t:1", "84912345678", "")
	r.decide(notify.Message{Key: "t:1:ahead", Kind: notify.KindAhead, Contact: "t:1"},
		notify.Message{Key: "t:1:called", Kind: notify.KindCalled, Contact: "t:1", Expires: r.clock.Now().Add(-time.Second)},
		notify.Message{Key: "t:1:no_show", Kind: notify.KindNoShow, Contact: "t:1"})
	for range 3 {
		r.outcome()
	}
	for _, k := range []string{"t:1:ahead", "t:1:called"} {
		if it := r.item(k); it.State != Dropped || it.Reason != "too late" {
			t.Errorf("%s: %s (%s), want dropped too late", k, it.State, it.Reason)
		}
	}
	if n := len(zns.Got()); n != 1 {
		t.Errorf("provider asked %d times, want 1", n)
	}
}

// A crash after the request left and before its outcome was stored: the
// message is sent again, with the same key, once.
func TestCrashWhileSendingSendsAgainOnce(t *testing.T) {
	r := newRig(t)
	r.contact("t:1", "84912345678", "")
	r.decide(called("1"))
	its, err := r.store.Due(r.ctx, r.clock.Now(), 10)
	if err != nil || len(its) != 1 {
		t.Fatal(its, err)
	}
	if ok, err := r.store.Claim(r.ctx, its[0].ID); !ok || err != nil {
		t.Fatal(ok, err)
	}
	// The process dies here: the row says sending. A new process starts.
	r.open()
	zns := notifytest.NewChannel("zns")
	r.run(SenderOpts{Channels: []notify.Channel{zns}})
	r.outcome()
	if got := zns.Got(); len(got) != 1 || got[0].Key != "t:1:called" {
		t.Fatalf("after the restart: %+v", got)
	}
	if it := r.item("t:1:called"); it.State != Sent || it.Attempts != 2 {
		t.Fatalf("item %+v, want sent at the second attempt", it)
	}
	// A gateway that knows the key answers duplicate: sent, not failed.
	r.contact("t:2", "84912345678", "")
	sms := notifytest.NewChannel("sms", notifytest.Refuse("sms", notify.FailDuplicate, "124"))
	r.run(SenderOpts{Channels: []notify.Channel{sms}})
	r.decide(called("2"))
	r.outcome()
	if it := r.item("t:2:called"); it.State != Sent {
		t.Fatalf("duplicate answer: %+v", it)
	}
}

func TestEveryChannelRefusesFails(t *testing.T) {
	r := newRig(t)
	zns := notifytest.NewChannel("zns", notifytest.Refuse("zns", notify.FailChannel, "-117"))
	sms := notifytest.NewChannel("sms", notifytest.Refuse("sms", notify.FailRecipient, "invalid phone"))
	r.run(SenderOpts{Channels: []notify.Channel{zns, sms}})
	r.contact("t:1", "84912345678", "")
	r.decide(called("1"))
	r.outcome()
	r.outcome()
	if it := r.item("t:1:called"); it.State != Failed || !strings.Contains(it.Reason, "recipient") {
		t.Fatalf("item %+v", it)
	}
	counts, err := r.store.Counts(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0].State != Failed || counts[0].N != 1 {
		t.Fatalf("counts %+v", counts)
	}
}

func TestRetentionForgetsTheNumber(t *testing.T) {
	r := newRig(t)
	const phone = "84912345678"
	if err := r.store.AddContact(r.ctx, notify.Contact{Key: "t:1", Ticket: "1", Phone: phone,
		Expires: r.clock.Now().Add(time.Hour)}, []notify.Message{{Key: "t:1:rating", Kind: notify.KindRating, Contact: "t:1",
		Params: map[string]string{"number": "A001"}, At: r.clock.Now().Add(2 * time.Hour)}}, nil); err != nil {
		t.Fatal(err)
	}
	// The rating request falls due after the retention: it is dropped.
	r.clock.Advance(time.Hour)
	if err := r.store.Purge(r.ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	if ok, _ := r.store.HasContact(r.ctx, "t:1"); ok {
		t.Fatal("contact kept after its retention")
	}
	if it := r.item("t:1:rating"); it.State != Dropped || it.Reason != "contact expired" {
		t.Fatalf("message of an expired contact: %+v", it)
	}
	var n int
	if err := r.store.db.QueryRowContext(r.ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&n, new(int), new(int)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(r.path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(phone)) {
		t.Error("the phone number is still in the database file")
	}
}

// No log line carries a phone number or an address, whatever happens.
func TestNoPhoneInLogs(t *testing.T) {
	r := newRig(t)
	zns := notifytest.NewChannel("zns", notifytest.Refuse("zns", notify.FailRecipient, "-108"),
		notifytest.Refuse("zns", notify.FailTemporary, ""), &notify.SendError{Channel: "zns", Failure: notify.FailRateLimited})
	sms := notifytest.NewChannel("sms", notifytest.Refuse("sms", notify.FailRecipient, ""))
	r.run(SenderOpts{Channels: []notify.Channel{zns, sms}, MaxAttempts: 1})
	for _, id := range []string{"1", "2", "3", "4"} {
		r.contact("t:"+id, "8491234567"+id, "cong.dan"+id+"@example.vn")
		r.decide(called(id))
	}
	for range 6 {
		r.outcome()
	}
	logs := r.logs.String()
	if logs == "" {
		t.Fatal("nothing logged")
	}
	for _, id := range []string{"1", "2", "3", "4"} {
		for _, s := range []string{"91234567" + id, "cong.dan" + id} {
			if strings.Contains(logs, s) {
				t.Errorf("a log line carries %q:\n%s", s, logs)
			}
		}
	}
}
