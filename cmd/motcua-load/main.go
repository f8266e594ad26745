// Command motcua-load is the load generator of `make bench`: clients issuing
// tickets over HTTP as fast as they are answered, while staff at counters
// call the next number at the same time. It prints tickets/s, latency
// percentiles and failures.
//
//	motcua-load --url http://127.0.0.1:8080 [--clients 50] [--counters 4] [--duration 10s]
//	motcua-load --spawn bin/motcua --config configs/bench.yaml
//	motcua-load --link --spawn bin/motcua --config configs/bench.yaml [--hub-config configs/province/hub.yaml] [--pg URL] [--rate 200]
//	motcua-load --flood --spawn bin/motcua --config configs/bench.yaml [--flood-conns 20000] [--flood-logins 16]
//
// Tickets come only from a kiosk that proves which it is: the clients send a
// kiosk's token (--kiosk-token, default the demo's kiosk k2, which has no
// printer; demo-kiosk-k1 prints every ticket). A center limits each kiosk and
// each address to a lobby's pace, which 50 clients exceed at once: load
// configs/bench.yaml (the demo with those limits raised), or a center whose
// security.kiosk_tickets and address_tickets are raised likewise.
//
// With --spawn it starts motcua itself on a fresh data directory twice: once
// as shipped (group commit) and once committing each change on its own
// (--commit-batch 1), the baseline, and prints both with their ratio.
// With --link it measures the center's ticket figures alone, then with a
// hub section and `motcua hub` running (link up), stopped (down) and
// started again with the backlog of the down run being sent (draining).
// With --flood it opens connections (idle, some as screen websockets) from
// several loopback addresses and floods logins with wrong passwords while it
// samples /healthz from 127.0.0.1, and prints what was held, refused and the
// /healthz latencies. It only ever sends traffic to the loopback address it
// is given.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

type opts struct {
	token    string // the kiosk's credential
	url      string
	clients  int
	counters int
	duration time.Duration
	rate     float64 // tickets a second offered, and as many calls; 0: as fast as answered
}

// result is one run's figures.
type result struct {
	tickets, failures, calls, callFailures int
	refused                                int // 401 (no kiosk credential) or 429 (rate limited), if any was answered
	elapsed                                time.Duration
	lat, callLat                           []time.Duration
	cpu                                    string // --link: the processes' CPU during the run
}

func (r result) rate() float64 { return float64(r.tickets) / r.elapsed.Seconds() }

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

