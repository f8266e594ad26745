package display_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"motcua/display"
	"motcua/internal/clock/clocktest"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// frame is any frame, decoded loosely.
type frame struct {
	Type        string         `json:"type"`
	Seq         uint64         `json:"seq"`
	Ticket      string         `json:"ticket"`
	Service     string         `json:"service"`
	Counter     string         `json:"counter"`
	CounterName string         `json:"counter_name"`
	Recall      *bool          `json:"recall"`
	Say         string         `json:"say"`
	Waiting     map[string]int `json:"waiting"`
	Counters    []struct {
		ID      string  `json:"id"`
		Name    string  `json:"name"`
		Serving *string `json:"serving"`
		State   string  `json:"state"`
	} `json:"counters"`
	Recent []struct {
		Ticket  string `json:"ticket"`
		Counter string `json:"counter"`
	} `json:"recent"`
	Fields []struct {
		Code string `json:"code"`
	} `json:"fields"`
	raw string
}

var (
	testFields = []queue.Field{
		{Code: "A", Name: "Hộ tịch"}, {Code: "B", Name: "Đất đai"}, {Code: "C", Name: "Tư pháp"},
	}
	testCounters = []queue.Counter{
		{ID: "1", Services: []string{"A"}}, {ID: "2", Services: []string{"A", "B"}},
		{ID: "3", Services: []string{"B"}}, {ID: "4", Name: "Quầy Tư pháp", Services: []string{"C"}},
	}
)

type env struct {
	t     testing.TB
	e     *queue.Engine
	clock *clocktest.Fake
	hub   *display.Hub
	srv   *httptest.Server
	stop  func()
}

// start runs an engine on a fake store and clock, a hub subscribed to it,
// and an HTTP server with the hub's handler; all stop at the end of the test.
func start(t testing.TB, o display.Opts) *env {
	t.Helper()
	loc := time.FixedZone("ICT", 7*3600)
	clock := clocktest.New(time.Date(2025, 3, 10, 9, 0, 0, 0, loc))
	ctx, cancel := context.WithCancel(context.Background())
	e, err := queue.New(ctx, queue.Opts{Fields: testFields, Counters: testCounters, Store: queuetest.NewStore(), Location: loc, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	o.Source, o.Location, o.Clock = e, loc, clock
	hub, err := display.New(o)
	if err != nil {
		t.Fatal(err)
	}
	e.OnEvents(hub.Publish)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = e.Run(ctx) }()
	if err := e.Tick(ctx); err != nil { // the first day starts: seq 1
		t.Fatal(err)
	}
	go func() { defer wg.Done(); _ = hub.Run(ctx) }()
	// Run starts from the engine's snapshot: let it take it (seq 1) before
	// the test makes events, or they are in the snapshot and not replayable.
	for deadline := time.Now().Add(5 * time.Second); hub.Stats().Seq < 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the hub never took the engine's snapshot")
		}
	}
	srv := httptest.NewServer(hub.Handler())
	en := &env{t: t, e: e, clock: clock, hub: hub, srv: srv}
	var once sync.Once
	en.stop = func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			srv.Close()
		})
	}
	t.Cleanup(en.stop)
	return en
}

func (en *env) url(query string) string {
	return "ws" + strings.TrimPrefix(en.srv.URL, "http") + "/ws/display?" + query
}

func (en *env) dial(query string) *websocket.Conn {
	en.t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial(en.url(query), nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		en.t.Fatalf("dial %s: %v (status %d)", query, err, status)
	}
	en.t.Cleanup(func() { c.Close() })
	return c
}

func (en *env) issue(service string, n int) []queue.Ticket {
	en.t.Helper()
	var out []queue.Ticket
	for range n {
		tk, err := en.e.Issue(context.Background(), queue.IssueRequest{Service: service})
		if err != nil {
			en.t.Fatal(err)
		}
		out = append(out, tk)
	}
	return out
}

func (en *env) next(counter string) queue.Ticket {
	en.t.Helper()
	tk, err := en.e.Next(context.Background(), counter)
	if err != nil {
		en.t.Fatal(err)
	}
	return tk
}

func read(t testing.TB, c *websocket.Conn) frame {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("frame %s: %v", b, err)
	}
	f.raw = string(b)
	return f
}

// readUntil reads frames until one of type typ and returns every frame read.
func readUntil(t testing.TB, c *websocket.Conn, typ string) []frame {
	t.Helper()
	var fs []frame
	for {
		f := read(t, c)
		fs = append(fs, f)
		if f.Type == typ {
			return fs
		}
	}
}

// quiet reports whether nothing arrives on c within d.
func quiet(c *websocket.Conn, d time.Duration) (frame, bool) {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, b, err := c.ReadMessage()
	if err != nil {
		return frame{}, true
	}
	var f frame
	_ = json.Unmarshal(b, &f)
	f.raw = string(b)
	return f, false
}

