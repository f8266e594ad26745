package hubnotify_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"motcua/cmd/motcua/internal/hubnotify"
	"motcua/internal/database"
	"motcua/internal/pgtest"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/notifytest"
	"motcua/kiosk/notify/outbox"
	"motcua/kiosk/notify/relay"
	"motcua/kiosk/notify/zns"
	"motcua/province/broker"
	"motcua/province/hub"
	"motcua/province/hub/hubtest"
	"motcua/province/link"
	"motcua/province/pgstore"
	"motcua/province/wire"
	"motcua/queue"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

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

var templates = map[notify.Kind]zns.Template{
	notify.KindTaken:  {ID: "100", Params: map[string]string{"so": "number"}},
	notify.KindCalled: {ID: "102", Params: map[string]string{"so": "number", "quay": "counter"}},
	notify.KindAhead:  {ID: "101", Params: map[string]string{"so": "number", "con": "ahead"}},
}

// hubProcess is one run of a hub process: its store, its side of the link
// answering the centers, and its sender on the fake Zalo.
type hubProcess struct {
	db       *pgstore.DB
	outcomes chan outbox.Outcome
	stop     func()
}

func startHub(t *testing.T, pgURL, natsURL string, seed []byte, pub string, z *notifytest.ZNS, logs io.Writer) *hubProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := pgstore.Open(ctx, pgURL, pgstore.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(logs, nil))
	zc, err := zns.New(zns.Opts{SendURL: z.SendURL, TokenURL: z.TokenURL, AppID: z.AppID, SecretKey: z.SecretKey,
		RefreshToken: "rt-hub", Secrets: db, Templates: templates})
	if err != nil {
		t.Fatal(err)
	}
	p := &hubProcess{db: db, outcomes: make(chan outbox.Outcome, 64)}
	hn, err := hubnotify.New(hubnotify.Opts{DB: db, Logger: log, Sender: outbox.SenderOpts{
		Channels: []notify.Channel{zc}, Location: time.UTC,
		Observe: func(o outbox.Outcome) { p.outcomes <- o }}})
	if err != nil {
		t.Fatal(err)
	}
	kp, _ := nkeys.FromSeed(seed)
	nc, err := nats.Connect(natsURL, nats.Nkey(pub, kp.Sign))
	if err != nil {
		t.Fatal(err)
	}
	h, err := hub.New(ctx, hub.Opts{Conn: nc, Store: hubtest.NewStore(), Known: func(c string) bool { return c == "c1" || c == "c2" },
		Logger: log, Notify: hn.Take})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { h.Run(ctx) })
	wg.Go(func() { hn.Run(ctx) })
	var once sync.Once
	p.stop = func() { once.Do(func() { cancel(); wg.Wait(); nc.Close(); db.Close() }) }
	t.Cleanup(p.stop)
	return p
}

