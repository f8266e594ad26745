package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// linkOpts are what --link needs besides the ticket load.
type linkOpts struct {
	hubConfig string // the province's hub config (configs/province/hub.yaml)
	creds     string // the center's key at that hub (configs/province/c1.nk)
	center    string // its id there
	pg        string // a PostgreSQL URL with the right to create a database
	apart     bool   // the hub and its PostgreSQL at nice 19, its database's commits not waiting for the disk
}

// linkCmd measures the center's own ticket figures alone, then with its hub
// link up, down (the hub stopped) and draining (the hub back, the backlog
// of the run before being sent): `motcua hub` and `motcua serve` with a hub
// section, each its own process, on a database of their own made for the
// run and dropped after. The center alone runs three times in a row on one
// data directory, so that each run with the hub has an alone run on as
// many tickets before it (up the first, down the second, draining the
// third).
//
// With l.apart the hub and PostgreSQL (the backends of its database and
// the server's WAL writer, checkpointer and background writer) run at nice
// 19 on the CPUs but the first, the center and the load generator on the
// first (in every run, alone too), and that database commits without
// waiting for the disk (synchronous_commit off): on this one machine they
// stand for the province's, with which a center shares neither CPU nor
// disk; what the link
// costs the center itself (its outbox reads and sends) stays in the
// center's process and its figures.
func linkCmd(o opts, l linkOpts, bin, config string) error {
	dir, err := os.MkdirTemp("", "motcua-load-link-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, drop, err := scratchDB(l.pg, l.apart)
	if err != nil {
		return err
	}
	defer drop()
	natsAddr, err := freeAddr()
	if err != nil {
		return err
	}
	hubYAML, err := rewrite(l.hubConfig, map[string]string{"database": db}, map[string]string{"embedded": natsAddr})
	if err != nil {
		return err
	}
	hubCfg := filepath.Join(dir, "hub.yaml")
	if err := os.WriteFile(hubCfg, hubYAML, 0o600); err != nil {
		return err
	}
	creds, err := filepath.Abs(l.creds)
	if err != nil {
		return err
	}
	centerYAML, err := rewrite(config, nil, nil)
	if err != nil {
		return err
	}
	centerYAML = fmt.Appendf(centerYAML, "\nhub:\n  center: %s\n  urls: [nats://%s]\n  credentials: %s\n", l.center, natsAddr, creds)
	centerCfg := filepath.Join(dir, "center.yaml")
	if err := os.WriteFile(centerCfg, centerYAML, 0o600); err != nil {
		return err
	}

	// The center and the load generator on CPU 0, the hub and PostgreSQL
	// on the others (below): a center shares no CPU with its hub.
	pinned := l.apart && pinSelf(0)
	if o.rate > 0 {
		fmt.Printf("load: %.0f tickets/s and as many calls offered (paced, %d clients, %d counters), %s per run\n", o.rate, o.clients, o.counters, o.duration)
	} else {
		fmt.Printf("load: %d clients issuing tickets, %d counters calling, %s per run\n", o.clients, o.counters, o.duration)
	}
	solo, err := startProc(bin, "serve", "--config", config, "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "alone"))
	if err != nil {
		return fmt.Errorf("motcua serve: %w", err)
	}
	o.url = solo.url
	var alone [3]result
	for i, as := range []string{"up", "down", "draining"} {
		if alone[i], err = measured(o, solo, nil); err != nil {
			solo.stop()
			return err
		}
		alone[i].print(os.Stdout, fmt.Sprintf("alone %d (tickets before: as %s)", i+1, as))
		fmt.Printf("%-34s %s\n", "", alone[i].cpu)
	}
	solo.stop()

	hubData := filepath.Join(dir, "hub")
	var hubArgs []string
	if l.apart {
		hubArgs = []string{"nice", "-n", "19"}
		if pinned {
			hubArgs = append([]string{"taskset", "-c", others(0)}, hubArgs...)
		}
		defer renice(l.pg, db, pinned)()
	}
	hubArgs = append(hubArgs, bin, "hub", "--config", hubCfg, "--addr", "127.0.0.1:0", "--data", hubData)
	hub, err := startProc(hubArgs[0], hubArgs[1:]...)
	if err != nil {
		return fmt.Errorf("motcua hub: %w", err)
	}
	center, err := startProc(bin, "serve", "--config", centerCfg, "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "center"))
	if err != nil {
		hub.stop()
		return fmt.Errorf("motcua serve: %w", err)
	}
	defer center.stop()
	o.url = center.url
	if err := until(30*time.Second, func(h hubHealth) bool { return h.Connected }, o.url); err != nil {
		hub.stop()
		return fmt.Errorf("the center did not reach its hub: %w", err)
	}
	up, err := measured(o, center, hub)
	if err != nil {
		hub.stop()
		return err
	}
	h, _ := health(o.url)
	up.print(os.Stdout, "hub link up")
	fmt.Printf("%-34s pending at the end %d; %s\n", "", h.Pending, up.cpu)
	fmt.Printf("%-34s %s\n", "", versus(up, alone[0]))
	if err := until(5*time.Minute, func(h hubHealth) bool { return h.Pending == 0 }, o.url); err != nil {
		hub.stop()
		return fmt.Errorf("the link did not drain: %w", err)
	}

	hub.stop()
	if err := until(30*time.Second, func(h hubHealth) bool { return !h.Connected }, o.url); err != nil {
		return fmt.Errorf("the center still sees its hub: %w", err)
	}
	down, err := measured(o, center, nil)
	if err != nil {
		return err
	}
	h, _ = health(o.url)
	down.print(os.Stdout, "hub link down (hub stopped)")
	fmt.Printf("%-34s pending at the end %d; %s\n", "", h.Pending, down.cpu)
	fmt.Printf("%-34s %s\n", "", versus(down, alone[1]))

	hub, err = startProc(hubArgs[0], hubArgs[1:]...)
	if err != nil {
		return fmt.Errorf("motcua hub again: %w", err)
	}
	defer hub.stop()
	if err := until(30*time.Second, func(h hubHealth) bool { return h.Connected }, o.url); err != nil {
		return fmt.Errorf("the center did not reach its hub again: %w", err)
	}
	before, _ := health(o.url)
	drain, err := measured(o, center, hub)
	if err != nil {
		return err
	}
	after, _ := health(o.url)
	drain.print(os.Stdout, "hub link draining")
	fmt.Printf("%-34s pending %d at the start, %d at the end; %s\n", "", before.Pending, after.Pending, drain.cpu)
	fmt.Printf("%-34s %s\n", "", versus(drain, alone[2]))
	start, c0 := time.Now(), cpuOf(center.cmd.Process.Pid)
	if err := until(5*time.Minute, func(h hubHealth) bool { return h.Pending == 0 }, o.url); err != nil {
		return fmt.Errorf("the link did not drain: %w", err)
	}
	used := cpuOf(center.cmd.Process.Pid) - c0
	if after.Pending == 0 {
		fmt.Printf("%-34s drained within the run\n", "")
		return nil
	}
	fmt.Printf("%-34s drained %s after the run: %d events, the center's CPU %.1f µs an event sent\n", "",
		time.Since(start).Round(100*time.Millisecond), after.Pending, float64(used.Microseconds())/float64(after.Pending))
	return nil
}

// versus compares a run with the hub section to the alone run on as many
// tickets before it.
func versus(r, alone result) string {
	return fmt.Sprintf("vs alone: %.2f× the tickets/s, p99 %.2f×", r.rate()/alone.rate(),
		float64(pct(r.lat, .99))/float64(pct(alone.lat, .99)))
}

// renice keeps the PostgreSQL backends serving database db, and the
// server's WAL writer, checkpointer and background writer (which write what
// those backends commit), at nice 19 and, with pin, off CPU 0, until the
// returned stop is called; stop puts the server's own processes back at the
// priority they had, on every CPU. The
// hub's pool opens connections as it needs them, so the list is read again
// every 200 ms. Where this process may not change another's priority it
// says so once.
func renice(admin, db string, pin bool) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			fmt.Fprintf(os.Stderr, "motcua-load: PostgreSQL backends keep their priority: %v\n", err)
			return
		}
		defer conn.Close(context.Background())
		name := db
		if u, err := url.Parse(db); err == nil {
			name = strings.TrimPrefix(u.Path, "/")
		}
		seen := map[int]bool{}
		restore := map[int]int{} // the server's own processes: their nice before
		defer func() {
			for pid, nice := range restore {
				setPriority(pid, nice)
				if pin {
					pinProcess(pid, 0, true)
				}
			}
		}()
		warned := false
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			rows, err := conn.Query(ctx, `SELECT pid, datname IS NULL FROM pg_stat_activity
				WHERE datname = $1 OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`, name)
			if err == nil {
				type proc struct {
					Pid int32
					Aux bool
				}
				procs, _ := pgx.CollectRows(rows, pgx.RowToStructByPos[proc])
				for _, p := range procs {
					pid := int(p.Pid)
					if seen[pid] {
						continue
					}
					seen[pid] = true
					if p.Aux {
						if nice, ok := niceOf(pid); ok {
							restore[pid] = nice
						}
					}
					if pin {
						pinProcess(pid, 0, false)
					}
					if err := setPriority(pid, 19); err != nil && !warned {
						warned = true
						fmt.Fprintf(os.Stderr, "motcua-load: PostgreSQL process %d keeps its priority: %v\n", pid, err)
					}
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// niceOf reads process pid's nice value (Linux /proc).
func niceOf(pid int) (int, bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	_, rest, ok := strings.Cut(string(raw), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 17 {
		return 0, false
	}
	n, err := strconv.Atoi(f[16]) // the 19th field, nice
	return n, err == nil
}

// cpuOf is the CPU time process pid has used (Linux /proc; 0 elsewhere).
func cpuOf(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th, in clock ticks (100 a second on Linux).
	_, rest, ok := strings.Cut(string(raw), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * (time.Second / 100)
}

// measured runs the load and prints the CPU the center and the hub (if
// running) used meanwhile, in cores.
func measured(o opts, center, hub *proc) (result, error) {
	c0, h0 := cpuOf(center.cmd.Process.Pid), time.Duration(0)
	if hub != nil {
		h0 = cpuOf(hub.cmd.Process.Pid)
	}
	start := time.Now()
	r, err := load(o)
	wall := time.Since(start).Seconds()
	if err != nil {
		return r, err
	}
	used := cpuOf(center.cmd.Process.Pid) - c0
	line := fmt.Sprintf("center %.2f cores, %.0f µs a ticket", used.Seconds()/wall,
		float64(used.Microseconds())/float64(max(1, r.tickets)))
	if hub != nil {
		line += fmt.Sprintf(", motcua hub %.2f cores (PostgreSQL apart)", (cpuOf(hub.cmd.Process.Pid)-h0).Seconds()/wall)
	}
	r.cpu = line
	return r, nil
}

type hubHealth struct {
	Connected bool   `json:"connected"`
	Pending   uint64 `json:"pending_events"`
}

func health(base string) (hubHealth, error) {
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		return hubHealth{}, err
	}
	defer resp.Body.Close()
	var v struct {
		Hub *hubHealth `json:"hub"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return hubHealth{}, fmt.Errorf("/healthz: %w", err)
	}
	if v.Hub == nil {
		return hubHealth{}, errors.New("/healthz has no hub: the center's config has no hub section")
	}
	return *v.Hub, nil
}

// until polls the center's /healthz every 100 ms until cond holds.
func until(limit time.Duration, cond func(hubHealth) bool, base string) error {
	deadline := time.Now().Add(limit)
	for {
		h, err := health(base)
		if err == nil && cond(h) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not within %s (last %+v, %v)", limit, h, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// rewrite reads a config and sets top-level keys (top) and keys indented
// below them (nested) to the values given, and makes a relative procedures
// path absolute, so the copy works from another directory.
func rewrite(path string, top, nested map[string]string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	base, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(raw), "\n")
	for i, line := range lines {
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(strings.TrimSpace(k), "#") || strings.HasPrefix(strings.TrimSpace(k), "-") {
			continue
		}
		name := strings.TrimSpace(k)
		switch {
		case k == name && top[name] != "":
			lines[i] = name + ": " + top[name]
		case k != name && nested[name] != "":
			lines[i] = k + ": " + nested[name]
		case k == "procedures":
			if p := strings.TrimSpace(v); p != "" && !filepath.IsAbs(p) {
				lines[i] = "procedures: " + filepath.Join(base, p)
			}
		}
	}
	return []byte(strings.Join(lines, "\n")), nil
}

// scratchDB makes a database for the run on the server of admin and
// returns its URL and what drops it.
func scratchDB(admin string, apart bool) (string, func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, fmt.Errorf("--pg %s: %w", admin, err)
	}
	name := fmt.Sprintf("motcua_load_%d", os.Getpid())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return "", nil, fmt.Errorf("--pg: %w", err)
	}
	if apart {
		// The one disk the center and PostgreSQL share here stands for
		// two: the hub's commits do not wait for it (this database only).
		if _, err := conn.Exec(ctx, "ALTER DATABASE "+name+" SET synchronous_commit = off"); err != nil {
			conn.Close(ctx)
			return "", nil, fmt.Errorf("--pg: %w", err)
		}
	}
	conn.Close(ctx)
	pu, err := url.Parse(admin)
	if err != nil {
		return "", nil, fmt.Errorf("--pg: %w", err)
	}
	pu.Path = "/" + name
	u := pu.String()
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, admin); err == nil {
			conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	}
	return u, drop, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

type proc struct {
	cmd *exec.Cmd
	url string
}

func (p *proc) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	p.cmd.Wait()
}

// startProc runs motcua with args and waits for the line that gives its
// address.
func startProc(bin string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd}
	ready := make(chan string, 1)
	var tail []string
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := addrLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case ready <- m[1]:
				default:
				}
			} else if len(tail) < 20 {
				tail = append(tail, sc.Text())
			}
		}
		close(ready)
	}()
	select {
	case addr, ok := <-ready:
		if ok {
			p.url = "http://" + addr
			return p, nil
		}
		p.stop()
		return nil, fmt.Errorf("exited: %s", strings.Join(tail, "\n"))
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, errors.New("did not start within 30 s")
	}
}
