package hubnotify_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
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
	"motcua/province/link"
	"motcua/province/pgstore"
	"motcua/province/wire"
	"motcua/queue"
	"motcua/queue/sqlite"
)

// Peak load of the benchmark: a busy center's 1,000 tickets a day, a quarter
// of them in its busiest hour, is a ticket every 14.4 s.
const (
	benchCenters = 100
	benchEvery   = 14400 * time.Millisecond
	benchWindow  = 60 * time.Second
)

// pgHub is the hub's store on PostgreSQL (as province/fleet's, without the
// accounts): the centers' events go to PostgreSQL as they would.
type pgHub struct{ db *pgstore.DB }

func (s pgHub) Ingest(ctx context.Context, center string, events []queue.Event) (int, error) {
	return s.db.Ingest(ctx, center, events)
}

func (s pgHub) SetStatus(ctx context.Context, center string, st wire.Status, seen time.Time) error {
	return s.db.SetStatus(ctx, center, pgstore.CenterStatus{Online: true, LastSeen: seen, Version: st.Software, Waiting: st.Waiting})
}

func (s pgHub) Bundle(context.Context, string) (wire.Bundle, error) { return wire.Bundle{}, nil }

// benchCenter is one center without internet: its engine, its notifier,
// its outbox sending through the hub only, and its link.
type benchCenter struct {
	id       string
	engine   *queue.Engine
	notifier *notify.Notifier
	link     *link.Link
}

