package hub_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"motcua/province/broker"
	"motcua/province/hub"
	"motcua/province/hub/hubtest"
	"motcua/province/wire"
	"motcua/queue"
)

// heldStore holds every Ingest of one center until released, as a
// backlog's big batches hold PostgreSQL.
type heldStore struct {
	*hubtest.Store
	held    string
	entered chan struct{}
	release chan struct{}
}

func (s heldStore) Ingest(ctx context.Context, center string, events []queue.Event) (int, error) {
	if center == s.held {
		select {
		case s.entered <- struct{}{}:
		default:
		}
		// Past the hub's own deadline too: a call that takes what it takes.
		<-s.release
	}
	return s.Store.Ingest(ctx, center, events)
}

// A center whose frames take long to store (a day's backlog after an
// outage) does not hold up the frames of the others.
func TestABacklogDoesNotHoldUpTheOtherCenters(t *testing.T) {
	seed, pub := userKey(t)
	srv, err := broker.Start(broker.Opts{Listen: "127.0.0.1:0", StoreDir: t.TempDir(), Hub: pub})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	kp, _ := nkeys.FromSeed(seed)
	nc, err := nats.Connect(srv.ClientURL(), nats.Nkey(pub, kp.Sign))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	st := heldStore{Store: hubtest.NewStore(), held: "slow", entered: make(chan struct{}, 1), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	h, err := hub.New(ctx, hub.Opts{Conn: nc, Store: st, Known: func(string) bool { return true }, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	defer func() { close(st.release); cancel(); <-done }()

	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	send := func(center string, seq uint64) {
		t.Helper()
		frame, err := wire.EncodeFrame([]queue.Event{{Seq: seq, Type: queue.EventIssued, At: time.Now(),
			Ticket: queue.Ticket{ID: center + "-1", Number: "A001"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.Publish(ctx, wire.EventsSubject(center), frame); err != nil {
			t.Fatal(err)
		}
	}
	send("slow", 1)
	select {
	case <-st.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow center's frame never reached the store")
	}
	// While the slow center's store call is held, another center's frame
	// is stored.
	send("fast", 1)
	wctx, stop := context.WithTimeout(ctx, 20*time.Second)
	defer stop()
	if err := st.Wait(wctx, func(s *hubtest.Store) bool { return len(s.Events("fast")) == 1 }); err != nil {
		t.Fatalf("the other center's frame waited behind the held one: %v", err)
	}
}
