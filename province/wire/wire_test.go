package wire

import (
	"strings"
	"testing"
	"time"

	"motcua/queue"
)

func TestAFrameComesBackAsItsEvents(t *testing.T) {
	at := time.Date(2026, 12, 1, 2, 3, 4, 5e6, time.UTC)
	tk := queue.Ticket{ID: "t1", Day: "2026-12-01", Origin: "A", Seq: 7, Number: "A007", Service: "B", Priority: true,
		State: queue.Serving, Kiosk: "k1", Counter: "2", Calls: 2, IssuedAt: at, QueuedAt: at, CalledAt: at.Add(time.Minute),
		StartedAt: at.Add(2 * time.Minute), Print: queue.PrintPrinted, Rating: 3}
	in := []queue.Event{
		{Seq: 41, At: at, Type: queue.EventTransferred, Ticket: tk, Counter: "2", From: "A"},
		{Seq: 42, At: at, Type: queue.EventCalled, Ticket: tk, Counter: "2", Recall: true},
		{Seq: 43, At: at, Type: queue.EventDayReset, Day: "2026-12-02"},
	}
	b, err := EncodeFrame(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeFrame(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		w, g := in[i], out[i]
		if g.Seq != w.Seq || g.Type != w.Type || !g.At.Equal(w.At) || g.Counter != w.Counter || g.From != w.From ||
			g.Recall != w.Recall || g.Day != w.Day || g.Ticket.ID != w.Ticket.ID || g.Ticket.State != w.Ticket.State ||
			!g.Ticket.CalledAt.Equal(w.Ticket.CalledAt) || !g.Ticket.DoneAt.Equal(w.Ticket.DoneAt) || g.Ticket.Priority != w.Ticket.Priority ||
			g.Ticket.Print != w.Ticket.Print || g.Ticket.Rating != w.Ticket.Rating || g.Ticket.Calls != w.Ticket.Calls {
			t.Errorf("event %d: sent %+v, got %+v", i, w, g)
		}
	}
	if MsgID("c1", Frame{Events: []Event{{Seq: 41}, {Seq: 43}}}) != "c1:41-43" {
		t.Fatal("message id")
	}
}

func TestABadFrameIsRefused(t *testing.T) {
	for name, frame := range map[string]string{
		"not JSON":      `{"v":1,`,
		"later version": `{"v":2,"events":[{"seq":1,"type":"issued"}]}`,
		"no version":    `{"events":[{"seq":1,"type":"issued"}]}`,
		"empty":         `{"v":1,"events":[]}`,
		"seq 0":         `{"v":1,"events":[{"seq":0,"type":"issued"}]}`,
		"out of order":  `{"v":1,"events":[{"seq":5,"type":"issued"},{"seq":5,"type":"called"}]}`,
	} {
		if _, err := DecodeFrame([]byte(frame)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTheCenterIsTakenFromTheSubjectOnly(t *testing.T) {
	cases := map[string]string{
		EventsSubject("c1"):         "c1",
		StatusSubject("xa-tan-lap"): "xa-tan-lap",
		SyncSubject("c_2"):          "c_2",
		NoticeSubject("c3"):         "c3",
		"motcua.up.c1":              "",
		"motcua.up.c1.events.x":     "",
		"motcua.up.C1.events":       "",
		"other.up.c1.events":        "",
		"motcua.down.c1.x":          "",
	}
	for subject, want := range cases {
		if got := CenterOf(subject); got != want {
			t.Errorf("CenterOf(%q) = %q, want %q", subject, got, want)
		}
	}
	for _, bad := range []string{"", "c.1", "c*", "c>", "C1", "-c", strings.Repeat("a", 41), "c 1"} {
		if CheckCenter(bad) == nil {
			t.Errorf("CheckCenter(%q) accepted", bad)
		}
	}
	p := CenterPermissions("c1")
	for _, s := range append(p.Publish, p.Subscribe...) {
		if !strings.Contains(s, "c1") || strings.Contains(s, "*") {
			t.Errorf("permission %q is not c1's own", s)
		}
	}
}
