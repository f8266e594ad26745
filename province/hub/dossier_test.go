package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"motcua/province/broker"
	"motcua/province/hub"
	"motcua/province/hub/hubtest"
	"motcua/province/link"
	"motcua/province/wire"
)

// startHubWith is an embedded NATS server and one hub process over an
// in-memory store, its options set by opt (the request handlers a test
// gives it); it returns the server's URL.
func startHubWith(t *testing.T, centers []broker.Center, opt func(*hub.Opts)) string {
	t.Helper()
	seed, pub := userKey(t)
	srv, err := broker.Start(broker.Opts{Listen: freePort(t), StoreDir: t.TempDir(), Hub: pub, Centers: centers})
	if err != nil {
		t.Fatal(err)
	}
	kp, _ := nkeys.FromSeed(seed)
	nc, err := nats.Connect(srv.ClientURL(), nats.Nkey(pub, kp.Sign))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range centers {
		known[c.ID] = true
	}
	o := hub.Opts{Conn: nc, Store: hubtest.NewStore(), Known: func(c string) bool { return known[c] }, Logger: quiet()}
	opt(&o)
	ctx, cancel := context.WithCancel(context.Background())
	h, err := hub.New(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; nc.Close(); srv.Close() })
	return srv.ClientURL()
}

// startDossierHub is startHubWith answering dossier lookups with lookup.
func startDossierHub(t *testing.T, centers []broker.Center, lookup func(ctx context.Context, center, code string) wire.DossierReply) string {
	t.Helper()
	return startHubWith(t, centers, func(o *hub.Opts) { o.Dossiers = lookup })
}

// A center asks its hub for a dossier over its link; the hub answers from
// its one integration, for each center, and says which center asked.
func TestDossierFromTheHub(t *testing.T) {
	seed1, pub1 := userKey(t)
	seed2, pub2 := userKey(t)
	var asked atomic.Value
	url := startDossierHub(t, []broker.Center{{ID: "c1", NKey: pub1}, {ID: "c2", NKey: pub2}},
		func(ctx context.Context, center, code string) wire.DossierReply {
			asked.Store(center + " " + code)
			if code != "G09.20-20260609-0092637" {
				return wire.DossierReply{NotFound: true}
			}
			d, _ := json.Marshal(map[string]any{"code": code, "status": 4, "procedure": "Cấp phiếu lý lịch tư pháp", "applicant": "Trần Văn Nam"})
			return wire.DossierReply{Dossier: d}
		})
	c1 := newCenter(t, "c1", seed1, url, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var r wire.DossierReply
	var err error
	waitFor(t, "the link up", 10*time.Second, func() bool {
		r, err = c1.link.Dossier(ctx, "G09.20-20260609-0092637")
		return !errors.Is(err, link.ErrNotConnected)
	})
	if err != nil || !strings.Contains(string(r.Dossier), `"procedure":"Cấp phiếu lý lịch tư pháp"`) || asked.Load() != "c1 G09.20-20260609-0092637" {
		t.Fatalf("reply %+v, %v (asked %v)", r, err, asked.Load())
	}
	if r, err := c1.link.Dossier(ctx, "000.00.14.H56-200203-0118"); err != nil || !r.NotFound {
		t.Fatalf("unknown dossier: %+v, %v", r, err)
	}

	// c2's credentials cannot ask in c1's name: the server refuses the
	// subject, so the request gets no answer.
	kp, _ := nkeys.FromSeed(seed2)
	nc, err := nats.Connect(url, nats.Nkey(pub2, kp.Sign), nats.CustomInboxPrefix(wire.InboxPrefix("c2")))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if _, err := nc.Request(wire.DossierSubject("c1"), []byte(`{"code":"G09.20-20260609-0092637"}`), 500*time.Millisecond); err == nil {
		t.Fatal("c2 asked in c1's name")
	}
	if msg, err := nc.Request(wire.DossierSubject("c2"), []byte(`{"code":"G09.20-20260609-0092637"}`), 5*time.Second); err != nil || !strings.Contains(string(msg.Data), "Trần Văn Nam") {
		t.Fatalf("c2 in its own name: %v", err)
	}
	if asked.Load() != "c2 G09.20-20260609-0092637" {
		t.Fatalf("asked %v", asked.Load())
	}
}

// A hub without a source, and a link that is down, say so instead of
// leaving the center waiting.
func TestDossierWithoutSourceOrLink(t *testing.T) {
	seed, pub := userKey(t)
	url := startDossierHub(t, []broker.Center{{ID: "c1", NKey: pub}}, nil)
	c := newCenter(t, "c1", seed, url, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var r wire.DossierReply
	var err error
	waitFor(t, "the link up", 10*time.Second, func() bool {
		r, err = c.link.Dossier(ctx, "G09.20-20260609-0092637")
		return !errors.Is(err, link.ErrNotConnected)
	})
	if err != nil || r.Error == "" || r.NotFound || r.Dossier != nil {
		t.Fatalf("no source: %+v, %v", r, err)
	}
	c.close()
	if _, err := c.link.Dossier(ctx, "G09.20-20260609-0092637"); !errors.Is(err, link.ErrNotConnected) {
		t.Fatalf("link stopped: %v", err)
	}
}
