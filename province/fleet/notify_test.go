package fleet_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua/province/pgstore"
	"motcua/province/wire"
)

type messagesOut struct {
	Rows []struct {
		By, Channel                    string
		Sent, Failed, Waiting, Dropped int
	}
	Total struct{ Sent, Failed, Waiting, Dropped int }
}

// A center's page shows its messages by channel as it reported them and
// those the hub sent for it; the province's total counts a message handed
// to the hub once; a manager's total is their centers'; the metrics carry
// every count.
func TestMessageCountsPerCenterAndChannel(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st := e.f.HubStore()
	now := e.clk.Now()
	st.SetStatus(ctx, "c1", wire.Status{Software: "v1", Notify: []wire.NotifyCount{
		{Channel: "zns", State: "sent", N: 40}, {Channel: "sms", State: "sent", N: 5}, {Channel: "sms", State: "failed", N: 2},
		{Channel: "hub", State: "sent", N: 3}, {Channel: "", State: "pending", N: 1}}}, now.Add(-5*time.Second))
	st.SetStatus(ctx, "c2", wire.Status{Software: "v1", Notify: []wire.NotifyCount{{Channel: "zns", State: "sent", N: 10}}}, now.Add(-5*time.Second))
	for i, key := range []string{"t:A001:called", "t:A002:called", "t:A003:ahead"} {
		id, _, err := e.db.PutNotify(ctx, pgstore.NotifyMessage{Center: "c1", Key: key, Kind: "called", Phone: "84912345678"})
		if err != nil {
			t.Fatal(err)
		}
		state := "sent"
		if i == 2 {
			state = "failed"
		}
		e.db.NotifyClaim(ctx, id, now, time.Minute)
		if err := e.db.NotifySettle(ctx, id, pgstore.NotifySettlement{State: state, Channel: "zns", Attempts: 1, At: now}); err != nil {
			t.Fatal(err)
		}
	}
	tok := e.login("quantri")
	var m messagesOut
	if code, body := e.do("GET", "/api/v1/centers/c1/messages", tok, "", "", &m); code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var rows []string
	for _, r := range m.Rows {
		rows = append(rows, r.By+"/"+r.Channel+" "+itoa(r.Sent)+" "+itoa(r.Failed)+" "+itoa(r.Waiting))
	}
	want := "center/ 0 0 1|center/hub 3 0 0|center/sms 5 2 0|center/zns 40 0 0|hub/zns 2 1 0"
	if strings.Join(rows, "|") != want {
		t.Fatalf("c1 rows %q, want %q", strings.Join(rows, "|"), want)
	}
	if m.Total.Sent != 47 || m.Total.Failed != 3 || m.Total.Waiting != 1 {
		t.Fatalf("c1 total %+v (the 3 handed to the hub count once, as the hub's)", m.Total)
	}
	e.do("GET", "/api/v1/messages", tok, "", "", &m)
	if m.Total.Sent != 57 || m.Total.Failed != 3 {
		t.Fatalf("province total %+v", m.Total)
	}
	var mine messagesOut
	e.do("GET", "/api/v1/messages", e.login("giamdoc1"), "", "", &mine)
	if mine.Total.Sent != 47 {
		t.Fatalf("the manager of c1's total %+v", mine.Total)
	}
	if code, _ := e.do("GET", "/api/v1/centers/c2/messages", e.login("giamdoc1"), "", "", nil); code != 403 {
		t.Fatalf("the manager of c1 read c2's messages: %d", code)
	}
	_, metrics := e.do("GET", "/metrics", "", "", "", nil)
	for _, line := range []string{`motcua_hub_messages{center="c1",by="center",channel="sms",state="failed"} 2`,
		`motcua_hub_messages{center="c1",by="hub",channel="zns",state="sent"} 2`,
		`motcua_hub_messages{center="c2",by="center",channel="zns",state="sent"} 10`} {
		if !strings.Contains(metrics, line) {
			t.Errorf("metrics lack %s", line)
		}
	}
}