func (r result) print(w io.Writer, name string) {
	fmt.Fprintf(w, "%-34s %8.0f tickets/s  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  failed %d of %d\n",
		name, r.rate(), ms(pct(r.lat, .50)), ms(pct(r.lat, .99)), ms(pct(r.lat, 1)), r.failures, r.tickets+r.failures)
	fmt.Fprintf(w, "%-34s %8.0f calls/s    p50 %6.2f ms  p99 %6.2f ms  failed %d\n",
		"", float64(r.calls)/r.elapsed.Seconds(), ms(pct(r.callLat, .50)), ms(pct(r.callLat, .99)), r.callFailures)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func main() {
	var o opts
	spawn := flag.String("spawn", "", "motcua binary to start (twice: group commit, then one commit per change)")
	config := flag.String("config", "configs/bench.yaml", "config for --spawn (its ticket rate limits must allow the load)")
	flag.StringVar(&o.url, "url", "", "base URL of a running motcua (loopback)")
	flag.StringVar(&o.token, "kiosk-token", "demo-kiosk-k2", "token of the kiosk the tickets are taken at (Authorization: Bearer); a kiosk with a printer (demo-kiosk-k1) renders and spools every ticket")
	flag.IntVar(&o.clients, "clients", 50, "concurrent ticket clients")
	flag.IntVar(&o.counters, "counters", 4, "counters calling next at the same time (staff canbo1…canboN, password demo)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long each run lasts")
	flag.Float64Var(&o.rate, "rate", 0, "tickets a second offered (and as many calls at the counters), paced; 0: as fast as answered")
	linkMode := flag.Bool("link", false, "instead: the ticket load alone, then with a hub link up, down and draining (--spawn BIN; starts `motcua hub` too)")
	var l linkOpts
	flag.StringVar(&l.hubConfig, "hub-config", "configs/province/hub.yaml", "--link: the hub's config (its database and NATS address are replaced for the run)")
	flag.StringVar(&l.creds, "hub-credentials", "configs/province/c1.nk", "--link: the center's key at that hub")
	flag.StringVar(&l.center, "hub-center", "c1", "--link: the center's id at that hub")
	flag.BoolVar(&l.apart, "hub-apart", true, "--link: the hub and a PostgreSQL of its own (initdb) at nice 19, their files in /dev/shm, standing for the province's machine (a center shares neither CPU nor disk with it)")
	flag.BoolVar(&l.pin, "pin", false, "--link --hub-apart: also the center and the load on the first CPU (in every run), the hub and its PostgreSQL on the others")
	flag.StringVar(&l.pg, "pg", pgDefault(), "--link without --hub-apart: PostgreSQL URL allowed to create a database (the run's, dropped after); default $MOTCUA_PG_URL")
	floodMode := flag.Bool("flood", false, "instead of tickets: a connection and login flood while /healthz is sampled (loopback only)")
	var f floodOpts
	flag.IntVar(&f.attempts, "flood-conns", 20000, "--flood: connection attempts, held open until the end")
	flag.IntVar(&f.addrs, "flood-addrs", 20, "--flood: loopback addresses they come from (127.0.0.2 …)")
	flag.IntVar(&f.dialers, "flood-dialers", 64, "--flood: connections being opened at once")
	flag.IntVar(&f.logins, "flood-logins", 16, "--flood: workers posting wrong passwords as fast as answered")
	flag.DurationVar(&f.probe, "flood-probe", 20*time.Millisecond, "--flood: period of the /healthz samples")
	flag.Parse()
	if *floodMode {
		if err := floodCmd(o, f, *spawn, *config); err != nil {
			fmt.Fprintln(os.Stderr, "motcua-load:", err)
			os.Exit(1)
		}
		return
	}
	if *linkMode {
		if *spawn == "" {
			fmt.Fprintln(os.Stderr, "motcua-load: --link needs --spawn BINARY")
			os.Exit(2)
		}
		if err := linkCmd(o, l, *spawn, *config); err != nil {
			fmt.Fprintln(os.Stderr, "motcua-load:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(o, *spawn, *config); err != nil {
		fmt.Fprintln(os.Stderr, "motcua-load:", err)
		os.Exit(1)
	}
}

func pgDefault() string {
	if u := os.Getenv("MOTCUA_PG_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres"
}

func run(o opts, spawn, config string) error {
	if spawn == "" {
		if o.url == "" {
			return errors.New("give --url of a running motcua or --spawn BINARY")
		}
		r, err := load(o)
		if err != nil {
			return err
		}
		r.print(os.Stdout, "motcua")
		return nil
	}
	fmt.Printf("load: %d clients issuing tickets, %d counters calling, %s per run\n", o.clients, o.counters, o.duration)
	var results []result
	for _, batch := range []string{"", "1"} {
		r, err := spawned(o, spawn, config, batch)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	results[0].print(os.Stdout, "group commit (as shipped)")
	results[1].print(os.Stdout, "baseline: one commit per change")
	fmt.Printf("group commit / baseline: %.1f× the tickets/s, p99 %.2f× the baseline's\n",
		results[0].rate()/results[1].rate(), ms(pct(results[0].lat, .99))/ms(pct(results[1].lat, .99)))
	return nil
}

var addrLine = regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)

// spawned starts motcua on a fresh data directory, loads it and stops it.
func spawned(o opts, bin, config, batch string) (result, error) {
	url, stop, err := startMotcua(bin, config, batch)
	if err != nil {
		return result{}, err
	}
	defer stop()
	o.url = url
	return load(o)
}

// startMotcua starts motcua on a fresh data directory and returns its URL
// and what stops it and removes the directory.
func startMotcua(bin, config, batch string) (string, func(), error) {
	data, err := os.MkdirTemp("", "motcua-load-")
	if err != nil {
		return "", nil, err
	}
	args := []string{"serve", "--config", config, "--addr", "127.0.0.1:0", "--data", data}
	if batch != "" {
		args = append(args, "--commit-batch", batch)
	}
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		os.RemoveAll(data)
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(data)
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		os.RemoveAll(data)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := addrLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case ready <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case addr := <-ready:
		return "http://" + addr, stop, nil
	case <-time.After(30 * time.Second):
		stop()
		return "", nil, errors.New("motcua did not start within 30 s")
	}
}

// load runs the clients and counters for o.duration.
func load(o opts) (result, error) {
	u, err := url.Parse(o.url)
	if err != nil || !(strings.HasPrefix(u.Hostname(), "127.") || u.Hostname() == "localhost" || u.Hostname() == "::1") {
		return result{}, fmt.Errorf("--url %q: only a loopback address may be loaded", o.url)
	}
	tr := &http.Transport{MaxIdleConns: 200, MaxIdleConnsPerHost: 200}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	tokens := make([]string, o.counters)
	for i := range tokens {
		tokens[i], err = login(client, o.url, fmt.Sprintf("canbo%d", i+1))
		if err != nil {
			return result{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	var mu sync.Mutex
	var res result
	var wg sync.WaitGroup
	start := time.Now()
	ticketGo, callGo := pace(ctx, o.rate), pace(ctx, o.rate)
	for i := range o.clients {
		wg.Go(func() {
			fields := []string{"A", "B", "C", "D"}
			var lat []time.Duration
			ok, failed := 0, 0
			for n := 0; ctx.Err() == nil && ticketGo(); n++ {
				body := `{"service":"` + fields[(i+n)%4] + `"}`
				t0 := time.Now()
				code, err := post(client, o.url+"/api/v1/tickets", o.token, body)
				d := time.Since(t0)
				if ctx.Err() != nil && err != nil {
					break // cut off by the end of the run
				}
				if code == http.StatusUnauthorized || code == http.StatusTooManyRequests {
					mu.Lock()
					res.refused = code
					mu.Unlock()
				}
				if err != nil || code != http.StatusCreated {
					failed++
					continue
				}
				ok++
				lat = append(lat, d)
			}
			mu.Lock()
			res.tickets += ok
			res.failures += failed
			res.lat = append(res.lat, lat...)
			mu.Unlock()
		})
	}
	for i := range o.counters {
		wg.Go(func() {
			var lat []time.Duration
			ok, failed := 0, 0
			for ctx.Err() == nil && callGo() {
				t0 := time.Now()
				code, err := post(client, fmt.Sprintf("%s/api/v1/counters/%d/next", o.url, i+1), tokens[i], "")
				d := time.Since(t0)
				if ctx.Err() != nil && err != nil {
					break
				}
				if err != nil || (code != http.StatusOK && code != http.StatusNotFound) {
					failed++
					continue
				}
				ok++
				lat = append(lat, d)
			}
			mu.Lock()
			res.calls += ok
			res.callFailures += failed
			res.callLat = append(res.callLat, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	switch res.refused {
	case http.StatusUnauthorized:
		return res, fmt.Errorf("tickets refused with 401: --kiosk-token is not a kiosk's token of this center")
	case http.StatusTooManyRequests:
		return res, fmt.Errorf("tickets refused with 429: the center's security.kiosk_tickets / address_tickets hold a lobby's pace; load configs/bench.yaml or raise them")
	}
	return res, nil
}

// pace returns what a client calls before each request: at once when rate
// is 0; else it waits for its turn, rate turns a second shared by all,
// false when ctx ends. Turns not taken in time wait (up to a second's).
func pace(ctx context.Context, rate float64) func() bool {
	if rate <= 0 {
		return func() bool { return true }
	}
	turns := make(chan struct{}, max(1, int(rate)))
	go func() {
		every := time.Duration(float64(time.Second) / rate)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				select {
				case turns <- struct{}{}:
				default: // a second behind: the service is slower than the rate
				}
			}
		}
	}()
	return func() bool {
		select {
		case <-ctx.Done():
			return false
		case <-turns:
			return true
		}
	}
}

func post(c *http.Client, url, token, body string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func login(c *http.Client, base, user string) (string, error) {
	resp, err := c.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"`+user+`","password":"demo"}`))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`"token":"([^"]+)"`).FindSubmatch(raw)
	if resp.StatusCode != http.StatusOK || m == nil {
		return "", fmt.Errorf("login %s: %d %s", user, resp.StatusCode, raw)
	}
	return string(m[1]), nil
}
