package outbox

import (
	"testing"
	"time"

	"motcua/kiosk/notify"
	"motcua/kiosk/notify/notifytest"
)

// A center without internet: Zalo cannot be reached, so the message goes
// to the hub at once (no backoff on Zalo first), Zalo rests, and once its
// rest is over it is tried first again.
func TestUnreachableFallsBackAtOnce(t *testing.T) {
	r := newRig(t)
	offline := notifytest.Refuse("zns", notify.FailUnreachable, "")
	zns := notifytest.NewChannel("zns", offline)
	hub := notifytest.NewChannel("hub")
	r.run(SenderOpts{Channels: []notify.Channel{zns, hub}, UnreachablePause: time.Minute})
	r.contact("t:1", "84912345678", "")
	r.contact("t:2", "84912345679", "")
	r.contact("t:3", "84912345670", "")
	r.decide(called("1"))
	if o := r.outcome(); o.Channel != "zns" || o.Failure != notify.FailUnreachable {
		t.Fatalf("first outcome %+v", o)
	}
	if o := r.outcome(); o.Channel != "hub" || o.Failure != "" || o.State != Sent {
		t.Fatalf("second outcome %+v", o)
	}
	r.decide(called("2"))
	if o := r.outcome(); o.Channel != "hub" || o.Key != "t:2:called" {
		t.Fatalf("while zns rests: %+v", o)
	}
	if n := len(zns.Got()); n != 1 {
		t.Fatalf("zns asked %d times while resting, want 1", n)
	}
	r.clock.Advance(time.Minute)
	r.decide(called("3"))
	if o := r.outcome(); o.Channel != "zns" || o.Failure != "" || o.Key != "t:3:called" {
		t.Fatalf("after the rest: %+v", o)
	}
	if it := r.item("t:1:called"); it.State != Sent || it.Channel != "hub" || it.ProviderID != "hub-1" {
		t.Fatalf("item %+v", it)
	}
}

// The hub too unreachable (the link is down): the message waits for the
// first channel's rest to end, then is tried from the first again.
func TestAllUnreachableWaits(t *testing.T) {
	r := newRig(t)
	zns := notifytest.NewChannel("zns", notifytest.Refuse("zns", notify.FailUnreachable, ""))
	hub := notifytest.NewChannel("hub", notifytest.Refuse("hub", notify.FailUnreachable, ""))
	r.run(SenderOpts{Channels: []notify.Channel{zns, hub}, UnreachablePause: time.Minute})
	r.contact("t:1", "84912345678", "")
	start := r.clock.Now()
	r.decide(called("1"))
	r.outcome()
	r.outcome()
	if it := r.item("t:1:called"); it.State != Pending || !it.NextAt.Equal(start.Add(time.Minute)) {
		t.Fatalf("while all rest: %+v", it)
	}
	r.advance(time.Minute)
	if o := r.outcome(); o.Channel != "zns" || o.State != Sent {
		t.Fatalf("after the rest: %+v", o)
	}
}
