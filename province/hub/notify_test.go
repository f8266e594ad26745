package hub_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"motcua/province/broker"
	"motcua/province/hub"
	"motcua/province/link"
	"motcua/province/wire"
)

// startNotifyHub is startHubWith taking the centers' messages with take.
func startNotifyHub(t *testing.T, centers []broker.Center, take func(ctx context.Context, center string, r wire.NotifyRequest) wire.NotifyReply) string {
	t.Helper()
	return startHubWith(t, centers, func(o *hub.Opts) { o.Notify = take })
}

// A center hands its hub a message over its link; the hub takes it in the
// center's name from the subject, and no center can send as another.
func TestNotifyThroughTheHub(t *testing.T) {
	seed1, pub1 := userKey(t)
	seed2, pub2 := userKey(t)
	var mu sync.Mutex
	var took []string
	url := startNotifyHub(t, []broker.Center{{ID: "c1", NKey: pub1}, {ID: "c2", NKey: pub2}},
		func(ctx context.Context, center string, r wire.NotifyRequest) wire.NotifyReply {
			mu.Lock()
			defer mu.Unlock()
			took = append(took, center+" "+r.Key+" "+r.Phone+" "+r.Params["counter"])
			return wire.NotifyReply{Accepted: true, ID: "7"}
		})
	c1 := newCenter(t, "c1", seed1, url, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := wire.NotifyRequest{Key: "t:A-2026-12-01-7:called", Kind: "called", Phone: "84912345678",
		Params: map[string]string{"number": "A007", "counter": "3"}}
	var r wire.NotifyReply
	var err error
	waitFor(t, "the link up", 10*time.Second, func() bool {
		r, err = c1.link.Notify(ctx, req)
		return !errors.Is(err, link.ErrNotConnected)
	})
	if err != nil || !r.Accepted || r.ID != "7" {
		t.Fatalf("reply %+v, %v", r, err)
	}
	if r, err := c1.link.Notify(ctx, wire.NotifyRequest{Key: "t:x:called", Kind: "called"}); err != nil || r.Accepted || r.Retry {
		t.Fatalf("a message without a recipient: %+v, %v", r, err)
	}

	kp, _ := nkeys.FromSeed(seed2)
	nc, err := nats.Connect(url, nats.Nkey(pub2, kp.Sign), nats.CustomInboxPrefix(wire.InboxPrefix("c2")))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	body := []byte(`{"key":"t:forged:called","kind":"called","phone":"84900000000"}`)
	if _, err := nc.Request(wire.NotifySubject("c1"), body, 500*time.Millisecond); err == nil {
		t.Fatal("c2 sent in c1's name")
	}
	if msg, err := nc.Request(wire.NotifySubject("c2"), body, 5*time.Second); err != nil || !strings.Contains(string(msg.Data), `"accepted":true`) {
		t.Fatalf("c2 in its own name: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"c1 t:A-2026-12-01-7:called 84912345678 3", "c2 t:forged:called 84900000000 "}
	if strings.Join(took, "|") != strings.Join(want, "|") {
		t.Fatalf("the hub took %q, want %q", took, want)
	}
}

// A hub without channels refuses for good (the center tries its next
// channel or gives up), and a stopped link says it is down at once.
func TestNotifyWithoutChannelsOrLink(t *testing.T) {
	seed, pub := userKey(t)
	url := startNotifyHub(t, []broker.Center{{ID: "c1", NKey: pub}}, nil)
	c := newCenter(t, "c1", seed, url, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := wire.NotifyRequest{Key: "t:1:called", Kind: "called", Phone: "84912345678"}
	var r wire.NotifyReply
	var err error
	waitFor(t, "the link up", 10*time.Second, func() bool {
		r, err = c.link.Notify(ctx, req)
		return !errors.Is(err, link.ErrNotConnected)
	})
	if err != nil || r.Accepted || r.Retry || r.Error == "" {
		t.Fatalf("no channels: %+v, %v", r, err)
	}
	c.close()
	if _, err := c.link.Notify(ctx, req); !errors.Is(err, link.ErrNotConnected) {
		t.Fatalf("link stopped: %v", err)
	}
}
