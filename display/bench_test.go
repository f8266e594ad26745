package display_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"motcua/display"
	"motcua/queue"
)

// The fan-out benchmarks run the service (engine, hub, HTTP) in the test
// process and the screens in a child process (this test binary again, see
// TestMain), so that the server's memory per connection is measured alone.
// The child tells when every socket is open, receives the frames, and at
// the end is given the moment each call was made, from which it computes
// the delay of every (screen, call) pair.

const benchClientEnv = "DISPLAY_BENCH_CLIENT" // "URL N" in the child

func TestMain(m *testing.M) {
	if v := os.Getenv(benchClientEnv); v != "" {
		os.Exit(benchClient(v))
	}
	os.Exit(m.Run())
}

// raiseFiles lifts the limit of open files for thousands of sockets.
func raiseFiles(n uint64) error {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return err
	}
	if r.Cur >= n {
		return nil
	}
	r.Cur = n
	if r.Max < n {
		r.Max = n
	}
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r)
}

type benchResult struct {
	Screens  int     `json:"screens"`
	Calls    int     `json:"calls"`
	Frames   int     `json:"frames"`
	Missed   int     `json:"missed"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	MaxMs    float64 `json:"max_ms"`
	Failures int     `json:"failures"`
}

// benchClient is the child: it opens N screens and reads until stdin
// brings the calls' start times, then prints a benchResult.
func benchClient(arg string) int {
	url, nstr, _ := strings.Cut(arg, " ")
	n, _ := strconv.Atoi(nstr)
	if err := raiseFiles(uint64(n) + 1024); err != nil {
		fmt.Fprintln(os.Stderr, "child: rlimit:", err)
		return 1
	}
	type recv struct {
		ticket string
		at     int64
	}
	got := make([][]recv, n)
	var failures int
	var mu sync.Mutex
	var wg, ready sync.WaitGroup
	dialer := websocket.Dialer{HandshakeTimeout: 30 * time.Second}
	conns := make([]*websocket.Conn, n)
	sem := make(chan struct{}, 64)
	ready.Add(n)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			c, _, err := dialer.Dial(url, nil)
			<-sem
			if err != nil {
				mu.Lock()
				failures++
				mu.Unlock()
				ready.Done()
				return
			}
			conns[i] = c
			_, _, err = c.ReadMessage() // the snapshot
			ready.Done()
			if err != nil {
				return
			}
			var f struct{ Type, Ticket string }
			for {
				_, b, err := c.ReadMessage()
				if err != nil {
					return
				}
				at := time.Now().UnixNano()
				if !strings.Contains(string(b), `"type":"called"`) {
					continue
				}
				if json.Unmarshal(b, &f) == nil {
					got[i] = append(got[i], recv{f.Ticket, at})
				}
			}
		}()
	}
	ready.Wait()
	fmt.Printf("ready %d\n", failures)
	// The parent writes "TICKET UNIXNANO" per call, then "end".
	start := map[string]int64{}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := sc.Text()
		if line == "end" {
			break
		}
		t, ns, _ := strings.Cut(line, " ")
		start[t], _ = strconv.ParseInt(ns, 10, 64)
	}
	// Wait until every screen has every call, at most 10 s.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		done := true
		for i := range n {
			if conns[i] != nil && len(got[i]) < len(start) {
				done = false
			}
		}
		if done {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	wg.Wait()
	res := benchResult{Screens: n, Calls: len(start), Failures: failures}
	var delays []float64
	for i := range n {
		seen := map[string]bool{}
		for _, r := range got[i] {
			if t0, ok := start[r.ticket]; ok && !seen[r.ticket] {
				seen[r.ticket] = true
				delays = append(delays, float64(r.at-t0)/1e6)
			}
		}
		res.Missed += len(start) - len(seen)
	}
	slices.Sort(delays)
	res.Frames = len(delays)
	if len(delays) > 0 {
		res.P50ms = delays[len(delays)/2]
		res.P99ms = delays[len(delays)*99/100]
		res.MaxMs = delays[len(delays)-1]
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// serverMemory is the heap and stacks in use after a collection, and the
// process's resident set, in bytes.
func serverMemory() (goBytes, rss uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b, _ := os.ReadFile("/proc/self/statm")
	f := strings.Fields(string(b))
	if len(f) > 1 {
		pages, _ := strconv.ParseUint(f[1], 10, 64)
		rss = pages * uint64(os.Getpagesize())
	}
	return ms.HeapInuse + ms.StackInuse, rss
}

func fanout(b *testing.B, screens, calls int, pace time.Duration) {
	if err := raiseFiles(uint64(screens) + 4096); err != nil {
		b.Skipf("cannot open %d sockets: %v", screens, err)
	}
	en := start(b, display.Opts{})
	for range calls {
		if _, err := en.e.Issue(context.Background(), queue.IssueRequest{Service: "A"}); err != nil {
			b.Fatal(err)
		}
	}
	goBefore, rssBefore := serverMemory()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d", benchClientEnv, en.url("screen=lobby"), screens))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Wait() }()
	out := bufio.NewReader(stdout)
	line, err := out.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready ") {
		b.Fatalf("child: %q %v", line, err)
	}
	if line != "ready 0\n" {
		b.Errorf("child could not open every socket: %s", line)
	}
	for deadline := time.Now().Add(time.Minute); en.hub.Stats().Connected < screens; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d screens connected", en.hub.Stats().Connected, screens)
		}
	}
	goAfter, rssAfter := serverMemory()

	// Polling for comparison: what one request for the queue costs now.
	poll := pollLatency(b, en, 200)

	b.ResetTimer()
	starts := make([]string, 0, calls)
	for range calls {
		t0 := time.Now()
		tk, err := en.e.Next(context.Background(), "1")
		if err != nil {
			b.Fatal(err)
		}
		starts = append(starts, fmt.Sprintf("%s %d", tk.Number, t0.UnixNano()))
		time.Sleep(pace)
	}
	b.StopTimer()
	_, _ = io.WriteString(stdin, strings.Join(starts, "\n")+"\nend\n")
	var res benchResult
	if err := json.NewDecoder(out).Decode(&res); err != nil {
		b.Fatal(err)
	}
	if res.Missed != 0 || res.Failures != 0 {
		b.Errorf("%d frames missed, %d sockets failed", res.Missed, res.Failures)
	}
	if d := en.hub.Stats().Dropped; d != 0 {
		b.Errorf("%d screens dropped", d)
	}
	b.ReportMetric(res.P50ms, "p50-ms")
	b.ReportMetric(res.P99ms, "p99-ms")
	b.ReportMetric(res.MaxMs, "max-ms")
	b.ReportMetric(float64(res.Frames), "frames")
	b.ReportMetric(float64(res.Missed), "missed")
	b.ReportMetric(float64(int64(goAfter)-int64(goBefore))/float64(screens)/1024, "go-KiB/conn")
	b.ReportMetric(float64(int64(rssAfter)-int64(rssBefore))/float64(screens)/1024, "rss-KiB/conn")
	b.ReportMetric(poll, "poll-req-ms")
	b.Logf("%d screens, %d calls: delay p50 %.2f ms, p99 %.2f ms, max %.2f ms; %d frames, %d missed; "+
		"server memory per idle connection %.1f KiB (Go heap+stacks), %.1f KiB (RSS); one poll request %.2f ms, "+
		"so a 3 s polling screen shows a call after %.0f ms on average, %.0f ms at worst",
		screens, res.Calls, res.P50ms, res.P99ms, res.MaxMs, res.Frames, res.Missed,
		float64(int64(goAfter)-int64(goBefore))/float64(screens)/1024,
		float64(int64(rssAfter)-int64(rssBefore))/float64(screens)/1024, poll, 1500+poll, 3000+poll)
}

// pollLatency is the median time of a GET of the queue's snapshot as JSON,
// what a polling screen asks for every 3 s.
func pollLatency(b *testing.B, en *env, n int) float64 {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(en.e.Snapshot())
	})}
	ln, err := netListen()
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	client := &http.Client{}
	var ds []float64
	for range n {
		t0 := time.Now()
		resp, err := client.Get("http://" + ln.Addr().String() + "/api/v1/queue")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ds = append(ds, float64(time.Since(t0))/1e6)
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// BenchmarkFanout1000: 1,000 lobby screens, 200 calls 10 ms apart.
func BenchmarkFanout1000(b *testing.B) { fanout(b, 1000, 200, benchPace(10*time.Millisecond)) }

func benchPace(d time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv("DISPLAY_BENCH_PACE")); err == nil {
		return v
	}
	return d
}

// BenchmarkFanout10000: 10,000 screens and phones, 20 calls 100 ms apart;
// every frame must arrive.
func BenchmarkFanout10000(b *testing.B) { fanout(b, 10000, 20, 100*time.Millisecond) }
