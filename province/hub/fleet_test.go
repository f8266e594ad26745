package hub_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"motcua/internal/database"
	"motcua/province/broker"
	"motcua/province/hub"
	"motcua/province/hub/hubtest"
	"motcua/province/link"
	"motcua/province/wire"
	"motcua/queue"
	"motcua/queue/sqlite"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func userKey(t *testing.T) (seed []byte, pub string) {
	t.Helper()
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	seed, _ = kp.Seed()
	pub, _ = kp.PublicKey()
	return seed, pub
}

// province is a hub (embedded NATS on a fixed port and directory, so it can
// be stopped and started again) over an in-memory store.
type province struct {
	t       *testing.T
	addr    string
	dir     string
	hubSeed []byte
	hubPub  string
	centers []broker.Center
	store   *hubtest.Store

	srv    *broker.Server
	nc     *nats.Conn
	nc2    *nats.Conn
	hub    *hub.Hub
	second *hub.Hub
	cancel context.CancelFunc
	done   chan struct{}
}

func newProvince(t *testing.T, centers []broker.Center) *province {
	seed, pub := userKey(t)
	p := &province{t: t, addr: freePort(t), dir: t.TempDir(), hubSeed: seed, hubPub: pub,
		centers: centers, store: hubtest.NewStore()}
	p.start()
	t.Cleanup(p.stop)
	return p
}

