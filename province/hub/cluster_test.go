package hub_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"motcua/internal/pgtest"
	"motcua/province/broker"
	"motcua/province/fleet"
	"motcua/province/hub"
	"motcua/province/pgstore"
	"motcua/province/wire"
	"motcua/queue"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// hubProcess is what one `motcua hub` process holds of the province's
// database: its own pool and its fleet, whose hub.Store it links with.
func hubProcess(t *testing.T, url string, centers []string) (*pgstore.DB, hub.Store) {
	t.Helper()
	db, err := pgstore.Open(context.Background(), url, pgstore.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	var cs []fleet.Center
	for _, id := range centers {
		cs = append(cs, fleet.Center{ID: id, Name: "Xã " + id})
	}
	f, err := fleet.New(fleet.Opts{DB: db, Province: "Tỉnh Thử", Centers: cs, Logger: quiet(),
		SessionSecret: []byte(strings.Repeat("s", 32)),
		CheckConfig:   func([]byte) error { return errors.New("not in this test") },
		Notify:        func(string, wire.Notice) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Enroll(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, f.HubStore()
}

// natsCluster is three embedded NATS servers routed to each other, each
// with JetStream: the province's NATS for several hub machines.
type natsCluster struct {
	srvs [3]*broker.Server
	urls []string
}

func newNATSCluster(t *testing.T, hubPub string, centers []broker.Center) *natsCluster {
	t.Helper()
	var client, route [3]string
	for i := range 3 {
		client[i], route[i] = freePort(t), freePort(t)
	}
	nc := &natsCluster{}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 3 {
		var routes []string
		for j := range 3 {
			if j != i {
				routes = append(routes, "nats-route://"+route[j])
			}
		}
		dir := t.TempDir()
		wg.Go(func() {
			nc.srvs[i], errs[i] = broker.Start(broker.Opts{Listen: client[i], StoreDir: dir, Hub: hubPub, Centers: centers,
				Cluster: &broker.Cluster{Name: "motcua-province", Server: fmt.Sprintf("hub-%d", i+1), Listen: route[i], Routes: routes}})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("NATS server %d: %v", i+1, err)
		}
		t.Cleanup(nc.srvs[i].Close)
		nc.urls = append(nc.urls, nc.srvs[i].ClientURL())
	}
	return nc
}

// clusterHub is one hub process: its connection to the cluster (every
// server's URL, its first choice first) and its Hub, on the shared store.
type clusterHub struct {
	nc     *nats.Conn
	h      *hub.Hub
	cancel context.CancelFunc
	done   chan struct{}
}

func startClusterHub(t *testing.T, urls []string, seed []byte, pub string, store hub.Store, known func(string) bool) *clusterHub {
	t.Helper()
	kp, _ := nkeys.FromSeed(seed)
	nc, err := nats.Connect(urls[0], nats.Nkey(pub, kp.Sign), nats.MaxReconnects(-1), nats.DontRandomize(),
		nats.ReconnectWait(100*time.Millisecond), func(o *nats.Options) error { o.Servers = urls; return nil })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var h *hub.Hub
	// The stream of 3 replicas can be made once the cluster has elected
	// its JetStream leader.
	waitFor(t, "the stream made on the cluster", 30*time.Second, func() bool {
		h, err = hub.New(ctx, hub.Opts{Conn: nc, Store: store, Known: known, Replicas: 3,
			AckWait: 2 * time.Second, Logger: quiet()})
		return err == nil
	})
	ch := &clusterHub{nc: nc, h: h, cancel: cancel, done: make(chan struct{})}
	go func() { defer close(ch.done); h.Run(ctx) }()
	t.Cleanup(ch.stop)
	return ch
}

// stop ends the hub process as a kill would.
func (ch *clusterHub) stop() {
	if ch.cancel == nil {
		return
	}
	ch.cancel()
	<-ch.done
	ch.nc.Close()
	ch.cancel = nil
}

// Two hub processes on one PostgreSQL (each its own pool) and a cluster of
// three NATS servers, three centers each dialling every server: one NATS
// server goes down and one hub process is killed while the centers issue
// and call; every committed event of every center is in the database once,
// in its order, and the hub process left did the rest of the work.
func TestAClusterOfThreeAndTwoHubProcessesKeepEveryEvent(t *testing.T) {
	ids := []string{"c1", "c2", "c3"}
	seeds := map[string][]byte{}
	var enrolled []broker.Center
	known := map[string]bool{}
	for _, id := range ids {
		seed, pub := userKey(t)
		seeds[id] = seed
		enrolled = append(enrolled, broker.Center{ID: id, NKey: pub})
		known[id] = true
	}
	hubSeed, hubPub := userKey(t)
	cl := newNATSCluster(t, hubPub, enrolled)
	url := pgtest.URL(t)
	db, store1 := hubProcess(t, url, ids)
	_, store2 := hubProcess(t, url, ids)
	isKnown := func(c string) bool { return known[c] }
	first := startClusterHub(t, cl.urls, hubSeed, hubPub, store1, isKnown)
	second := startClusterHub(t, []string{cl.urls[1], cl.urls[2], cl.urls[0]}, hubSeed, hubPub, store2, isKnown)
	held := func(id string) []queue.Event {
		evs, err := db.CenterEvents(context.Background(), id, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}

	centers := map[string]*center{}
	for i, id := range ids {
		// Each center's link lists the servers, its nearest first.
		url := fmt.Sprintf("%s,%s,%s", cl.urls[i], cl.urls[(i+1)%3], cl.urls[(i+2)%3])
		centers[id] = newCenter(t, id, seeds[id], url, t.TempDir())
	}
	ctx, stopBusy := context.WithCancel(context.Background())
	var busy sync.WaitGroup
	for _, c := range centers {
		busy.Add(1)
		go func() { defer busy.Done(); c.busy(ctx, t) }()
	}
	atLeast := func(n int) func() bool {
		return func() bool {
			for _, c := range centers {
				if len(c.committed(t)) < n {
					return false
				}
			}
			return true
		}
	}
	waitFor(t, "20 events committed at every center", time.Minute, atLeast(20))
	cl.srvs[0].Close() // the first hub's and c1's server goes down
	waitFor(t, "40 events committed at every center", time.Minute, atLeast(40))
	stopped := first.h.Stats()
	first.stop() // and the first hub process is killed
	waitFor(t, "60 events committed at every center", time.Minute, atLeast(60))
	stopBusy()
	busy.Wait()

	for _, id := range ids {
		want := centers[id].committed(t)
		waitFor(t, id+" events at the hub", time.Minute, func() bool { return len(held(id)) == len(want) })
		if err := sameEvents(held(id), want); err != nil {
			t.Errorf("%s: %v", id, err)
		}
		t.Logf("%s: %d events, all at the hub once", id, len(want))
	}
	left := second.h.Stats()
	t.Logf("hub processes: the first until killed %+v, the second %+v", stopped, left)
	if left.Events == 0 {
		t.Error("the hub process left stored nothing: the test did not make it take over")
	}
	if stopped.Refused+left.Refused != 0 {
		t.Errorf("frames refused: %+v, %+v", stopped, left)
	}
}