func TestSnapshotThenEvents(t *testing.T) {
	en := start(t, display.Opts{})
	en.issue("A", 3)
	en.next("1")
	c := en.dial("screen=lobby")
	snap := read(t, c)
	if snap.Type != "snapshot" || snap.Seq != 5 {
		t.Fatalf("first frame %s, want a snapshot at seq 5", snap.raw)
	}
	if s := snap.Counters[0].Serving; snap.Counters[0].ID != "1" || s == nil || *s != "A001" {
		t.Errorf("counter 1 serves %v in %s", s, snap.raw)
	}
	if snap.Counters[1].Serving != nil || snap.Counters[3].Name != "Quầy Tư pháp" || snap.Counters[1].Name != "Quầy 2" {
		t.Errorf("counters: %s", snap.raw)
	}
	if snap.Waiting["A"] != 2 || len(snap.Recent) != 1 || snap.Recent[0].Ticket != "A001" {
		t.Errorf("waiting or recent: %s", snap.raw)
	}
	en.next("2")
	en.issue("B", 1)
	prev := snap.Seq
	var types []string
	for range 2 {
		f := read(t, c)
		if f.Seq <= prev {
			t.Fatalf("seq %d after %d", f.Seq, prev)
		}
		prev = f.Seq
		types = append(types, f.Type)
		if f.Type == "called" {
			if f.Ticket != "A002" || f.Counter != "2" || f.CounterName != "Quầy 2" || f.Recall == nil || *f.Recall ||
				f.Waiting["A"] != 1 || f.Say != "Mời công dân có số, a, không, không, hai, đến quầy số hai." {
				t.Errorf("called frame %s", f.raw)
			}
			for _, cs := range en.e.Snapshot().Counters {
				if cs.Current != nil && strings.Contains(f.raw, cs.Current.ID) {
					t.Errorf("a frame carries the ticket id %s: %s", cs.Current.ID, f.raw)
				}
			}
			for _, fs := range en.e.Snapshot().Fields {
				for _, tk := range fs.Waiting {
					if strings.Contains(f.raw, tk.ID) {
						t.Errorf("a frame carries the ticket id %s: %s", tk.ID, f.raw)
					}
				}
			}
		}
	}
	if strings.Join(types, ",") != "called,issued" {
		t.Errorf("events %v", types)
	}
	if _, err := en.e.Recall(context.Background(), "2"); err != nil {
		t.Fatal(err)
	}
	if f := read(t, c); f.Type != "called" || f.Ticket != "A002" || f.Recall == nil || !*f.Recall || f.Waiting != nil {
		t.Errorf("recall frame %s", f.raw)
	}
}

// calls collects the numbers called, by seq, from a sequence of frames.
func calls(fs []frame, into map[uint64]string) (dups int) {
	for _, f := range fs {
		if f.Type != "called" {
			continue
		}
		if _, ok := into[f.Seq]; ok {
			dups++
		}
		into[f.Seq] = f.Ticket
	}
	return dups
}

func TestResumeMissesNothingAndRepeatsNothing(t *testing.T) {
	for _, how := range []string{"client closes", "server drops"} {
		t.Run(how, func(t *testing.T) {
			en := start(t, display.Opts{})
			en.issue("A", 10)
			c := en.dial("screen=lobby")
			seen := map[uint64]string{}
			last := read(t, c).Seq
			for range 3 {
				en.next("1")
				f := read(t, c) // completed (after the first) then called
				if f.Type == "completed" {
					f = read(t, c)
				}
				calls([]frame{f}, seen)
				last = f.Seq
			}
			if how == "client closes" {
				c.Close()
			} else {
				en.hub.CloseConnections()
				for {
					if _, _, err := c.ReadMessage(); err != nil {
						break
					}
				}
			}
			var missed []string
			for range 4 {
				missed = append(missed, en.next("2").Number)
			}
			c2 := en.dial(fmt.Sprintf("screen=lobby&since=%d", last))
			var fs []frame
			for len(fs) == 0 || calls(fs[len(fs)-1:], map[uint64]string{}) == 0 && fs[len(fs)-1].Ticket != missed[3] {
				f := read(t, c2)
				if f.Type == "snapshot" {
					t.Fatalf("got a snapshot, want a replay: %s", f.raw)
				}
				if f.Seq <= last {
					t.Fatalf("seq %d replayed again (since=%d)", f.Seq, last)
				}
				fs = append(fs, f)
			}
			if d := calls(fs, seen); d != 0 {
				t.Errorf("%d calls seen twice", d)
			}
			en.next("1")
			f := read(t, c2)
			for f.Type != "called" {
				f = read(t, c2)
			}
			calls([]frame{f}, seen)
			var got []string
			for _, n := range seen {
				got = append(got, n)
			}
			if len(seen) != 8 {
				t.Errorf("saw %d distinct calls %v, want 8", len(seen), got)
			}
			for _, m := range missed {
				if !strings.Contains(strings.Join(got, ","), m) {
					t.Errorf("call of %s missed", m)
				}
			}
		})
	}
}

