package hubconfig

import "testing"

// The demo province's file (make demo-province) reads, with online booking
// on through the demo's log sender.
func TestDemoProvinceFileReads(t *testing.T) {
	t.Setenv("MOTCUA_PG_URL", "")
	c, err := Load("../../../../configs/province/hub.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.OnlineSecret() == "" || c.Online.Sender != "log" {
		t.Fatalf("online booking off in the demo province: %+v", c.Online)
	}
}
