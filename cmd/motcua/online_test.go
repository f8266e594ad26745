package main

import (
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/queue"
)

// What a center offers online is its published configuration: the fields
// with a quota (never a lane), their hours, the window and days, the caps.
func TestOfferOfThePublishedConfig(t *testing.T) {
	c, err := config.ParsePublished([]byte(`center:
  name: "X"
fields:
  - { code: A, name: "Hộ tịch", hours: ["07:30-11:30", "13:30-17:00"], days: [mon, tue] }
  - { code: B, name: "Đất đai", hours: ["07:30-11:30"] }
  - { code: DL, name: "Đại lý", lane: true, hours: ["07:30-11:30"] }
counters:
  - { id: "1", services: [A, B, DL] }
identity: {per_day: 3, per_field: 2}
online: {days_ahead: 4, window: 15m, quota: {A: 40, DL: 10}}
`))
	if err != nil {
		t.Fatal(err)
	}
	o, ok := offerOf("c1", "Xã Một", c)
	if !ok || o.Center != "c1" || o.Name != "Xã Một" || o.DaysAhead != 4 || o.Window != 15*time.Minute ||
		o.Caps != (queue.Caps{PerDay: 3, PerField: 2}) || o.Location == nil {
		t.Fatalf("offer %+v", o)
	}
	if len(o.Fields) != 1 || o.Fields[0].Code != "A" || o.Fields[0].Quota != 40 || len(o.Fields[0].Hours) != 2 ||
		o.Fields[0].Hours[1] != (queue.Span{From: 13*60 + 30, To: 17 * 60}) || len(o.Fields[0].Days) != 2 {
		t.Fatalf("fields %+v", o.Fields)
	}
	c.Online.Quota = nil
	if _, ok := offerOf("c1", "Xã Một", c); ok {
		t.Fatal("a center without quota offers online numbers")
	}
}
