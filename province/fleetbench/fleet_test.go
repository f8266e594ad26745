package fleetbench_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"motcua/internal/database"
	"motcua/internal/pgtest"
	"motcua/province/broker"
	"motcua/province/hub"
	"motcua/province/hub/hubtest"
	"motcua/province/link"
	"motcua/province/pgstore"
	"motcua/province/wire"
	"motcua/queue"
	"motcua/queue/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// The load of a busy center at its peak: 1,000 tickets a day, a quarter of
// them in the busiest hour, so a ticket every 14.4 s; each ticket is issued,
// called, started and completed (4 events).
const (
	fleetSize   = 100
	peakTicket  = time.Hour / 250
	peakFor     = 60 * time.Second
	offlineDay  = 5000 // events of a working day the offline center keeps
	saturateFor = 10 * time.Second
)

type key struct {
	center string
	seq    uint64
}

type sample struct {
	center    string
	committed time.Time // at the center
	d         time.Duration
}

// recorder notes when each event is committed at its center and when its
// row is committed in PostgreSQL.
type recorder struct {
	mu     sync.Mutex
	commit map[key]time.Time
	got    []sample
}

func (r *recorder) committed(center string, evs []queue.Event) {
	now := time.Now()
	r.mu.Lock()
	for _, e := range evs {
		r.commit[key{center, e.Seq}] = now
	}
	r.mu.Unlock()
}

func (r *recorder) stored(center string, evs []queue.Event) {
	now := time.Now()
	r.mu.Lock()
	for _, e := range evs {
		k := key{center, e.Seq}
		if t, ok := r.commit[k]; ok {
			r.got = append(r.got, sample{center, t, now.Sub(t)})
			delete(r.commit, k)
		}
	}
	r.mu.Unlock()
}

// window is the latencies of the events committed in [from, to) at the
// centers keep accepts, sorted: read it once they are all stored.
func (r *recorder) window(from, to time.Time, keep func(string) bool) []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []time.Duration
	for _, s := range r.got {
		if !s.committed.Before(from) && s.committed.Before(to) && keep(s.center) {
			out = append(out, s.d)
		}
	}
	slices.Sort(out)
	return out
}

func all(string) bool { return true }

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(float64(len(ds))*p+0.5) - 1
	return ds[max(0, min(i, len(ds)-1))]
}

// store is the hub's store on PostgreSQL (as province/fleet's, without the
// accounts), noting when events are stored.
type store struct {
	db  *pgstore.DB
	rec *recorder
}

func (s store) Ingest(ctx context.Context, center string, events []queue.Event) (int, error) {
	n, err := s.db.Ingest(ctx, center, events)
	if err == nil {
		s.rec.stored(center, events)
	}
	return n, err
}

func (s store) SetStatus(ctx context.Context, center string, st wire.Status, seen time.Time) error {
	return s.db.SetStatus(ctx, center, pgstore.CenterStatus{Online: true, LastSeen: seen, Version: st.Software,
		ConfigVersion: st.ConfigVersion, Waiting: st.Waiting})
}

func (s store) Bundle(ctx context.Context, center string) (wire.Bundle, error) {
	var b wire.Bundle
	v, err := s.db.Published(ctx, center)
	if err != nil || v == 0 {
		return b, err
	}
	cv, err := s.db.Config(ctx, center, v)
	if err != nil {
		return b, err
	}
	b.ConfigVersion, b.Config = cv.Version, cv.YAML
	return b, nil
}

// transport is how the centers reach the hub: the shipped link (a NATS
// client over the center's SQLite outbox) or the leaf node prototype.
type transport interface {
	name() string
	// start runs the hub's NATS and returns the hub process's connection.
	start(b testing.TB, centers []broker.Center) *nats.Conn
	// center starts what center id runs besides its link and returns the
	// URL the link dials; through, when set, is put between the center and
	// the hub.
	center(b testing.TB, id, pub, dir string, through func(addr string) string) string
	// ready is called once every center is started.
	ready(ctx context.Context, ids []string) error
}