func TestResumeFallsBackToSnapshot(t *testing.T) {
	en := start(t, display.Opts{Replay: 4})
	en.issue("A", 10) // seq 2..11; the ring holds 8..11
	for _, tc := range []struct {
		name     string
		since    uint64
		snapshot bool
	}{
		{"held", 7, false},
		{"gone", 6, true},
		{"newer than the server", 99, true},
		{"up to date", 11, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := en.dial(fmt.Sprintf("screen=lobby&since=%d", tc.since))
			f, none := quiet(c, 300*time.Millisecond)
			switch {
			case tc.snapshot && (none || f.Type != "snapshot" || f.Seq != 11):
				t.Errorf("want a snapshot at 11, got %q", f.raw)
			case !tc.snapshot && tc.since < 11 && (none || f.Type != "issued" || f.Seq != tc.since+1):
				t.Errorf("want the replay from %d, got %q", tc.since+1, f.raw)
			case !tc.snapshot && tc.since == 11 && !none:
				t.Errorf("want nothing, got %q", f.raw)
			}
		})
	}
}

func TestFilters(t *testing.T) {
	en := start(t, display.Opts{Screens: []display.Screen{
		{Name: "lobby"},
		{Name: "land", Fields: []string{"B"}},
		{Name: "c4", Counters: []string{"4"}},
	}})
	land := en.dial("screen=land")
	c4 := en.dial("screen=c4")
	snap := read(t, land)
	var ids []string
	for _, c := range snap.Counters {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, ",") != "2,3" || len(snap.Fields) != 1 || snap.Fields[0].Code != "B" {
		t.Errorf("land snapshot: %s", snap.raw)
	}
	if snap := read(t, c4); len(snap.Counters) != 1 || len(snap.Fields) != 1 || snap.Fields[0].Code != "C" {
		t.Errorf("c4 snapshot: %s", snap.raw)
	}
	en.issue("A", 1)
	en.next("1") // A001 at counter 1: neither screen
	en.issue("B", 1)
	en.next("3") // B001 at counter 3: land
	en.issue("C", 1)
	en.next("4") // C001 at counter 4: c4
	var got []string
	for _, f := range readUntil(t, land, "called") {
		got = append(got, f.Type+" "+f.Ticket)
	}
	if strings.Join(got, ",") != "issued B001,called B001" {
		t.Errorf("land got %v", got)
	}
	got = nil
	for _, f := range readUntil(t, c4, "called") {
		got = append(got, f.Type+" "+f.Ticket)
	}
	if strings.Join(got, ",") != "issued C001,called C001" {
		t.Errorf("c4 got %v", got)
	}
	if f, none := quiet(land, 200*time.Millisecond); !none {
		t.Errorf("land got more: %s", f.raw)
	}
}

func TestScreenAccess(t *testing.T) {
	en := start(t, display.Opts{Screens: []display.Screen{{Name: "lobby"}, {Name: "hall", Token: "s3cret"}}})
	for _, tc := range []struct {
		query  string
		status int
	}{
		{"screen=hall", http.StatusUnauthorized},
		{"screen=hall&token=wrong", http.StatusForbidden},
		{"screen=hall&token=s3cre", http.StatusForbidden},
		{"screen=nowhere", http.StatusNotFound},
		{"screen=lobby&since=x", http.StatusBadRequest},
		{"ticket=nosuchticket", http.StatusNotFound},
		{"ticket=../../etc", http.StatusNotFound},
	} {
		_, resp, err := websocket.DefaultDialer.Dial(en.url(tc.query), nil)
		if err == nil || resp == nil || resp.StatusCode != tc.status {
			st := 0
			if resp != nil {
				st = resp.StatusCode
			}
			t.Errorf("%s: status %d, want %d", tc.query, st, tc.status)
		}
	}
	if f := read(t, en.dial("screen=hall&token=s3cret")); f.Type != "snapshot" {
		t.Errorf("with the token: %s", f.raw)
	}
	tk := en.issue("A", 1)[0]
	if f := read(t, en.dial("ticket="+tk.ID)); f.Type != "snapshot" {
		t.Errorf("phone: %s", f.raw)
	}
	// A page of another origin may not open the socket.
	h := http.Header{"Origin": {"http://evil.example"}}
	if _, resp, err := websocket.DefaultDialer.Dial(en.url("screen=lobby"), h); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin socket accepted")
	}
}