// sent waits for the hub's next message sent.
func (p *hubProcess) sent(t *testing.T) outbox.Outcome {
	t.Helper()
	for {
		select {
		case o := <-p.outcomes:
			if o.State == outbox.Sent {
				return o
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the hub sent nothing")
		}
	}
}

type noEvents struct{}

func (noEvents) Events(context.Context, uint64, int) ([]queue.Event, error) { return nil, nil }

// center is a center without internet: its Zalo cannot be reached, and its
// channels are [zns, hub].
type center struct {
	link     *link.Link
	box      *outbox.Store
	outcomes chan outbox.Outcome
}

func startCenter(t *testing.T, id string, seed []byte, natsURL string, logs io.Writer) *center {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := database.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	marks, err := link.OpenMarks(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(logs, nil))
	l, err := link.New(ctx, link.Opts{Center: id, URLs: []string{natsURL}, Seed: seed, Events: noEvents{}, Marks: marks,
		Logger: log, Status: func() wire.Status { return wire.Status{Name: id} },
		Apply: func(context.Context, wire.Bundle) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	box, err := outbox.NewStore(ctx, db, outbox.StoreOpts{})
	if err != nil {
		t.Fatal(err)
	}
	offline, err := zns.New(zns.Opts{SendURL: "http://" + freePort(t) + "/message/template", TokenURL: "http://" + freePort(t) + "/token",
		AppID: "1", SecretKey: "s", RefreshToken: "r", Secrets: box, Templates: templates})
	if err != nil {
		t.Fatal(err)
	}
	via, err := relay.New(relay.Opts{Hub: func() relay.Hub { return l }, Unreachable: func(err error) bool { return errors.Is(err, link.ErrNotConnected) }})
	if err != nil {
		t.Fatal(err)
	}
	c := &center{link: l, box: box, outcomes: make(chan outbox.Outcome, 64)}
	s, err := outbox.NewSender(outbox.SenderOpts{Store: box, Channels: []notify.Channel{offline, via}, Location: time.UTC,
		Logger: log, Backoff: 100 * time.Millisecond, Observe: func(o outbox.Outcome) { c.outcomes <- o }})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { l.Run(ctx) })
	wg.Go(func() { s.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait(); db.Close() })
	return c
}

// decide stores a "called" message for ticket, as the center's notifier would.
func (c *center) decide(t *testing.T, ticket, phone string) string {
	t.Helper()
	key := "t:" + ticket + ":called"
	err := c.box.AddContact(context.Background(), notify.Contact{Key: "t:" + ticket, Ticket: ticket, Phone: phone,
		Expires: time.Now().Add(time.Hour)},
		[]notify.Message{{Key: key, Kind: notify.KindCalled, Contact: "t:" + ticket, At: time.Now(),
			Params: map[string]string{"number": ticket, "counter": "3"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// handed waits until the center's message went to the hub.
func (c *center) handed(t *testing.T, key string) {
	t.Helper()
	for {
		select {
		case o := <-c.outcomes:
			if o.Key == key && o.State == outbox.Sent {
				if o.Channel != relay.Name {
					t.Fatalf("%s sent through %s", key, o.Channel)
				}
				return
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s never reached the hub", key)
		}
	}
}

// A center without internet hands its messages to the hub, which sends each
// through its own Zalo exactly once per key, loses none across a restart
// (one acknowledged and not yet sent, one cut mid-send), and takes no
// message in one center's name from another.
func TestCenterWithoutInternetSendsThroughTheHub(t *testing.T) {
	var logs bytes.Buffer
	var logMu sync.Mutex
	logw := writerFunc(func(b []byte) (int, error) { logMu.Lock(); defer logMu.Unlock(); return logs.Write(b) })
	pgURL := pgtest.URL(t)
	hubSeed, hubPub := userKey(t)
	seed1, pub1 := userKey(t)
	seed2, pub2 := userKey(t)
	srv, err := broker.Start(broker.Opts{Listen: freePort(t), StoreDir: t.TempDir(), Hub: hubPub,
		Centers: []broker.Center{{ID: "c1", NKey: pub1}, {ID: "c2", NKey: pub2}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	z := notifytest.NewZNS(t, "rt-hub")
	h := startHub(t, pgURL, srv.ClientURL(), hubSeed, hubPub, z, logw)
	c1 := startCenter(t, "c1", seed1, srv.ClientURL(), logw)

	k1 := c1.decide(t, "A001", "84912345601")
	c1.handed(t, k1)
	if o := h.sent(t); o.Key != "c1:"+k1 || o.Channel != "zns" {
		t.Fatalf("the hub sent %+v", o)
	}

	// The center's reply was lost: it sends the same key again. The hub
	// keeps one message.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := c1.link.Notify(ctx, wire.NotifyRequest{Key: k1, Kind: "called", Phone: "84912345601"})
	if err != nil || !r.Accepted || !r.Duplicate {
		t.Fatalf("the same key again: %+v %v", r, err)
	}

	// c2's credentials cannot speak for c1.
	kp2, _ := nkeys.FromSeed(seed2)
	nc2, err := nats.Connect(srv.ClientURL(), nats.Nkey(pub2, kp2.Sign), nats.CustomInboxPrefix(wire.InboxPrefix("c2")))
	if err != nil {
		t.Fatal(err)
	}
	defer nc2.Close()
	forged := []byte(`{"key":"t:FORGED:called","kind":"called","phone":"84900000000"}`)
	if _, err := nc2.Request(wire.NotifySubject("c1"), forged, time.Second); err == nil {
		t.Fatal("c2 sent in c1's name")
	}

	// The hub stops sending (killed) with one message acknowledged and not
	// sent, and one claimed as if the process died mid-request.
	h.stop()
	h = startHubNoSender(t, pgURL, srv.ClientURL(), hubSeed, hubPub)
	k2 := c1.decide(t, "A002", "84912345602")
	c1.handed(t, k2)
	k3 := c1.decide(t, "A003", "84912345603")
	c1.handed(t, k3)
	msgs, err := h.db.NotifyMessages(ctx, "c1")
	if err != nil || len(msgs) != 3 {
		t.Fatalf("held %+v %v", msgs, err)
	}
	// Claimed two minutes ago by a process that then died: its lease is over.
	if ok, err := h.db.NotifyClaim(ctx, msgs[2].ID, time.Now().Add(-2*time.Minute), hubnotify.DefaultLease); !ok || err != nil {
		t.Fatalf("claim %v %v", ok, err)
	}
	h.stop()

	h = startHub(t, pgURL, srv.ClientURL(), hubSeed, hubPub, z, logw)
	got := map[string]bool{}
	for range 2 {
		got[h.sent(t).Key] = true
	}
	if !got["c1:"+k2] || !got["c1:"+k3] {
		t.Fatalf("after the restart the hub sent %v", got)
	}

	// Each message reached Zalo once, with the center's key as its
	// reference; none of c2's forgery; the numbers are gone from the hub.
	acc := z.Accepted()
	var refs []string
	for _, m := range acc {
		refs = append(refs, m.TrackingID+" "+m.Phone+" "+m.TemplateData["quay"])
	}
	want := []string{"c1:" + k1 + " 84912345601 3", "c1:" + k2 + " 84912345602 3", "c1:" + k3 + " 84912345603 3"}
	if len(refs) != 3 || strings.Join(slices.Sorted(slices.Values(refs)), "|") != strings.Join(want, "|") {
		t.Fatalf("Zalo got %q, want %q", refs, want)
	}
	var phones int
	if err := h.db.Pool().QueryRow(ctx, `SELECT COUNT(*) FROM notify_messages WHERE phone != '' OR key LIKE '%FORGED%'`).Scan(&phones); err != nil || phones != 0 {
		t.Fatalf("%d rows with a number or the forgery (%v)", phones, err)
	}
	counts, err := h.db.NotifyCounts(ctx, "")
	if err != nil || len(counts) != 1 || counts[0] != (pgstore.NotifyCount{Center: "c1", Channel: "zns", State: "sent", N: 3}) {
		t.Fatalf("counts %+v %v", counts, err)
	}
	logMu.Lock()
	defer logMu.Unlock()
	for _, p := range []string{"84912345601", "84912345602", "84912345603", "912345601"} {
		if strings.Contains(logs.String(), p) {
			t.Errorf("a log line holds the number %s", p)
		}
	}
}

// startHubNoSender is a hub process that takes the centers' messages and
// does not send them (its sender not started yet when it is killed).
func startHubNoSender(t *testing.T, pgURL, natsURL string, seed []byte, pub string) *hubProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := pgstore.Open(ctx, pgURL, pgstore.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	hn, err := hubnotify.New(hubnotify.Opts{DB: db, Logger: quiet(), Sender: outbox.SenderOpts{
		Channels: []notify.Channel{notifytest.NewChannel("zns")}}})
	if err != nil {
		t.Fatal(err)
	}
	kp, _ := nkeys.FromSeed(seed)
	nc, err := nats.Connect(natsURL, nats.Nkey(pub, kp.Sign))
	if err != nil {
		t.Fatal(err)
	}
	h, err := hub.New(ctx, hub.Opts{Conn: nc, Store: hubtest.NewStore(), Known: func(c string) bool { return c == "c1" },
		Logger: quiet(), Notify: hn.Take})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { h.Run(ctx) })
	var once sync.Once
	p := &hubProcess{db: db}
	p.stop = func() { once.Do(func() { cancel(); wg.Wait(); nc.Close(); db.Close() }) }
	t.Cleanup(p.stop)
	return p
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
