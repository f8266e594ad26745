package relay_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/relay"
	"motcua/province/wire"
)

var errDown = errors.New("link down")

type fakeHub struct {
	got   []wire.NotifyRequest
	reply wire.NotifyReply
	err   error
}

func (h *fakeHub) Notify(_ context.Context, r wire.NotifyRequest) (wire.NotifyReply, error) {
	h.got = append(h.got, r)
	return h.reply, h.err
}

func TestRelay(t *testing.T) {
	exp := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	d := notify.Delivery{Key: "t:1:called", Kind: notify.KindCalled, Phone: "84912345678",
		Params: map[string]string{"counter": "3"}, Expires: exp}
	for _, tc := range []struct {
		name    string
		hub     *fakeHub
		fail    notify.Failure
		receipt string
	}{
		{"accepted", &fakeHub{reply: wire.NotifyReply{Accepted: true, ID: "42"}}, "", "hub:42"},
		{"held already", &fakeHub{reply: wire.NotifyReply{Accepted: true, Duplicate: true, ID: "42"}}, "", "hub:42"},
		{"link down", &fakeHub{err: errDown}, notify.FailUnreachable, ""},
		{"no reply", &fakeHub{err: context.DeadlineExceeded}, notify.FailTemporary, ""},
		{"store down", &fakeHub{reply: wire.NotifyReply{Error: "store", Retry: true}}, notify.FailTemporary, ""},
		{"refused", &fakeHub{reply: wire.NotifyReply{Error: "no notify channel configured at the hub"}}, notify.FailChannel, ""},
		{"no link", nil, notify.FailUnreachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := relay.New(relay.Opts{
				Hub: func() relay.Hub {
					if tc.hub == nil {
						return nil
					}
					return tc.hub
				},
				Unreachable: func(err error) bool { return errors.Is(err, errDown) },
				Clock:       clocktest.New(exp.Add(-time.Minute))}) // its expiry is within LiveFor
			if err != nil {
				t.Fatal(err)
			}
			rec, err := ch.Send(context.Background(), d)
			if f := failure(err); f != tc.fail || rec.ProviderID != tc.receipt {
				t.Fatalf("failure %q receipt %q (%v), want %q %q", f, rec.ProviderID, err, tc.fail, tc.receipt)
			}
			if tc.hub == nil {
				return
			}
			if len(tc.hub.got) != 1 {
				t.Fatalf("asked %d times", len(tc.hub.got))
			}
			r := tc.hub.got[0]
			if r.Key != d.Key || r.Kind != "called" || r.Phone != d.Phone || r.Params["counter"] != "3" || !r.Expires.Equal(exp) {
				t.Fatalf("request %+v", r)
			}
		})
	}
}

func failure(err error) notify.Failure {
	if err == nil {
		return ""
	}
	return notify.FailureOf(err)
}

// A lobby message goes with an expiry at most LiveFor away; a dossier's
// keeps its own (none).
func TestRelayBoundsLobbyMessages(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC))
	h := &fakeHub{reply: wire.NotifyReply{Accepted: true}}
	ch, _ := relay.New(relay.Opts{Hub: func() relay.Hub { return h }, Unreachable: func(error) bool { return false },
		LiveFor: 5 * time.Minute, Clock: clk})
	later := clk.Now().Add(time.Hour)
	for _, d := range []notify.Delivery{
		{Key: "t:1:ahead", Kind: notify.KindAhead, Phone: "84912345678"},
		{Key: "t:1:called", Kind: notify.KindCalled, Phone: "84912345678", Expires: later},
		{Key: "d:X:result_ready:9", Kind: notify.KindResultReady, Phone: "84912345678"},
	} {
		if _, err := ch.Send(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	bound := clk.Now().Add(5 * time.Minute)
	if !h.got[0].Expires.Equal(bound) || !h.got[1].Expires.Equal(bound) || !h.got[2].Expires.IsZero() {
		t.Fatalf("expiries %v %v %v", h.got[0].Expires, h.got[1].Expires, h.got[2].Expires)
	}
}

func TestRelayWithoutRecipient(t *testing.T) {
	h := &fakeHub{reply: wire.NotifyReply{Accepted: true}}
	ch, _ := relay.New(relay.Opts{Hub: func() relay.Hub { return h }, Unreachable: func(error) bool { return false }})
	if _, err := ch.Send(context.Background(), notify.Delivery{Key: "t:1:called", Kind: notify.KindCalled}); notify.FailureOf(err) != notify.FailRecipient || len(h.got) != 0 {
		t.Fatalf("no recipient: %v, asked %d", err, len(h.got))
	}
}