// outbox is the shipped transport: each center's link is a client of the
// hub's embedded NATS server.
type outbox struct{ srv *broker.Server }

func (*outbox) name() string { return "outbox" }

func (o *outbox) start(b testing.TB, centers []broker.Center) *nats.Conn {
	seed, pub := userKey(b)
	srv, err := broker.Start(broker.Opts{Listen: "127.0.0.1:0", StoreDir: b.TempDir(), Hub: pub, Centers: centers})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	o.srv = srv
	kp, _ := nkeys.FromSeed(seed)
	nc, err := nats.Connect(srv.ClientURL(), nats.Nkey(pub, kp.Sign), nats.MaxReconnects(-1))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	return nc
}

func (o *outbox) center(_ testing.TB, _, _, _ string, through func(string) string) string {
	if through != nil {
		return through(o.srv.Addr())
	}
	return o.srv.ClientURL()
}

func (*outbox) ready(context.Context, []string) error { return nil }

func userKey(b testing.TB) (seed []byte, pub string) {
	b.Helper()
	kp, err := nkeys.CreateUser()
	if err != nil {
		b.Fatal(err)
	}
	seed, _ = kp.Seed()
	pub, _ = kp.PublicKey()
	return seed, pub
}

// center is one simulated center: its SQLite database, queue engine and
// link, as `motcua serve` wires them (without HTTP and devices).
type center struct {
	id      string
	engine  *queue.Engine
	link    *link.Link
	store   *sqlite.Store
	proxy   *hubtest.Proxy
	visit   sync.Mutex // one citizen at its one counter at a time
	last    atomic.Uint64
	version atomic.Int64
}

// ticket is one citizen's visit: issued, called, started, completed.
func (c *center) ticket(ctx context.Context) error {
	c.visit.Lock()
	defer c.visit.Unlock()
	if _, err := c.engine.Issue(ctx, queue.IssueRequest{Service: "A"}); err != nil {
		return err
	}
	if _, err := c.engine.Next(ctx, "1"); err != nil {
		return err
	}
	if _, err := c.engine.Start(ctx, "1"); err != nil {
		return err
	}
	_, err := c.engine.Complete(ctx, "1")
	return err
}

type fleet struct {
	b       testing.TB
	tr      transport
	db      *pgstore.DB
	rec     *recorder
	hub     *hub.Hub
	centers []*center
	load    sync.WaitGroup
	errs    chan error
}

