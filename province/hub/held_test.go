package hub_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"motcua/province/broker"
	"motcua/province/hub"
	"motcua/province/link"
	"motcua/province/wire"
)

// A center asks its hub what a person holds at the other centers: the hub
// is told which center asks (from the subject) and answers its store's
// numbers; a request it cannot read, or that its store fails, is answered
// with an error; another center's credentials cannot ask in c1's name.
func TestHeldFromTheHub(t *testing.T) {
	seed1, pub1 := userKey(t)
	seed2, pub2 := userKey(t)
	var asked atomic.Value
	from := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	url := startHubWith(t, []broker.Center{{ID: "c1", NKey: pub1}, {ID: "c2", NKey: pub2}}, func(o *hub.Opts) {
		o.Held = func(ctx context.Context, center, person, day string) ([]wire.HeldNumber, error) {
			asked.Store(center + " " + person + " " + day)
			if person == "failing" {
				return nil, errors.New("store down")
			}
			return []wire.HeldNumber{{Center: "c2", CenterName: "Trung tâm phường X", Field: "A", Number: "A012"},
				{Center: "c3", CenterName: "Trung tâm phường Y", Field: "B", From: from}}, nil
		}
	})
	c1 := newCenter(t, "c1", seed1, url, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var held []wire.HeldNumber
	var err error
	waitFor(t, "the link up", 10*time.Second, func() bool {
		held, err = c1.link.Held(ctx, "p-hash", "2026-12-01")
		return !errors.Is(err, link.ErrNotConnected)
	})
	if err != nil || len(held) != 2 || held[0].Number != "A012" || held[0].CenterName != "Trung tâm phường X" ||
		!held[1].From.Equal(from) || asked.Load() != "c1 p-hash 2026-12-01" {
		t.Fatalf("held %+v, %v (asked %v)", held, err, asked.Load())
	}
	if _, err := c1.link.Held(ctx, "p-hash", "1 December"); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Fatalf("a day that does not read: %v", err)
	}
	if _, err := c1.link.Held(ctx, "failing", "2026-12-01"); err == nil || !strings.Contains(err.Error(), "cannot read its store") {
		t.Fatalf("the store failing: %v", err)
	}

	// c2's credentials cannot ask in c1's name: the server refuses the
	// subject, so the request gets no answer.
	kp, _ := nkeys.FromSeed(seed2)
	nc, err := nats.Connect(url, nats.Nkey(pub2, kp.Sign), nats.CustomInboxPrefix(wire.InboxPrefix("c2")))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	asked.Store("")
	body := []byte(`{"person":"p-hash","day":"2026-12-01"}`)
	if _, err := nc.Request(wire.HeldSubject("c1"), body, 500*time.Millisecond); err == nil {
		t.Fatal("c2 asked in c1's name")
	}
	if asked.Load() != "" {
		t.Fatalf("the hub was asked in c1's name: %v", asked.Load())
	}
	if msg, err := nc.Request(wire.HeldSubject("c2"), body, 5*time.Second); err != nil || !strings.Contains(string(msg.Data), "A012") {
		t.Fatalf("c2 in its own name: %v", err)
	}
	if asked.Load() != "c2 p-hash 2026-12-01" {
		t.Fatalf("asked %v", asked.Load())
	}
	c1.close()
	if _, err := c1.link.Held(ctx, "p-hash", "2026-12-01"); !errors.Is(err, link.ErrNotConnected) {
		t.Fatalf("link stopped: %v", err)
	}
}
