package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"motcua/internal/database"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/notifytest"
	"motcua/kiosk/notify/outbox"
	"motcua/kiosk/notify/zns"
	"motcua/queue"
	"motcua/queue/sqlite"
)

// BenchmarkCallToProvider measures, on one center's SQLite file
// (synchronous=FULL) and the system clock, the time from a call returning
// at the counter to the provider's answer to "go to counter 1": the event,
// the notifier's board, the outbox commit, the sender and one HTTP request
// to the fake ZNS on the loopback. It reports p50 and p99.
func BenchmarkCallToProvider(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := database.Open(filepath.Join(b.TempDir(), "center.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	qs, err := sqlite.NewStore(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	e, err := queue.New(ctx, queue.Opts{Fields: []queue.Field{{Code: "A", Name: "Hộ tịch"}},
		Counters: []queue.Counter{{ID: "1", Name: "Quầy 1", Services: []string{"A"}}}, Store: qs, Location: time.UTC})
	if err != nil {
		b.Fatal(err)
	}
	go e.Run(ctx)
	box, err := outbox.NewStore(ctx, db, outbox.StoreOpts{})
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	n, err := notify.New(notify.Opts{Source: e, Outbox: box, Kinds: []notify.Kind{notify.KindCalled}, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	e.OnEvents(n.Publish)
	go n.Run(ctx)
	fz := notifytest.NewZNS(b, "rt-first")
	zc, err := zns.New(zns.Opts{SendURL: fz.SendURL, TokenURL: fz.TokenURL, AppID: fz.AppID, SecretKey: fz.SecretKey,
		RefreshToken: "rt-first", Secrets: box,
		Templates: map[notify.Kind]zns.Template{notify.KindCalled: {ID: "102", Params: map[string]string{"so": "number"}}}})
	if err != nil {
		b.Fatal(err)
	}
	outcomes := make(chan outbox.Outcome, 16)
	s, err := outbox.NewSender(outbox.SenderOpts{Store: box, Channels: []notify.Channel{zc}, Timely: n.Timely, Logger: quiet,
		Observe: func(o outbox.Outcome) { outcomes <- o }})
	if err != nil {
		b.Fatal(err)
	}
	go s.Run(ctx)
	if err := n.Sync(ctx, 0); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		t, err := e.Issue(ctx, queue.IssueRequest{Service: "A"})
		if err != nil {
			b.Fatal(err)
		}
		if err := n.Watch(ctx, t.ID, "0912345678", ""); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := e.Next(ctx, "1"); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		o := <-outcomes
		lat = append(lat, o.At.Sub(start))
		if o.State != outbox.Sent {
			b.Fatalf("outcome %+v", o)
		}
		b.StopTimer()
		if _, err := e.Complete(ctx, "1"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkOutbox measures the outbox alone: messages decided one
// transaction each (as the notifier does per batch of events) and sent by
// the sender's workers to a channel that answers at once.
func BenchmarkOutbox(b *testing.B) {
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			db, err := database.Open(filepath.Join(b.TempDir(), "center.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			box, err := outbox.NewStore(ctx, db, outbox.StoreOpts{})
			if err != nil {
				b.Fatal(err)
			}
			if err := box.AddContact(ctx, notify.Contact{Key: "t:x", Ticket: "x", Phone: "84912345678",
				Expires: time.Now().Add(time.Hour)}, nil, nil); err != nil {
				b.Fatal(err)
			}
			sent := make(chan struct{}, 1024)
			s, err := outbox.NewSender(outbox.SenderOpts{Store: box, Workers: workers,
				Channels: []notify.Channel{notifytest.NewChannel("zns")}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Observe: func(o outbox.Outcome) { sent <- struct{}{} }})
			if err != nil {
				b.Fatal(err)
			}
			go s.Run(ctx)
			decided, got := 0, 0
			b.ResetTimer()
			for b.Loop() {
				decided++
				m := notify.Message{Key: fmt.Sprintf("t:x:%d", decided), Kind: notify.KindCalled, Contact: "t:x",
					Params: map[string]string{"number": "A001"}, At: time.Now()}
				if err := box.Decide(ctx, []notify.Message{m}, nil); err != nil {
					b.Fatal(err)
				}
				for drained := false; !drained; {
					select {
					case <-sent:
						got++
					default:
						drained = true
					}
				}
			}
			for ; got < decided; got++ {
				<-sent // every decided message sent before the clock stops
			}
			b.StopTimer()
		})
	}
}