func newFleet(b testing.TB, tr transport, n int) *fleet {
	ctx := context.Background()
	db, err := pgstore.Open(ctx, pgtest.URL(b), pgstore.Opts{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(db.Close)
	f := &fleet{b: b, tr: tr, db: db, rec: &recorder{commit: map[key]time.Time{}}, errs: make(chan error, n)}
	seeds := make([][]byte, n)
	var enrolled []broker.Center
	known := map[string]bool{}
	for i := range n {
		id := fmt.Sprintf("c%03d", i)
		seed, pub := userKey(b)
		seeds[i] = seed
		enrolled = append(enrolled, broker.Center{ID: id, NKey: pub})
		known[id] = true
	}
	nc := tr.start(b, enrolled)
	hctx, stopHub := context.WithCancel(ctx)
	h, err := hub.New(hctx, hub.Opts{Conn: nc, Store: store{db, f.rec}, Known: func(c string) bool { return known[c] },
		Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	f.hub = h
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); h.Run(hctx) }()
	b.Cleanup(func() { stopHub(); <-hubDone })

	cctx, stopCenters := context.WithCancel(ctx)
	var running sync.WaitGroup
	b.Cleanup(func() { stopCenters(); running.Wait() })
	var ids []string
	for i, e := range enrolled {
		c := &center{id: e.ID}
		var through func(string) string
		if i == 0 {
			through = func(addr string) string {
				c.proxy = hubtest.NewProxy(b, addr)
				return c.proxy.URL()
			}
		}
		dir := b.TempDir()
		url := tr.center(b, e.ID, e.NKey, dir, through)
		sdb, err := database.Open(filepath.Join(dir, "motcua.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { sdb.Close() })
		st, err := sqlite.NewStore(cctx, sdb)
		if err != nil {
			b.Fatal(err)
		}
		c.store = st
		c.engine, err = queue.New(cctx, queue.Opts{Store: st, Logger: quiet(),
			Fields:   []queue.Field{{Code: "A", Name: "Hộ tịch"}},
			Counters: []queue.Counter{{ID: "1", Services: []string{"A"}}}})
		if err != nil {
			b.Fatal(err)
		}
		marks, err := link.OpenMarks(cctx, sdb)
		if err != nil {
			b.Fatal(err)
		}
		c.link, err = link.New(cctx, link.Opts{Center: e.ID, URLs: []string{url}, Seed: seeds[i], Events: st, Marks: marks,
			Logger: quiet(),
			Status: func() wire.Status { return wire.Status{Name: "Trung tâm " + c.id, Day: c.engine.Day()} },
			Apply: func(_ context.Context, bd wire.Bundle) error {
				c.version.Store(int64(bd.ConfigVersion))
				return nil
			}})
		if err != nil {
			b.Fatal(err)
		}
		c.engine.OnEvents(func(evs []queue.Event) {
			f.rec.committed(c.id, evs)
			c.last.Store(evs[len(evs)-1].Seq)
			c.link.Wake(evs[len(evs)-1].Seq)
		})
		running.Add(2)
		go func() { defer running.Done(); c.engine.Run(cctx) }()
		go func() { defer running.Done(); c.link.Run(cctx) }()
		f.centers = append(f.centers, c)
		ids = append(ids, c.id)
	}
	if err := tr.ready(ctx, ids); err != nil {
		b.Fatal(err)
	}
	return f
}

// paced runs c at the peak rate until ctx ends, from a random point of the
// first interval so the centers do not move in step.
func (f *fleet) paced(ctx context.Context, c *center, every time.Duration) {
	f.load.Go(func() {
		wait := rand.N(every)
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			if err := c.ticket(ctx); err != nil && ctx.Err() == nil {
				f.errs <- fmt.Errorf("%s: %w", c.id, err)
				return
			}
			wait = every
		}
	})
}

// flat runs c as fast as its engine commits until ctx ends.
func (f *fleet) flat(ctx context.Context, c *center) {
	f.load.Go(func() {
		for ctx.Err() == nil {
			if err := c.ticket(ctx); err != nil && ctx.Err() == nil {
				f.errs <- fmt.Errorf("%s: %w", c.id, err)
				return
			}
		}
	})
}

func (f *fleet) stopLoad(stop context.CancelFunc) {
	stop()
	f.load.Wait()
	select {
	case err := <-f.errs:
		f.b.Fatal(err)
	default:
	}
}

// until polls cond every 10 ms, failing the benchmark after limit.
func (f *fleet) until(what string, limit time.Duration, cond func() bool) time.Duration {
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			f.b.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// held tells whether PostgreSQL holds every event of c up to seq.
func (f *fleet) held(c *center, seq uint64) bool {
	got, err := f.db.Contiguous(context.Background(), c.id)
	if err != nil {
		f.b.Fatal(err)
	}
	return got >= seq
}

func (f *fleet) drained() bool {
	for _, c := range f.centers {
		if !f.held(c, c.last.Load()) {
			if os.Getenv("MOTCUA_FLEET_DEBUG") != "" {
				if l, ok := f.tr.(*leaf); ok {
					l.debug(f.b, c.id)
				}
				got, _ := f.db.Contiguous(context.Background(), c.id)
				f.b.Logf("%s: committed %d, held %d, link %+v", c.id, c.last.Load(), got, c.link.State())
				time.Sleep(time.Second)
			}
			return false
		}
	}
	return true
}

type usage struct {
	at  time.Time
	cpu time.Duration
}

func now() usage {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return usage{time.Now(), time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
}

// cores is the CPU this process used from u0 to u1, in cores.
func cores(u0, u1 usage) float64 { return (u1.cpu - u0.cpu).Seconds() / u1.at.Sub(u0.at).Seconds() }

// memory is this process's resident set and Go heap plus stacks, in bytes.
func memory() (rss, heap uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heap = ms.HeapInuse + ms.StackInuse
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			rss = kb << 10
		}
	}
	return rss, heap
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkFleet: 100 centers against one hub over each transport. Run it
// once: go test -run '^$' -bench Fleet -benchtime 1x ./province/fleetbench/
// (figures in docs/BENCHMARKS.md, "Province fleet").
func BenchmarkFleet(b *testing.B) {
	for _, tr := range []transport{&outbox{}, &leaf{}} {
		b.Run("transport="+tr.name(), func(b *testing.B) { runFleet(b, tr, sizing(b)) })
	}
}

// sizing is the fleet's size and how long its peak lasts: fleetSize and
// peakFor, or MOTCUA_FLEET_CENTERS and MOTCUA_FLEET_PEAK (a duration) for a
// quicker look.
func sizing(b *testing.B) fleetOpts {
	o := fleetOpts{centers: fleetSize, peak: peakFor}
	if v := os.Getenv("MOTCUA_FLEET_CENTERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("MOTCUA_FLEET_CENTERS=%q: a number of centers", v)
		}
		o.centers = n
	}
	if v := os.Getenv("MOTCUA_FLEET_PEAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("MOTCUA_FLEET_PEAK=%q: %v", v, err)
		}
		o.peak = d
	}
	return o
}

type fleetOpts struct {
	centers int
	peak    time.Duration
}

func runFleet(b *testing.B, tr transport, o fleetOpts) {
	n := o.centers
	ctx := context.Background()
	rss0, heap0 := memory()
	f := newFleet(b, tr, n)
	f.until("every center connected", time.Minute, func() bool {
		for _, c := range f.centers {
			if !c.link.State().Connected {
				return false
			}
		}
		return true
	})
	rss1, heap1 := memory()
	b.ReportMetric(float64(rss1-rss0)/float64(n)/(1<<20), "MiB-rss/center")
	b.ReportMetric(float64(heap1-heap0)/float64(n)/(1<<20), "MiB-heap/center")
	// One ticket each first, all at the hub before anything is timed: the
	// leaf's sources and the hub's consumer are running.
	for _, c := range f.centers {
		if err := c.ticket(ctx); err != nil {
			b.Fatal(err)
		}
	}
	warm := f.until("the first tickets at the hub", 2*time.Minute, f.drained)
	b.Logf("%s: %d centers connected; a first ticket of each at the hub %s after it was issued",
		tr.name(), n, warm.Round(time.Millisecond))

	// 1. Every center at its peak rate.
	lctx, stop := context.WithCancel(ctx)
	for _, c := range f.centers {
		f.paced(lctx, c, peakTicket)
	}
	u0 := now()
	time.Sleep(o.peak)
	u1 := now()

	// 2. One center is offline for a working day's events, then reconnects
	// while the others keep their pace.
	off := f.centers[0]
	off.proxy.Cut()
	from := off.last.Load()
	for off.last.Load() < from+offlineDay {
		if err := off.ticket(ctx); err != nil {
			b.Fatal(err)
		}
	}
	target := off.last.Load()
	mend := time.Now()
	off.proxy.Mend()
	catchUp := f.until("the offline center's day at the hub", 2*time.Minute, func() bool { return f.held(off, target) })

	// 3. A configuration published to every center.
	pub := time.Now()
	versions := map[string]int{}
	for _, c := range f.centers {
		yaml := fmt.Sprintf("center:\n  name: Trung tâm %s\nopening_hours: \"07:30-17:00\"\n", c.id)
		v, err := f.db.PutConfig(ctx, c.id, yaml, "bench")
		if err == nil {
			err = f.db.Publish(ctx, c.id, v)
		}
		if err == nil {
			err = f.hub.Notify(c.id, wire.Notice{ConfigVersion: v})
		}
		if err != nil {
			b.Fatal(err)
		}
		versions[c.id] = v
	}
	published := time.Since(pub)
	config := f.until("every center on the new config", time.Minute, func() bool {
		for _, c := range f.centers {
			if c.version.Load() != int64(versions[c.id]) {
				return false
			}
		}
		return true
	}) + published
	b.ReportMetric(config.Seconds(), "config-s")
	b.Logf("%s config: %d centers run their new version %s after the first was put (%s to put, publish and notify all)",
		tr.name(), n, config.Round(time.Millisecond), published.Round(time.Millisecond))
	f.stopLoad(stop)
	f.until("the fleet drained", time.Minute, f.drained)
	// Every event of the peak and the catch-up is stored now: their
	// latencies, by when they were committed.
	peak := f.rec.window(u0.at, u1.at, all)
	b.ReportMetric(float64(len(peak))/u1.at.Sub(u0.at).Seconds(), "peak-events/s")
	b.ReportMetric(ms(pct(peak, 0.5)), "peak-p50-ms")
	b.ReportMetric(ms(pct(peak, 0.99)), "peak-p99-ms")
	b.ReportMetric(cores(u0, u1), "peak-cores")
	b.Logf("%s peak: %d events in %s, p50 %s p99 %s max %s, %.2f cores (this process)", tr.name(), len(peak),
		u1.at.Sub(u0.at).Round(time.Millisecond), pct(peak, 0.5), pct(peak, 0.99), pct(peak, 1), cores(u0, u1))

	// The others' events committed while it drains (at least the next
	// second), whenever they were stored.
	others := f.rec.window(mend, mend.Add(max(catchUp, time.Second)), func(c string) bool { return c != off.id })
	b.ReportMetric(catchUp.Seconds(), "catchup-s")
	b.ReportMetric(ms(pct(others, 0.99)), "catchup-others-p99-ms")
	b.Logf("%s catch-up: %d events of %s at the hub %s after it reconnected; the other %d centers meanwhile: %d events, p50 %s p99 %s",
		tr.name(), target-from, off.id, catchUp.Round(time.Millisecond), n-1, len(others), pct(others, 0.5), pct(others, 0.99))

	// 4. Every center as fast as its engine commits: what the hub takes.
	lctx, stop = context.WithCancel(ctx)
	for _, c := range f.centers {
		f.flat(lctx, c)
	}
	u2 := now()
	time.Sleep(saturateFor)
	f.stopLoad(stop)
	u3 := now()
	drain := f.until("the fleet drained", 5*time.Minute, f.drained)
	u4 := now()
	sat := f.rec.window(u2.at, u4.at, all)
	b.ReportMetric(float64(len(sat))/u4.at.Sub(u2.at).Seconds(), "max-events/s")
	b.ReportMetric(ms(pct(sat, 0.99)), "max-p99-ms")
	b.Logf("%s flat out: %d events committed in %s, all in PostgreSQL %s later: %.0f events/s, p50 %s p99 %s, %.2f cores",
		tr.name(), len(sat), u3.at.Sub(u2.at).Round(time.Millisecond), drain.Round(time.Millisecond),
		float64(len(sat))/u4.at.Sub(u2.at).Seconds(), pct(sat, 0.5), pct(sat, 0.99), cores(u2, u4))
	if s := f.hub.Stats(); s.Refused != 0 || s.Failures != 0 {
		b.Errorf("hub: %+v", s)
	}
}
