package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// floodOpts is what --flood does: attempts connection attempts from addrs
// loopback addresses (127.0.0.2 …), every one held open and idle (one in
// four as a screen's websocket) until the end, while logins workers post
// wrong passwords as fast as they are answered, and /healthz is sampled
// every probe from 127.0.0.1 on a new connection each time.
type floodOpts struct {
	attempts, addrs, logins, dialers int
	probe                            time.Duration
}

// floodResult is what a flood measured.
type floodResult struct {
	attempts, held, refused, dialErrors int64
	firstDialError                      string
	sockets, socketsRefused             int64
	logins                              map[int]int // status: count
	loginErrors                         int
	health                              []time.Duration
	healthFailed                        int
	elapsed                             time.Duration
}

func (r floodResult) print(w io.Writer) {
	fmt.Fprintf(w, "flood: %d connection attempts in %.1f s: %d held, %d refused by the server, %d dial errors; sockets %d held, %d answered 503\n",
		r.attempts, r.elapsed.Seconds(), r.held, r.refused, r.dialErrors, r.sockets, r.socketsRefused)
	if r.firstDialError != "" {
		fmt.Fprintf(w, "first dial error: %s\n", r.firstDialError)
	}
	fmt.Fprintf(w, "logins: %v (status: count), %d errors\n", r.logins, r.loginErrors)
	fmt.Fprintf(w, "/healthz: %d samples, p50 %.2f ms  p99 %.2f ms  max %.2f ms, %d failed or not 200\n",
		len(r.health), ms(pct(r.health, .50)), ms(pct(r.health, .99)), ms(pct(r.health, 1)), r.healthFailed)
}

// flood runs floodOpts against o.url for at most o.duration. Everything it
// opens is closed before it returns.
func flood(o opts, f floodOpts) (floodResult, error) {
	if err := loopbackOnly(o.url); err != nil {
		return floodResult{}, err
	}
	host := strings.TrimPrefix(o.url, "http://")
	if strings.HasPrefix(o.url, "https://") || !strings.HasPrefix(host, "127.") {
		return floodResult{}, fmt.Errorf("--flood needs an http://127.x.y.z:PORT --url (it dials from other loopback addresses)")
	}
	raiseFiles()
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	var res floodResult
	res.logins = map[int]int{}
	start := time.Now()

	var mu sync.Mutex
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range f.dialers {
		wg.Go(func() {
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if n >= int64(f.attempts) {
					return
				}
				atomic.AddInt64(&res.attempts, 1)
				src := fmt.Sprintf("127.0.0.%d", 2+n%int64(f.addrs))
				ws := (n/int64(f.addrs))%4 == 0 // one in four of each address's
				d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 2 * time.Second}
				c, err := d.DialContext(ctx, "tcp", host)
				if errors.Is(err, syscall.ECONNRESET) {
					atomic.AddInt64(&res.refused, 1) // reset before the dial returned
					continue
				}
				if err != nil {
					if atomic.AddInt64(&res.dialErrors, 1) == 1 {
						mu.Lock()
						res.firstDialError = err.Error()
						mu.Unlock()
					}
					continue
				}
				if ws {
					fmt.Fprintf(c, "GET /ws/display?screen=lobby HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", host)
				}
				// A connection over the caps is closed by the server at once:
				// a short read tells the two apart.
				wait := 100 * time.Millisecond
				if ws {
					wait = 2 * time.Second // the 101 or the 503
				}
				c.SetReadDeadline(time.Now().Add(wait))
				buf := make([]byte, 512)
				k, err := c.Read(buf)
				c.SetReadDeadline(time.Time{})
				switch {
				case ws && k > 0 && strings.HasPrefix(string(buf[:k]), "HTTP/1.1 101"):
					atomic.AddInt64(&res.sockets, 1)
				case ws && k > 0 && strings.HasPrefix(string(buf[:k]), "HTTP/1.1 503"):
					atomic.AddInt64(&res.socketsRefused, 1)
					c.Close()
					continue
				case err != nil && !isTimeout(err):
					atomic.AddInt64(&res.refused, 1)
					c.Close()
					continue
				}
				atomic.AddInt64(&res.held, 1)
				mu.Lock()
				held = append(held, c)
				mu.Unlock()
			}
		})
	}
	loginClient := sourcedClient("127.0.0.250", true)
	for i := range f.logins {
		wg.Go(func() {
			for ctx.Err() == nil {
				body := fmt.Sprintf(`{"username":"canbo%d","password":"wrong-%d"}`, 1+i%4, i)
				code, err := post(loginClient, o.url+"/api/v1/auth/login", "", body)
				mu.Lock()
				if err != nil {
					if ctx.Err() == nil {
						res.loginErrors++
					}
				} else {
					res.logins[code]++
				}
				mu.Unlock()
			}
		})
	}
	probeClient := sourcedClient("127.0.0.1", false)
	wg.Go(func() {
		tick := time.NewTicker(f.probe)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			t0 := time.Now()
			resp, err := probeClient.Get(o.url + "/healthz")
			d := time.Since(t0)
			mu.Lock()
			if err != nil || resp.StatusCode != http.StatusOK {
				res.healthFailed++
			}
			res.health = append(res.health, d)
			mu.Unlock()
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	})
	// The dialers end when the attempts are made; the flood holds its
	// connections, and logins and probes go on, until the end of the run.
	<-ctx.Done()
	wg.Wait()
	res.elapsed = time.Since(start)
	return res, nil
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// sourcedClient sends from the loopback address src; keepAlive false opens
// a new connection for every request.
func sourcedClient(src string, keepAlive bool) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 2 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, DisableKeepAlives: !keepAlive, MaxIdleConnsPerHost: 64}
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

// loopbackOnly refuses a URL that is not on this machine.
func loopbackOnly(raw string) error {
	h := strings.TrimPrefix(strings.TrimPrefix(raw, "http://"), "https://")
	if host, _, err := net.SplitHostPort(strings.SplitN(h, "/", 2)[0]); err == nil {
		if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
			return nil
		}
	}
	return fmt.Errorf("--url %q: only a loopback address may be loaded", raw)
}

// floodCmd runs a flood against --url or a spawned motcua and prints it.
func floodCmd(o opts, f floodOpts, spawn, config string) error {
	if spawn != "" {
		url, stop, err := startMotcua(spawn, config, "")
		if err != nil {
			return err
		}
		defer stop()
		o.url = url
	}
	if o.url == "" {
		return fmt.Errorf("give --url of a running motcua or --spawn BINARY")
	}
	fmt.Printf("flood: %d connection attempts from %d loopback addresses (%d dialers, one in four a /ws/display socket), %d login workers, /healthz every %s from 127.0.0.1, %s\n",
		f.attempts, f.addrs, f.dialers, f.logins, f.probe, o.duration)
	r, err := flood(o, f)
	if err != nil {
		return err
	}
	r.print(os.Stdout)
	return nil
}
