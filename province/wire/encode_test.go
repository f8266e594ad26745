package wire

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"motcua/queue"
)

// reference is the frame as encoding/json writes it: what EncodeFrame
// wrote before its own encoder, and what it must still write.
func reference(t *testing.T, events []queue.Event) []byte {
	t.Helper()
	f := Frame{V: FrameVersion, Events: make([]Event, len(events))}
	for i, e := range events {
		f.Events[i] = fromEvent(e)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFrameEncodingIsEncodingJSONs(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 30, 15, 123456789, time.UTC)
	ict := time.FixedZone("ICT", 7*3600)
	full := queue.Ticket{ID: "2026-12-01-A-7", Day: "2026-12-01", Origin: "A", Seq: 7, Number: "A007", Service: "B",
		Priority: true, State: queue.Done, Kiosk: "k1", Counter: "3", Calls: 2, IssuedAt: at, QueuedAt: at.Add(time.Second),
		CalledAt: at.Add(time.Minute).In(ict), StartedAt: at.Add(2 * time.Minute), DoneAt: at.Add(7 * time.Minute),
		Print: queue.PrintState("printed"), Rating: 3, Person: "7f3a", Booking: "0123456789abcdef"}
	strs := []string{"", "A", "Hộ tịch – chứng thực", `quote " and \ backslash`, "<script>&</script>",
		"tab\tnew\nline\rcr\bback\fform\x00\x01\x1f", "\u2028\u2029", "bad \xff\xfe utf8 \xe1\xbb", "😀 emoji", "\x7f"}
	events := []queue.Event{
		{Seq: 1, At: at, Type: queue.EventIssued, Ticket: full},
		{Seq: 2, At: at.In(ict), Type: queue.EventCalled, Ticket: queue.Ticket{ID: "x", State: queue.Called}, Counter: "1", Recall: true},
		{Seq: 3, At: time.Time{}, Type: queue.EventTransferred, From: "A"},
		{Seq: 18446744073709551615, At: at, Type: "day", Day: "2026-12-02"},
	}
	r := rand.New(rand.NewPCG(3, 4))
	pick := func() string { return strs[r.IntN(len(strs))] + strs[r.IntN(len(strs))] }
	for i := range 500 {
		tk := full
		tk.ID, tk.Day, tk.Origin, tk.Number, tk.Service, tk.Kiosk, tk.Counter = pick()+"id", pick(), pick(), pick(), pick(), pick(), pick()
		tk.State, tk.Print, tk.Person, tk.Booking = queue.State(pick()), queue.PrintState(pick()), pick(), pick()
		tk.Seq, tk.Calls, tk.Rating, tk.Priority = r.IntN(3)-1, r.IntN(3), r.IntN(4), r.IntN(2) == 0
		if r.IntN(2) == 0 {
			tk.CalledAt, tk.StartedAt = time.Time{}, time.Time{}
		}
		if r.IntN(2) == 0 {
			tk.DoneAt = time.Time{}
		}
		ev := queue.Event{Seq: uint64(10 + i), At: at.Add(time.Duration(r.Int64N(1e15))), Type: queue.EventType(pick()),
			Counter: pick(), From: pick(), Recall: r.IntN(2) == 0, Day: pick()}
		if r.IntN(4) > 0 {
			ev.Ticket = tk
		}
		events = append(events, ev)
	}
	for i := range events {
		got, err := EncodeFrame(events[i : i+1])
		if err != nil {
			t.Fatal(err)
		}
		if want := reference(t, events[i:i+1]); !bytes.Equal(got, want) {
			t.Fatalf("event %d:\n got %s\nwant %s", i, got, want)
		}
	}
	got, err := EncodeFrame(events)
	if err != nil {
		t.Fatal(err)
	}
	if want := reference(t, events); !bytes.Equal(got, want) {
		t.Fatal("the frame of every event differs from encoding/json's")
	}
}

func TestFrameEncodingRefusesWhatEncodingJSONRefuses(t *testing.T) {
	ev := queue.Event{Seq: 1, At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Type: queue.EventIssued}
	if _, err := EncodeFrame([]queue.Event{ev}); err == nil {
		t.Fatal("a time after year 9999 encoded")
	}
	ev.At = time.Time{}
	ev.Ticket = queue.Ticket{ID: "x", IssuedAt: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := EncodeFrame([]queue.Event{ev}); err == nil {
		t.Fatal("a ticket's time before year 0 encoded")
	}
}
