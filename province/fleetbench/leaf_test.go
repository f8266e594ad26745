package fleetbench_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"motcua/province/broker"
	"motcua/province/wire"
)

// leaf is the alternative transport, as a prototype: each center runs an
// embedded nats-server with JetStream in its own domain, connected to the
// hub's server as a leaf node. The center's link publishes into its local
// stream (acknowledged on the center's box, link or no link); the hub's
// stream sources every center's stream across the leaf connections, and the
// hub ingests from it as before. Without credentials between the servers
// (what they would need is in docs/decisions/0002).
type leaf struct {
	hub     *server.Server
	leafURL *url.URL
	nc      *nats.Conn
}

func (*leaf) name() string { return "leaf" }

func startServer(b testing.TB, o *server.Options) *server.Server {
	b.Helper()
	o.NoLog, o.NoSigs = true, true
	ns, err := server.NewServer(o)
	if err != nil {
		b.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		b.Fatalf("nats-server %s not ready", o.ServerName)
	}
	b.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	return ns
}

func (l *leaf) start(b testing.TB, _ []broker.Center) *nats.Conn {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	l.hub = startServer(b, &server.Options{ServerName: "hub", Host: "127.0.0.1", Port: server.RANDOM_PORT,
		JetStream: true, JetStreamDomain: "hub", StoreDir: b.TempDir(), MaxPayload: 4 << 20,
		LeafNode: server.LeafNodeOpts{Host: "127.0.0.1", Port: port}})
	l.leafURL = &url.URL{Scheme: "nats-leaf", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	nc, err := nats.Connect(l.hub.ClientURL(), nats.MaxReconnects(-1))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	l.nc = nc
	return nc
}

func (l *leaf) center(b testing.TB, id, pub, dir string, through func(string) string) string {
	remote := l.leafURL
	if through != nil {
		u, err := url.Parse(through(remote.Host))
		if err != nil {
			b.Fatal(err)
		}
		remote = &url.URL{Scheme: "nats-leaf", Host: u.Host}
	}
	adminSeed, adminPub := userKey(b)
	ns := startServer(b, &server.Options{ServerName: id, Host: "127.0.0.1", Port: server.RANDOM_PORT,
		JetStream: true, JetStreamDomain: id, StoreDir: dir, MaxPayload: 4 << 20,
		Nkeys: []*server.NkeyUser{{Nkey: pub}, {Nkey: adminPub}},
		LeafNode: server.LeafNodeOpts{ReconnectInterval: time.Second, Remotes: []*server.RemoteLeafOpts{{
			URLs: []*url.URL{remote},
			// The center's events go up only through the hub's sourcing,
			// never as plain messages the hub's stream would take too.
			DenyExports: []string{wire.StreamSubjects}, DenyImports: []string{wire.StreamSubjects},
		}}}})
	// The center's own stream, on its box: where its link's frames are
	// acknowledged. Kept a week, whether or not the hub sourced them.
	kp, _ := nkeys.FromSeed(adminSeed)
	nc, err := nats.Connect(ns.ClientURL(), nats.InProcessServer(ns), nats.Nkey(adminPub, kp.Sign))
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: wire.Stream, Subjects: []string{wire.EventsSubject(id)},
		Storage: jetstream.FileStorage, Retention: jetstream.LimitsPolicy, MaxAge: 7 * 24 * time.Hour,
		Duplicates: 10 * time.Minute, MaxMsgSize: 4 << 20}); err != nil {
		b.Fatalf("%s: local stream: %v", id, err)
	}
	return ns.ClientURL()
}

func (l *leaf) ready(ctx context.Context, ids []string) error {
	// Sources are set once every center's leaf connection is up: a source
	// whose first attempt finds no route to its center retries on a growing
	// backoff, which would be measured as latency.
	deadline := time.Now().Add(time.Minute)
	for l.hub.NumLeafNodes() < len(ids) {
		if time.Now().After(deadline) {
			return fmt.Errorf("leaf: %d of %d centers connected to the hub", l.hub.NumLeafNodes(), len(ids))
		}
		time.Sleep(10 * time.Millisecond)
	}
	js, err := jetstream.New(l.nc)
	if err != nil {
		return err
	}
	s, err := js.Stream(ctx, wire.Stream)
	if err != nil {
		return err
	}
	cfg := s.CachedInfo().Config
	for _, id := range ids {
		cfg.Sources = append(cfg.Sources, &jetstream.StreamSource{Name: wire.Stream,
			External: &jetstream.ExternalStream{APIPrefix: "$JS." + id + ".API", DeliverPrefix: "motcua.src." + id}})
	}
	_, err = js.UpdateStream(ctx, cfg)
	return err
}

// debug logs the hub stream's view of center's source.
func (l *leaf) debug(t testing.TB, center string) {
	js, err := jetstream.New(l.nc)
	if err != nil {
		return
	}
	s, err := js.Stream(context.Background(), wire.Stream)
	if err != nil {
		return
	}
	for _, si := range s.CachedInfo().Sources {
		if si.External != nil && si.External.APIPrefix == "$JS."+center+".API" {
			t.Logf("%s source: lag %d active %s error %+v", center, si.Lag, si.Active, si.Error)
		}
	}
}
