package config

import (
	"strings"
	"testing"
	"time"
)

const onlineBase = `center:
  name: "X"
fields:
  - { code: A, name: "Hộ tịch", hours: ["07:30-11:30"] }
  - { code: B, name: "Đất đai" }
counters:
  - id: "1"
    services: [A, B]
`

func TestOnlineDefaultsAndQuota(t *testing.T) {
	c, err := Parse([]byte(onlineBase))
	if err != nil {
		t.Fatal(err)
	}
	if c.Online.Grace != DefaultGrace || c.Online.DaysAhead != DefaultDaysAhead || c.Online.Window != DefaultWindow || len(c.Online.Quota) != 0 {
		t.Fatalf("defaults %+v", c.Online)
	}
	c, err = ParsePublished([]byte(onlineBase + "online: {grace: 30m, days_ahead: 5, window: 20m, quota: {A: 40, B: 0}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Online.Grace != 30*time.Minute || c.Online.DaysAhead != 5 || c.Online.Window != 20*time.Minute || c.Online.Quota["A"] != 40 {
		t.Fatalf("set %+v", c.Online)
	}
	for _, tc := range []struct{ set, want string }{
		{"grace: 10s", "online.grace"},
		{"grace: 5h", "online.grace"},
		{"days_ahead: 30", "online.days_ahead"},
		{"window: 5m", "online.window"},
		{"window: 90s", "online.window"},
		{"quota: {Z: 3}", `online.quota.Z: no field "Z"`},
		{"quota: {A: -1}", "online.quota.A: give the online numbers"},
		{"quota: {B: 5}", "online.quota.B: field B has no hours"},
	} {
		if _, err := Parse([]byte(onlineBase + "online: {" + tc.set + "}\n")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.set, err, tc.want)
		}
	}
}