// dialSlow opens a socket whose receive buffer is tiny and never reads it.
func dialSlow(t *testing.T, en *env) *websocket.Conn {
	d := websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		nd := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024) })
			if err != nil {
				return err
			}
			return serr
		}}
		return nd.Dial(network, addr)
	}}
	c, _, err := d.Dial(en.url("screen=lobby"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestSlowScreenIsDroppedOthersKeepUp(t *testing.T) {
	en := start(t, display.Opts{SendQueue: 32})
	dialSlow(t, en)
	fast := en.dial("screen=lobby")
	first := read(t, fast).Seq
	var fastSeq atomic.Uint64
	fastSeq.Store(first)
	frames := make(chan []frame)
	go func() { // the fast screen reads everything up to the call of C001
		var fs []frame
		defer func() { frames <- fs }()
		for {
			_ = fast.SetReadDeadline(time.Now().Add(30 * time.Second))
			_, b, err := fast.ReadMessage()
			if err != nil {
				t.Errorf("fast screen: %v", err)
				return
			}
			var f frame
			_ = json.Unmarshal(b, &f)
			fs = append(fs, f)
			fastSeq.Store(f.Seq)
			if f.Type == "called" && f.Ticket == "C001" {
				return
			}
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	issued := 0
	for en.hub.Stats().Dropped == 0 && time.Now().Before(deadline) {
		// Bursts smaller than the queue, the fast screen caught up before
		// the next: only the screen that does not read falls behind.
		for fastSeq.Load() != uint64(issued)+first && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := en.e.Issue(context.Background(), queue.IssueRequest{Service: "B"}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		issued += 10
	}
	if en.hub.Stats().Dropped != 1 {
		t.Fatalf("slow screen not dropped after %d events", issued)
	}
	en.issue("C", 1)
	en.next("4")
	fs := <-frames
	prev := first
	for _, f := range fs {
		if f.Seq != prev+1 {
			t.Fatalf("fast screen: seq %d after %d", f.Seq, prev)
		}
		prev = f.Seq
	}
	if len(fs) != issued+2 {
		t.Errorf("fast screen read %d frames, want %d", len(fs), issued+2)
	}
	if st := en.hub.Stats(); st.Connected != 1 {
		t.Errorf("connected %d, want 1", st.Connected)
	}
	t.Logf("slow screen dropped after %d events", issued)
}

func TestShutdownLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	en := start(t, display.Opts{})
	tk := en.issue("A", 1)[0]
	var conns []*websocket.Conn
	for i := range 20 {
		q := "screen=lobby"
		if i%2 == 1 {
			q = "ticket=" + tk.ID
		}
		c := en.dial(q)
		read(t, c)
		conns = append(conns, c)
	}
	dialSlow(t, en) // never reads
	en.next("1")
	stopped := make(chan struct{})
	go func() { en.stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	for _, c := range conns {
		for {
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, _, err := c.ReadMessage(); err != nil {
				if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
					t.Errorf("connection ended with %v, want going away", err)
				}
				break
			}
		}
	}
	var after int
	for range 200 {
		if after = runtime.NumGoroutine(); after <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Errorf("%d goroutines before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
}

// TestConnectionCaps: one address holds at most MaxConnsPerAddr sockets and
// everyone MaxConns; over a cap the upgrade is answered 503
// too_many_connections, the sockets held keep their frames, and a socket
// closed gives its slot back. Failed before: every upgrade was accepted.
func TestConnectionCaps(t *testing.T) {
	en := start(t, display.Opts{MaxConns: 3, MaxConnsPerAddr: 2})
	held := []*websocket.Conn{en.dial("screen=lobby"), en.dial("screen=lobby")}
	for _, c := range held {
		if f := read(t, c); f.Type != "snapshot" {
			t.Fatalf("within the cap: %s", f.raw)
		}
	}
	_, resp, err := websocket.DefaultDialer.Dial(en.url("screen=lobby"), nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third socket from one address: %v %v, want 503", resp, err)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"too_many_connections"`) || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("over the cap: %s %v", body, resp.Header)
	}
	if st := en.hub.Stats(); st.Connected != 2 || st.Refused != 1 {
		t.Fatalf("stats %+v", st)
	}
	// The sockets held still follow the queue.
	en.issue("A", 1)
	if fs := readUntil(t, held[0], "issued"); len(fs) == 0 {
		t.Fatal("no event after a refusal")
	}
	held[1].Close()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c, _, err := websocket.DefaultDialer.Dial(en.url("screen=lobby"), nil)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed socket did not give its slot back: %v", err)
		}
	}
}
