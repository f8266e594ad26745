package online

import (
	"net/http/httptest"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
)

func TestAddressesCountPerWindow(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	a := &addresses{limit: 3, every: 10 * time.Minute, clk: clk, seen: map[string]*window{}}
	for i := range 3 {
		if ok, _ := a.allow("203.0.113.7"); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	ok, wait := a.allow("203.0.113.7")
	if ok || wait != 10*time.Minute {
		t.Fatalf("the fourth: %v, wait %v; want refused for 10 min", ok, wait)
	}
	if ok, _ := a.allow("198.51.100.9"); !ok {
		t.Fatal("another address refused")
	}
	clk.Advance(10 * time.Minute)
	if ok, _ := a.allow("203.0.113.7"); !ok {
		t.Fatal("refused after its window")
	}
	if len(a.seen) != 1 {
		t.Fatalf("%d addresses kept, want the expired one pruned", len(a.seen))
	}
	off := &addresses{limit: -1, every: time.Minute, clk: clk, seen: map[string]*window{}}
	for range 100 {
		if ok, _ := off.allow("x"); !ok {
			t.Fatal("no limit refused")
		}
	}
}

func TestClientAddr(t *testing.T) {
	direct, err := ClientAddr(nil)
	if err != nil {
		t.Fatal(err)
	}
	proxied, err := ClientAddr([]string{"10.0.0.2", "172.16.0.0/12"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ClientAddr([]string{"nginx"}); err == nil {
		t.Fatal("a name taken as a proxy")
	}
	for _, tc := range []struct {
		remote, xff string
		direct      string
		proxied     string
	}{
		{"203.0.113.7:5000", "", "203.0.113.7", "203.0.113.7"},
		{"203.0.113.7:5000", "1.2.3.4", "203.0.113.7", "203.0.113.7"}, // not from a proxy: the header is the client's word
		{"10.0.0.2:443", "198.51.100.9", "10.0.0.2", "198.51.100.9"},
		{"10.0.0.2:443", "1.2.3.4, 198.51.100.9, 172.16.5.5", "10.0.0.2", "198.51.100.9"}, // the last hop not a proxy
		{"[::ffff:10.0.0.2]:443", "198.51.100.9", "::ffff:10.0.0.2", "198.51.100.9"},
		{"10.0.0.2:443", "", "10.0.0.2", "10.0.0.2"},
	} {
		r := httptest.NewRequest("POST", "/api/v1/online/codes", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := direct(r); got != tc.direct {
			t.Errorf("%s %q, no proxy: %q, want %q", tc.remote, tc.xff, got, tc.direct)
		}
		if got := proxied(r); got != tc.proxied {
			t.Errorf("%s %q, behind the proxy: %q, want %q", tc.remote, tc.xff, got, tc.proxied)
		}
	}
}
