package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/kiosk/notify"
	"motcua/kiosk/notify/notifytest"
	"motcua/kiosk/notify/outbox"
	"motcua/kiosk/notify/smsgw"
	"motcua/kiosk/notify/zns"
	"motcua/queue"
)

// syncBuffer is a log sink shared by the notifier's and the sender's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// From the queue to the providers: Zalo first, SMS when the citizen has no
// Zalo account; a message the queue made moot is never sent; no log line
// holds a number.
func TestFromTheQueueToTheProviders(t *testing.T) {
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newCenter(t, notify.Opts{AheadAt: 1, Logger: log})
	fz := notifytest.NewZNS(t, "rt-first")
	fs := notifytest.NewSMS(t)
	fz.Set("84987000002", notifytest.NoZalo)
	zc, err := zns.New(zns.Opts{SendURL: fz.SendURL, TokenURL: fz.TokenURL, AppID: fz.AppID, SecretKey: fz.SecretKey,
		RefreshToken: "rt-first", Secrets: c.box, Clock: c.clock, Templates: map[notify.Kind]zns.Template{
			notify.KindTaken:  {ID: "100", Params: map[string]string{"so": "number", "con": "ahead"}},
			notify.KindAhead:  {ID: "101", Params: map[string]string{"so": "number", "con": "ahead"}},
			notify.KindCalled: {ID: "102", Params: map[string]string{"so": "number", "quay": "counter"}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	so := smsgw.ESMS(fs.APIKey, "UBND")
	so.URL, so.Secret = fs.URL, fs.SecretKey
	sc, err := smsgw.New(so)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := make(chan outbox.Outcome, 64)
	s, err := outbox.NewSender(outbox.SenderOpts{Store: c.box, Channels: []notify.Channel{zc, sc}, Timely: c.n.Timely,
		Clock: c.clock, Location: time.UTC, Logger: log, Observe: func(o outbox.Outcome) { outcomes <- o }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	final := func() outbox.Outcome {
		t.Helper()
		for {
			select {
			case o := <-outcomes:
				if o.State != outbox.Sending {
					return o
				}
			case <-time.After(30 * time.Second):
				t.Fatal("no outcome")
			}
		}
	}

	c.issue("A", false) // the first, called first
	zalo := c.issue("A", false)
	sms := c.issue("A", false)
	c.sync()
	for tk, phone := range map[string]string{zalo.ID: "0987 000 001", sms.ID: "0987000002"} {
		if err := c.n.Watch(c.ctx, tk, phone, ""); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if o := final(); o.Kind != notify.KindTaken || o.State != outbox.Sent {
			t.Fatalf("taken: %+v", o)
		}
	}
	c.do("next", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Next(ctx, "1") }) // first
	if o := final(); o.Kind != notify.KindAhead || o.Channel != "sms" {                              // sms ticket: 1 ahead
		t.Fatalf("ahead: %+v", o)
	}
	c.do("next", func(ctx context.Context) (queue.Ticket, error) { return c.engine.Next(ctx, "1") }) // zalo
	if o := final(); o.Kind != notify.KindCalled || o.Channel != "zns" || o.State != outbox.Sent {
		t.Fatalf("called: %+v", o)
	}
	got := fz.Accepted()
	if len(got) != 2 || got[1].TemplateID != "102" || got[1].TemplateData["quay"] != "Quầy 1" || got[1].TemplateData["so"] != zalo.Number {
		t.Fatalf("ZNS accepted %+v", got)
	}
	texts := fs.Accepted()
	if len(texts) != 2 || texts[0].Phone != "0987000002" || !strings.Contains(texts[1].Content, "con 1 nguoi truoc ban") {
		t.Fatalf("SMS accepted %+v", texts)
	}
	for _, s := range []string{"987000001", "987000002"} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("a log line holds %s:\n%s", s, logs.String())
		}
	}
}
