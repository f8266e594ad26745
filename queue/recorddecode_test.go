package queue_test

import (
	"encoding/json"
	"testing"
	"time"

	"motcua/queue"
)

// decodeAsJSON is what DecodeRecord must answer: json.Unmarshal's record,
// and whether it failed.
func decodeAsJSON(data []byte) (queue.TicketRecord, bool) {
	var r queue.TicketRecord
	err := json.Unmarshal(data, &r)
	return r, err == nil
}

func checkDecode(t *testing.T, data []byte) {
	t.Helper()
	want, wantOK := decodeAsJSON(data)
	got, err := queue.DecodeRecord(data)
	if (err == nil) != wantOK || (wantOK && got != want) {
		t.Fatalf("%q:\n got %+v, %v\nwant %+v, ok %v", data, got, err, want, wantOK)
	}
}

var recordSeeds = []string{
	`{}`, `{"id":"x"}`, ` {"id":"x"}`, `{"id":"x"} `, `{"id": "x"}`, `{"id":"x",}`, `{"id":"x"`, `{"id":"x"}}`,
	`{"id":"A\"B"}`, `{"id":"\u0041"}`, `{"ID":"x"}`, `{"id":"x","unknown":1}`, `{"id":null}`, `{"seq":null}`,
	`{"seq":01}`, `{"seq":-0}`, `{"seq":1.5}`, `{"seq":1e3}`, `{"seq":-}`, `{"seq":9223372036854775807}`,
	`{"seq":123456789012345678}`, `{"seq":1234567890123456789}`, `{"issued_at":-1764576000000}`,
	`{"priority":true}`, `{"priority":false}`, `{"priority":tru}`, `{"priority":1}`, `{"id":"x","id":"y"}`,
	"{\"id\":\"\xff\"}", "{\"id\":\"a\tb\"}", `{"id":"Hộ tịch"}`, `{"rating":"3"}`, `[]`, `null`, ``, `{`,
}

func TestDecodeRecordIsJSONUnmarshal(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	tk := queue.Ticket{ID: "2026-12-01-A-7", Day: "2026-12-01", Origin: "A", Seq: 7, Number: "A007", Service: "B",
		Priority: true, State: queue.Done, Kiosk: "k1", Counter: "3", Calls: 2, IssuedAt: at, QueuedAt: at,
		CalledAt: at.Add(time.Minute), StartedAt: at.Add(2 * time.Minute), DoneAt: at.Add(7 * time.Minute),
		Print: "printed", Rating: 3, Person: "7f3a", Category: "elderly", Booking: "0123456789abcdef"}
	for _, r := range []queue.TicketRecord{queue.RecordOf(tk), queue.RecordOf(queue.Ticket{ID: "x", Number: "<&>"}), {}} {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := queue.DecodeRecord(b)
		if err != nil || got != r {
			t.Fatalf("%s: got %+v, %v", b, got, err)
		}
	}
	for _, s := range recordSeeds {
		checkDecode(t, []byte(s))
	}
}

func FuzzDecodeRecord(f *testing.F) {
	for _, s := range recordSeeds {
		f.Add([]byte(s))
	}
	b, _ := json.Marshal(queue.RecordOf(queue.Ticket{ID: "a", Day: "2026-12-01", Seq: 3, Priority: true,
		IssuedAt: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}))
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) { checkDecode(t, data) })
}
