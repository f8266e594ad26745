package zns_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/kiosk/notify"
	"motcua/kiosk/notify/notifytest"
	"motcua/kiosk/notify/outbox"
	"motcua/kiosk/notify/zns"
)

type rig struct {
	ctx   context.Context
	clock *clocktest.Fake
	fake  *notifytest.ZNS
	store *outbox.Store
	path  string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	r := &rig{ctx: ctx, clock: clocktest.New(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)),
		fake: notifytest.NewZNS(t, "rt-first"), path: filepath.Join(t.TempDir(), "center.db")}
	r.store = r.open(t)
	return r
}

func (r *rig) open(t *testing.T) *outbox.Store {
	db, err := database.Open(r.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := outbox.NewStore(r.ctx, db, outbox.StoreOpts{Clock: r.clock})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (r *rig) channel(t *testing.T, store *outbox.Store) *zns.Channel {
	t.Helper()
	c, err := zns.New(zns.Opts{SendURL: r.fake.SendURL, TokenURL: r.fake.TokenURL, AppID: r.fake.AppID,
		SecretKey: r.fake.SecretKey, RefreshToken: "rt-first", Secrets: store, Clock: r.clock,
		Templates: map[notify.Kind]zns.Template{
			notify.KindCalled: {ID: "312301", Params: map[string]string{"so_thu_tu": "number", "quay": "counter"}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func delivery(phone string) notify.Delivery {
	return notify.Delivery{Key: "t:abc:called", Kind: notify.KindCalled, Phone: phone,
		Params: map[string]string{"number": "A012", "counter": "Quầy 3"}}
}

func TestSendsTheTemplate(t *testing.T) {
	r := newRig(t)
	c := r.channel(t, r.store)
	rec, err := c.Send(r.ctx, delivery("84912345678"))
	if err != nil {
		t.Fatal(err)
	}
	got := r.fake.Accepted()
	if len(got) != 1 {
		t.Fatalf("accepted %d", len(got))
	}
	m := got[0]
	if m.Phone != "84912345678" || m.TemplateID != "312301" || m.TrackingID != "t:abc:called" ||
		m.TemplateData["so_thu_tu"] != "A012" || m.TemplateData["quay"] != "Quầy 3" || rec.ProviderID != m.MsgID {
		t.Fatalf("sent %+v, receipt %+v", m, rec)
	}
	if r.fake.Renewals() != 1 {
		t.Fatalf("renewals %d, want 1 (no token stored yet)", r.fake.Renewals())
	}
}

// Zalo ends a token early: the channel renews it and the message goes.
func TestExpiredTokenLosesNoMessage(t *testing.T) {
	r := newRig(t)
	c := r.channel(t, r.store)
	if _, err := c.Send(r.ctx, delivery("84912345678")); err != nil {
		t.Fatal(err)
	}
	r.fake.Expire()
	if _, err := c.Send(r.ctx, delivery("84912345679")); err != nil {
		t.Fatalf("after the token expired: %v", err)
	}
	if n := len(r.fake.Accepted()); n != 2 || r.fake.Renewals() != 2 || r.fake.Requests() != 3 {
		t.Fatalf("accepted %d, renewals %d, requests %d; want 2, 2, 3", n, r.fake.Renewals(), r.fake.Requests())
	}
}

func TestRenewsBeforeExpiry(t *testing.T) {
	r := newRig(t)
	c := r.channel(t, r.store)
	if _, err := c.Send(r.ctx, delivery("84912345678")); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(23 * time.Hour)
	if _, err := c.Send(r.ctx, delivery("84912345678")); err != nil {
		t.Fatal(err)
	}
	if r.fake.Renewals() != 1 {
		t.Fatalf("renewed at 23 h of 25: %d", r.fake.Renewals())
	}
	r.clock.Advance(90 * time.Minute) // within RefreshBefore (1 h) of the end
	if _, err := c.Send(r.ctx, delivery("84912345678")); err != nil {
		t.Fatal(err)
	}
	if r.fake.Renewals() != 2 || r.fake.Requests() != 3 {
		t.Fatalf("renewals %d, requests %d; want 2, 3 (renewed before, not after a refusal)", r.fake.Renewals(), r.fake.Requests())
	}
}

// Zalo spends a refresh token at each renewal: after a restart the
// channel uses the stored one, not the config's first.
func TestRestartUsesTheStoredRefreshToken(t *testing.T) {
	r := newRig(t)
	if _, err := r.channel(t, r.store).Send(r.ctx, delivery("84912345678")); err != nil {
		t.Fatal(err)
	}
	r.fake.Expire()
	again := r.channel(t, r.open(t))
	if _, err := again.Send(r.ctx, delivery("84912345678")); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	if r.fake.Renewals() != 2 {
		t.Fatalf("renewals %d", r.fake.Renewals())
	}
}

func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		b     notifytest.Behaviour
		kind  notify.Kind
		want  notify.Failure
		code  string
		after time.Duration
	}{
		{"invalid phone", notifytest.BadPhone, notify.KindCalled, notify.FailRecipient, "-108", 0},
		{"no Zalo account", notifytest.NoZalo, notify.KindCalled, notify.FailRecipient, "-118", 0},
		{"template not allowed", notifytest.NoTemplate, notify.KindCalled, notify.FailChannel, "-117", 0},
		{"quota", notifytest.OutOfQuota, notify.KindCalled, notify.FailChannel, "-115", time.Hour},
		{"rate limited", notifytest.RateLimited, notify.KindCalled, notify.FailRateLimited, "429", time.Minute},
		{"timeout", notifytest.Timeout, notify.KindCalled, notify.FailTemporary, "", 0},
		{"no template for the kind", notifytest.Accept, notify.KindRating, notify.FailChannel, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			c := r.channel(t, r.store)
			if _, err := c.Send(r.ctx, delivery("84900000001")); err != nil { // a token first
				t.Fatal(err)
			}
			r.fake.Set("84912345678", tc.b)
			d := delivery("84912345678")
			d.Kind = tc.kind
			ctx := r.ctx
			if tc.b == notifytest.Timeout {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 200*time.Millisecond)
				defer cancel()
			}
			_, err := c.Send(ctx, d)
			var se *notify.SendError
			if !errors.As(err, &se) || se.Failure != tc.want || se.Code != tc.code || se.RetryAfter != tc.after {
				t.Fatalf("got %#v, want %s code %q retry after %v", err, tc.want, tc.code, tc.after)
			}
		})
	}
}

func TestRefusedRefreshTokenIsTheChannels(t *testing.T) {
	r := newRig(t)
	c, err := zns.New(zns.Opts{SendURL: r.fake.SendURL, TokenURL: r.fake.TokenURL, AppID: r.fake.AppID,
		SecretKey: r.fake.SecretKey, RefreshToken: "rt-wrong", Secrets: r.store, Clock: r.clock,
		Templates: map[notify.Kind]zns.Template{notify.KindCalled: {ID: "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(r.ctx, delivery("84912345678")); notify.FailureOf(err) != notify.FailChannel {
		t.Fatalf("a refused refresh token: %v, want FailChannel", err)
	}
}