func (p *province) start() {
	t := p.t
	t.Helper()
	srv, err := broker.Start(broker.Opts{Listen: p.addr, StoreDir: p.dir, Hub: p.hubPub, Centers: p.centers})
	if err != nil {
		t.Fatal(err)
	}
	kp, _ := nkeys.FromSeed(p.hubSeed)
	nc, err := nats.Connect(srv.ClientURL(), nats.Nkey(p.hubPub, kp.Sign), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range p.centers {
		known[c.ID] = true
	}
	ctx, cancel := context.WithCancel(context.Background())
	h, err := hub.New(ctx, hub.Opts{Conn: nc, Store: p.store, Known: func(c string) bool { return known[c] },
		AckWait: 2 * time.Second, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	p.srv, p.nc, p.hub, p.cancel, p.done = srv, nc, h, cancel, make(chan struct{})
	// A second hub process on the same stream and store: they share the
	// work, and neither holds what the other needs.
	nc2, err := nats.Connect(srv.ClientURL(), nats.Nkey(p.hubPub, kp.Sign), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	h2, err := hub.New(ctx, hub.Opts{Conn: nc2, Store: p.store, Known: func(c string) bool { return known[c] },
		AckWait: 2 * time.Second, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	p.second, p.nc2 = h2, nc2
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); h.Run(ctx) }()
	go func() { defer wg.Done(); h2.Run(ctx) }()
	go func() {
		wg.Wait()
		close(p.done)
	}()
}

// stop ends the hub as a kill would: nothing in flight is finished.
func (p *province) stop() {
	if p.srv == nil {
		return
	}
	p.srv.Close()
	p.cancel()
	<-p.done
	p.nc.Close()
	p.nc2.Close()
	p.srv = nil
}

// center is one center: its own SQLite database, queue engine and link.
type center struct {
	id     string
	seed   []byte
	db     *sql.DB
	store  *sqlite.Store
	engine *queue.Engine
	link   *link.Link
	bundle chan wire.Bundle
	refuse func(wire.Bundle) error
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newCenter(t *testing.T, id string, seed []byte, url, dir string) *center {
	t.Helper()
	return newCenterWith(t, id, seed, url, dir, nil)
}

// newCenterWith is newCenter with its link's options changed by opt.
func newCenterWith(t *testing.T, id string, seed []byte, url, dir string, opt func(*link.Opts)) *center {
	t.Helper()
	c := &center{id: id, seed: seed, bundle: make(chan wire.Bundle, 16)}
	db, err := database.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.db, c.cancel = db, cancel
	if c.store, err = sqlite.NewStore(ctx, db); err != nil {
		t.Fatal(err)
	}
	c.engine, err = queue.New(ctx, queue.Opts{Store: c.store, Logger: quiet(),
		Fields:   []queue.Field{{Code: "A", Name: "Hộ tịch"}, {Code: "B", Name: "Đất đai"}},
		Counters: []queue.Counter{{ID: "1", Services: []string{"A", "B"}}, {ID: "2", Services: []string{"B", "A"}}}})
	if err != nil {
		t.Fatal(err)
	}
	marks, err := link.OpenMarks(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	lo := link.Opts{Center: id, URLs: []string{url}, Seed: seed, Events: c.store, Marks: marks,
		Batch: 50, Heartbeat: 200 * time.Millisecond, AckWait: time.Second, Logger: quiet(),
		Status: func() wire.Status { return wire.Status{Name: "Trung tâm " + id, Day: c.engine.Day()} },
		Apply: func(_ context.Context, b wire.Bundle) error {
			if c.refuse != nil {
				if err := c.refuse(b); err != nil {
					return err
				}
			}
			c.bundle <- b
			return nil
		}}
	if opt != nil {
		opt(&lo)
	}
	c.link, err = link.New(ctx, lo)
	if err != nil {
		t.Fatal(err)
	}
	c.engine.OnEvents(func(evs []queue.Event) { c.link.Wake(evs[len(evs)-1].Seq) })
	c.wg.Add(2)
	go func() { defer c.wg.Done(); c.engine.Run(ctx) }()
	go func() { defer c.wg.Done(); c.link.Run(ctx) }()
	t.Cleanup(c.close)
	return c
}

func (c *center) close() {
	if c.cancel == nil {
		return
	}
	c.cancel()
	c.wg.Wait()
	c.db.Close()
	c.cancel = nil
}

// busy issues and calls tickets until ctx ends, like a center at its peak.
func (c *center) busy(ctx context.Context, t *testing.T) {
	for i := 0; ctx.Err() == nil; i++ {
		svc := []string{"A", "B"}[i%2]
		if _, err := c.engine.Issue(ctx, queue.IssueRequest{Service: svc}); err != nil && ctx.Err() == nil {
			t.Errorf("%s: issue: %v", c.id, err)
			return
		}
		if i%3 == 0 {
			_, err := c.engine.Next(ctx, []string{"1", "2"}[i%2])
			if err != nil && !errors.Is(err, queue.ErrQueueEmpty) && ctx.Err() == nil {
				t.Errorf("%s: next: %v", c.id, err)
				return
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// committed are every event the center committed, in seq order.
func (c *center) committed(t *testing.T) []queue.Event {
	t.Helper()
	evs, err := c.store.Events(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sameEvents says how the hub's events of a center differ from what it
// committed: every one, once, in its order, with its ticket.
func sameEvents(got, want []queue.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("hub holds %d events, center committed %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Seq != w.Seq || g.Type != w.Type || g.Ticket.ID != w.Ticket.ID || g.Ticket.State != w.Ticket.State ||
			g.Ticket.Number != w.Ticket.Number || !g.At.Equal(w.At) {
			return fmt.Errorf("event %d: hub has %+v, center %+v", i, g, w)
		}
	}
	return nil
}

func TestEveryCommittedEventReachesTheHubOnceThroughCutsAndHubKills(t *testing.T) {
	ids := []string{"c1", "c2", "c3"}
	seeds := map[string][]byte{}
	var enrolled []broker.Center
	for _, id := range ids {
		seed, pub := userKey(t)
		seeds[id] = seed
		enrolled = append(enrolled, broker.Center{ID: id, NKey: pub})
	}
	p := newProvince(t, enrolled)
	proxies := map[string]*hubtest.Proxy{}
	centers := map[string]*center{}
	for _, id := range ids {
		proxies[id] = hubtest.NewProxy(t, p.addr)
		centers[id] = newCenter(t, id, seeds[id], proxies[id].URL(), t.TempDir())
	}
	ctx, stopBusy := context.WithCancel(context.Background())
	var busy sync.WaitGroup
	for _, c := range centers {
		busy.Add(1)
		go func() { defer busy.Done(); c.busy(ctx, t) }()
	}
	pause := func() { time.Sleep(300 * time.Millisecond) }
	pause()
	proxies["c2"].Cut() // one center's link breaks
	pause()
	p.stop() // the hub is killed while c1 and c3 send
	pause()
	p.start()
	pause()
	proxies["c2"].Mend()
	pause()
	p.store.FailNext(3) // the store fails a few rounds: frames come again
	proxies["c3"].Cut()
	pause()
	proxies["c3"].Mend()
	// Enough load for the count below to mean something, however slow the
	// machine (under -race with other packages' tests, 2 s gave some 30).
	waitFor(t, "50 events committed at every center", time.Minute, func() bool {
		for _, c := range centers {
			if len(c.committed(t)) < 50 {
				return false
			}
		}
		return true
	})
	stopBusy()
	busy.Wait()

	for _, id := range ids {
		c := centers[id]
		want := c.committed(t)
		if len(want) < 20 {
			t.Fatalf("%s committed only %d events: the test did not load it", id, len(want))
		}
		waitFor(t, id+" events at the hub", 30*time.Second, func() bool { return len(p.store.Events(id)) == len(want) })
		if err := sameEvents(p.store.Events(id), want); err != nil {
			t.Errorf("%s: %v", id, err)
		}
		t.Logf("%s: %d events, all at the hub once", id, len(want))
		waitFor(t, id+" nothing pending", 10*time.Second, func() bool { return c.link.State().Pending == 0 })
	}
	s, s2 := p.hub.Stats(), p.second.Stats()
	t.Logf("hub processes (since their restart): %+v, %+v", s, s2)
	if s.Refused+s2.Refused != 0 {
		t.Errorf("frames refused: %+v", s)
	}
}

func TestACenterKilledMidSendLosesNothingAndCountsNothingTwice(t *testing.T) {
	seed, pub := userKey(t)
	p := newProvince(t, []broker.Center{{ID: "c1", NKey: pub}})
	dir := t.TempDir()
	c := newCenter(t, "c1", seed, p.srv.ClientURL(), dir)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.busy(ctx, t) }()
	time.Sleep(300 * time.Millisecond)
	stop()
	<-done
	// Killed: the link stops wherever it was, its mark maybe behind what the
	// stream took.
	c.close()
	again := newCenter(t, "c1", seed, p.srv.ClientURL(), dir)
	want := again.committed(t)
	waitFor(t, "events at the hub", 30*time.Second, func() bool { return len(p.store.Events("c1")) == len(want) })
	if err := sameEvents(p.store.Events("c1"), want); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "nothing pending", 10*time.Second, func() bool {
		return again.link.State().Pending == 0 && again.link.Mark().Acked == want[len(want)-1].Seq
	})
	// Marks are written at most every second while frames go, and at once
	// when the link has caught up: the database then holds the last one.
	marks, err := link.OpenMarks(context.Background(), again.db)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the mark written once caught up", 10*time.Second, func() bool {
		m, err := marks.Get(context.Background())
		return err == nil && m.Acked == want[len(want)-1].Seq
	})
}

func TestACenterCannotSpeakForAnother(t *testing.T) {
	seed1, pub1 := userKey(t)
	_, pub2 := userKey(t)
	p := newProvince(t, []broker.Center{{ID: "c1", NKey: pub1}, {ID: "c2", NKey: pub2}})

	// c1's credentials, publishing as c2: the server refuses the subject.
	kp, _ := nkeys.FromSeed(seed1)
	errs := make(chan error, 4)
	nc, err := nats.Connect(p.srv.ClientURL(), nats.Nkey(pub1, kp.Sign), nats.CustomInboxPrefix(wire.InboxPrefix("c1")),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs <- err }))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	frame, _ := wire.EncodeFrame([]queue.Event{{Seq: 1, Type: queue.EventIssued, At: time.Now(), Ticket: queue.Ticket{ID: "x", Number: "A001"}}})
	if err := nc.Publish(wire.EventsSubject("c2"), frame); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		if !errors.Is(err, nats.ErrPermissionViolation) {
			t.Fatalf("publishing as c2 with c1's key: %v, want a permission violation", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("publishing as c2 with c1's key was not refused")
	}
	// Nor may it read c2's notices or ask for c2's bundle.
	if _, err := nc.Request(wire.SyncSubject("c2"), nil, time.Second); err == nil {
		t.Fatal("c1 got c2's bundle")
	}
	sub, err := nc.SubscribeSync(wire.NoticeSubject("c2"))
	if err == nil {
		nc.Flush()
		select {
		case err := <-errs:
			if !errors.Is(err, nats.ErrPermissionViolation) {
				t.Fatalf("subscribing to c2's notices: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("c1 subscribed to c2's notices")
		}
		sub.Unsubscribe()
	}
	// Nor reach JetStream's API (to read the stream of every center).
	if _, err := nc.Request("$JS.API.STREAM.INFO."+wire.Stream, nil, time.Second); err == nil {
		t.Fatal("a center reached the JetStream API")
	}

	// Without credentials, or with a key the hub does not know: refused.
	if nc, err := nats.Connect(p.srv.ClientURL(), nats.NoReconnect()); err == nil {
		nc.Close()
		t.Fatal("a connection without credentials was let in")
	}
	seed3, pub3 := userKey(t)
	kp3, _ := nkeys.FromSeed(seed3)
	if nc, err := nats.Connect(p.srv.ClientURL(), nats.Nkey(pub3, kp3.Sign), nats.NoReconnect()); err == nil {
		nc.Close()
		t.Fatal("a key the hub does not know was let in")
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(p.store.Events("c2")); n != 0 {
		t.Fatalf("the hub holds %d events of c2 that c1 sent", n)
	}
}

func TestAPublishedConfigIsAppliedAndARefusalReported(t *testing.T) {
	seed, pub := userKey(t)
	p := newProvince(t, []broker.Center{{ID: "c1", NKey: pub}})
	c := newCenter(t, "c1", seed, p.srv.ClientURL(), t.TempDir())
	next := func(want int) {
		t.Helper()
		select {
		case b := <-c.bundle:
			if b.ConfigVersion != want {
				t.Fatalf("applied version %d, want %d", b.ConfigVersion, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("version %d not applied", want)
		}
	}
	p.store.SetBundle("c1", wire.Bundle{ConfigVersion: 1, Config: "center:\n  name: A\n"})
	if err := p.hub.Notify("c1", wire.Notice{ConfigVersion: 1}); err != nil {
		t.Fatal(err)
	}
	next(1)
	waitFor(t, "version 1 reported", 10*time.Second, func() bool {
		st, _, ok := p.store.Status("c1")
		return ok && st.ConfigVersion == 1
	})
	c.refuse = func(b wire.Bundle) error {
		if b.ConfigVersion == 2 {
			return errors.New("config: line 3: counters[0]: quầy 1 đang phục vụ số A004")
		}
		return nil
	}
	p.store.SetBundle("c1", wire.Bundle{ConfigVersion: 2, Config: "bad"})
	p.hub.Notify("c1", wire.Notice{ConfigVersion: 2})
	waitFor(t, "refusal reported", 10*time.Second, func() bool {
		st, _, _ := p.store.Status("c1")
		return st.ConfigVersion == 1 && st.Refused != nil && st.Refused.Version == 2
	})
	// Rolled back to version 1 at the hub: the center runs 1 already and
	// applies nothing; version 3 goes through.
	p.store.SetBundle("c1", wire.Bundle{ConfigVersion: 3, Config: "good"})
	p.hub.Notify("c1", wire.Notice{ConfigVersion: 3})
	next(3)
	waitFor(t, "version 3 reported, refusal gone", 10*time.Second, func() bool {
		st, _, _ := p.store.Status("c1")
		return st.ConfigVersion == 3 && st.Refused == nil
	})
	if c.link.State().ConfigVersion != 3 {
		t.Fatalf("link state %+v", c.link.State())
	}
}

// A center that lost its database starts an empty one: its events are
// numbered from 1 again. Without an offset the hub would take them for
// repeats of the old ones and keep none of them.
func TestACenterWithANewDatabaseNumbersAfterWhatTheHubHolds(t *testing.T) {
	seed, pub := userKey(t)
	p := newProvince(t, []broker.Center{{ID: "c1", NKey: pub}})
	old := newCenter(t, "c1", seed, p.srv.ClientURL(), t.TempDir())
	ctx := context.Background()
	for range 5 {
		if _, err := old.engine.Issue(ctx, queue.IssueRequest{Service: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	n := len(old.committed(t))
	waitFor(t, "the old database's events", 20*time.Second, func() bool { return len(p.store.Events("c1")) == n })
	old.close()

	fresh := newCenter(t, "c1", seed, p.srv.ClientURL(), t.TempDir())
	for range 3 {
		if _, err := fresh.engine.Issue(ctx, queue.IssueRequest{Service: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	m := len(fresh.committed(t))
	waitFor(t, "the new database's events too", 20*time.Second, func() bool { return len(p.store.Events("c1")) == n+m })
	evs := p.store.Events("c1")
	if evs[n].Seq != uint64(n)+1 || evs[n].Ticket.ID != fresh.committed(t)[0].Ticket.ID {
		t.Fatalf("the new database's first event is %+v at the hub", evs[n])
	}
	if mk := fresh.link.Mark(); mk.Offset != uint64(n) || !mk.Synced || mk.Acked != uint64(m) {
		t.Fatalf("mark %+v", mk)
	}
}