// BenchmarkCallThroughTheHub measures, for 100 centers at their peak
// relaying every message through one hub, the time from a call returning at
// a center's counter (its event committed) to the provider's answer at the
// hub: the center's notifier and outbox (SQLite), its sender's request over
// NATS, the hub's commit in PostgreSQL and its answer, the hub's sender and
// its request to the fake ZNS. Each ticket gives a phone number, so it
// decides "taken" (sent at once) and "called" (7.2 s later); the centers'
// events also go to the hub's PostgreSQL. It reports p50, p99 and max over the calls of the window.
func BenchmarkCallThroughTheHub(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pgURL := pgtest.URL(b)
	db, err := pgstore.Open(ctx, pgURL, pgstore.Opts{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	hubSeed, hubPub := benchKey(b)
	seeds := make([][]byte, benchCenters)
	enrol := make([]broker.Center, benchCenters)
	ids := make([]string, benchCenters)
	for i := range benchCenters {
		var pub string
		seeds[i], pub = benchKey(b)
		ids[i] = fmt.Sprintf("c%03d", i)
		enrol[i] = broker.Center{ID: ids[i], NKey: pub}
		if err := db.PutCenter(ctx, ids[i], ids[i]); err != nil {
			b.Fatal(err)
		}
	}
	srv, err := broker.Start(broker.Opts{Listen: "127.0.0.1:0", StoreDir: b.TempDir(), Hub: hubPub, Centers: enrol})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	// The hub: its link side, its outbox on PostgreSQL, its sender on the fake
	// Zalo.
	z := notifytest.NewZNS(b, "rt-hub")
	zc, err := zns.New(zns.Opts{SendURL: z.SendURL, TokenURL: z.TokenURL, AppID: z.AppID, SecretKey: z.SecretKey,
		RefreshToken: "rt-hub", Secrets: db, Templates: templates})
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	start := map[string]time.Time{} // hub key → when the call returned
	var lat []time.Duration
	hn, err := hubnotify.New(hubnotify.Opts{DB: db, Logger: quiet(), Sender: outbox.SenderOpts{
		Channels: []notify.Channel{zc}, Location: time.UTC,
		Observe: func(o outbox.Outcome) {
			if o.State != outbox.Sent || o.Kind != notify.KindCalled {
				return
			}
			mu.Lock()
			if t, ok := start[o.Key]; ok {
				lat = append(lat, o.At.Sub(t))
				delete(start, o.Key)
			}
			mu.Unlock()
		}}})
	if err != nil {
		b.Fatal(err)
	}
	kp, _ := nkeys.FromSeed(hubSeed)
	nc, err := nats.Connect(srv.ClientURL(), nats.Nkey(hubPub, kp.Sign))
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	known := map[string]bool{}
	for _, id := range ids {
		known[id] = true
	}
	h, err := hub.New(ctx, hub.Opts{Conn: nc, Store: pgHub{db}, Known: func(c string) bool { return known[c] },
		Logger: quiet(), Notify: hn.Take})
	if err != nil {
		b.Fatal(err)
	}
	wg.Go(func() { h.Run(ctx) })
	wg.Go(func() { hn.Run(ctx) })

	centers := make([]*benchCenter, benchCenters)
	for i := range benchCenters {
		centers[i] = startBenchCenter(ctx, b, &wg, ids[i], seeds[i], srv.ClientURL())
	}
	// Every link up before the window: a message meeting a link still
	// connecting would wait out the channel's rest.
	for deadline := time.Now().Add(time.Minute); ; {
		up := 0
		for _, c := range centers {
			if c.link.State().Connected {
				up++
			}
		}
		if up == len(centers) {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d links up after a minute", up, len(centers))
		}
		time.Sleep(50 * time.Millisecond)
	}

	b.ResetTimer()
	for b.Loop() {
		runCtx, stop := context.WithTimeout(ctx, benchWindow)
		var load sync.WaitGroup
		for _, c := range centers {
			load.Go(func() {
				// Start at a random point of the first interval, then a
				// ticket every benchEvery.
				offset := time.Duration(rand.Int64N(int64(benchEvery)))
				if sleep(runCtx, offset) != nil {
					return
				}
				tick := time.NewTicker(benchEvery)
				defer tick.Stop()
				served := false
				for {
					// The one before is served until the next call: a
					// "called" still pending is not moot.
					if served {
						if _, err := c.engine.Complete(runCtx, "1"); err != nil {
							return
						}
					}
					t, err := c.engine.Issue(runCtx, queue.IssueRequest{Service: "A"})
					if err != nil {
						return
					}
					if err := c.notifier.Watch(runCtx, t.ID, "0912345678", ""); err != nil {
						return
					}
					// Called half an interval later: "taken" has gone by then.
					if sleep(runCtx, benchEvery/2) != nil {
						return
					}
					if _, err := c.engine.Next(runCtx, "1"); err != nil {
						return
					}
					at := time.Now()
					mu.Lock()
					start[c.id+":t:"+t.ID+":called"] = at
					mu.Unlock()
					served = true
					select {
					case <-runCtx.Done():
						return
					case <-tick.C:
					}
				}
			})
		}
		load.Wait()
		stop()
		// Every call of the window reaches the provider before the figures.
		deadline := time.Now().Add(time.Minute)
		for {
			mu.Lock()
			left := len(start)
			mu.Unlock()
			if left == 0 {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d calls never reached the provider", left)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	if len(lat) == 0 {
		b.Fatal("no call measured")
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(len(lat)), "calls")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	b.ReportMetric(float64(len(z.Accepted())), "zns-messages")
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func benchKey(b *testing.B) ([]byte, string) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		b.Fatal(err)
	}
	seed, _ := kp.Seed()
	pub, _ := kp.PublicKey()
	return seed, pub
}

func startBenchCenter(ctx context.Context, b *testing.B, wg *sync.WaitGroup, id string, seed []byte, url string) *benchCenter {
	db, err := database.Open(filepath.Join(b.TempDir(), "motcua.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	qs, err := sqlite.NewStore(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	e, err := queue.New(ctx, queue.Opts{Fields: []queue.Field{{Code: "A", Name: "Hộ tịch"}},
		Counters: []queue.Counter{{ID: "1", Name: "Quầy 1", Services: []string{"A"}}}, Store: qs, Location: time.UTC, Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	box, err := outbox.NewStore(ctx, db, outbox.StoreOpts{})
	if err != nil {
		b.Fatal(err)
	}
	n, err := notify.New(notify.Opts{Source: e, Outbox: box, Kinds: []notify.Kind{notify.KindTaken, notify.KindCalled}, Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	e.OnEvents(n.Publish)
	marks, err := link.OpenMarks(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	l, err := link.New(ctx, link.Opts{Center: id, URLs: []string{url}, Seed: seed, Events: qs, Marks: marks, Logger: quiet(),
		Status: func() wire.Status { return wire.Status{Name: id} },
		Apply:  func(context.Context, wire.Bundle) error { return nil }})
	if err != nil {
		b.Fatal(err)
	}
	e.OnEvents(func(evs []queue.Event) {
		if len(evs) > 0 {
			l.Wake(evs[len(evs)-1].Seq)
		}
	})
	via, err := relay.New(relay.Opts{Hub: func() relay.Hub { return l }, Unreachable: func(err error) bool { return errors.Is(err, link.ErrNotConnected) }})
	if err != nil {
		b.Fatal(err)
	}
	s, err := outbox.NewSender(outbox.SenderOpts{Store: box, Channels: []notify.Channel{via}, Timely: n.Timely,
		Location: time.UTC, Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	wg.Go(func() { e.Run(ctx) })
	wg.Go(func() { n.Run(ctx) })
	wg.Go(func() { l.Run(ctx) })
	wg.Go(func() { s.Run(ctx) })
	if err := n.Sync(ctx, 0); err != nil {
		b.Fatal(err)
	}
	return &benchCenter{id: id, engine: e, notifier: n, link: l}
}

// BenchmarkHubOutbox measures the hub's outbox alone on PostgreSQL: a
// center's message taken (committed before the answer), then claimed, sent
// to a channel that answers at once and settled by the hub's sender, until
// every one is sent.
func BenchmarkHubOutbox(b *testing.B) {
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			db, err := pgstore.Open(ctx, pgtest.URL(b), pgstore.Opts{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			sent := make(chan struct{}, 1<<16)
			hn, err := hubnotify.New(hubnotify.Opts{DB: db, Logger: quiet(), Sender: outbox.SenderOpts{
				Channels: []notify.Channel{notifytest.NewChannel("zns")}, Workers: workers,
				Observe: func(o outbox.Outcome) { sent <- struct{}{} }}})
			if err != nil {
				b.Fatal(err)
			}
			var wg sync.WaitGroup
			defer wg.Wait()
			defer cancel()
			wg.Go(func() { hn.Run(ctx) })
			taken := 0
			b.ResetTimer()
			for b.Loop() {
				taken++
				r := hn.Take(ctx, "c1", wire.NotifyRequest{Key: fmt.Sprintf("t:%d:called", taken), Kind: "called",
					Phone: "84912345678", Params: map[string]string{"number": "A001", "counter": "3"}})
				if !r.Accepted {
					b.Fatalf("not taken: %+v", r)
				}
			}
			for range taken {
				<-sent // every message sent before the clock stops
			}
			b.StopTimer()
		})
	}
}
