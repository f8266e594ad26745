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
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/internal/pgcluster"
)

// linkOpts are what --link needs besides the ticket load.
type linkOpts struct {
	hubConfig string // the province's hub config (configs/province/hub.yaml)
	creds     string // the center's key at that hub (configs/province/c1.nk)
	center    string // its id there
	pg        string // a PostgreSQL URL with the right to create a database
	apart     bool   // the hub and a PostgreSQL of its own at nice 19, their files in memory
	pin       bool   // with apart: the center and the load on CPU 0, the hub and its PostgreSQL on the others
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
// With l.apart the hub and a PostgreSQL server of its own stand for the
// province's machine, with which a center shares neither CPU nor disk: the
// hub and the server run at nice 19, and the server's files and the hub's
// (its JetStream store) are in memory (/dev/shm), not on the center's disk;
// with l.pin too, the center and the load generator run on the first CPU
// (in every run, alone too), the hub and the server on the others. What the
// link costs the center itself (its outbox reads and sends) stays in the
// center's process and its figures.
func linkCmd(o opts, l linkOpts, bin, config string) error {
	dir, err := os.MkdirTemp("", "motcua-load-link-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The center and the load generator on CPU 0, the hub and PostgreSQL
	// on the others: a center shares no CPU with its hub.
	pinned := l.apart && l.pin && pinSelf(0)
	var wrap []string // how the hub and its PostgreSQL are started
	hubDir := dir
	admin := l.pg
	if l.apart {
		if pinned {
			wrap = []string{"taskset", "-c", others(0)}
		}
		wrap = append(wrap, "nice", "-n", "19")
		mem := memDir()
		cluster, err := pgcluster.Start(context.Background(), pgcluster.Opts{Parent: mem, Wrap: wrap})
		if err != nil {
			return fmt.Errorf("the hub's PostgreSQL: %w", err)
		}
		defer cluster.Stop()
		admin = cluster.URL("postgres")
		if hubDir, err = os.MkdirTemp(mem, "motcua-load-hub-"); err != nil {
			return err
		}
		defer os.RemoveAll(hubDir)
		fmt.Printf("the hub: its own PostgreSQL and files in %s, nice 19", mem)
		if pinned {
			fmt.Printf(", CPU %s; the center and the load: CPU 0", others(0))
		}
		fmt.Println()
	}
	db, drop, err := scratchDB(admin)
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

	hubData := filepath.Join(hubDir, "hub")
	hubArgs := append(slices.Clone(wrap), bin, "hub", "--config", hubCfg, "--addr", "127.0.0.1:0", "--data", hubData)
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
func scratchDB(admin string) (string, func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL %s: %w", admin, err)
	}
	name := fmt.Sprintf("motcua_load_%d", os.Getpid())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return "", nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	conn.Close(ctx)
	pu, err := url.Parse(admin)
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL: %w", err)
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

// memDir is a directory in memory for the hub's files (/dev/shm), else the
// temporary directory.
func memDir() string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
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
