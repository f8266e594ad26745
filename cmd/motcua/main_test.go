package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as motcua itself, so the crash tests run
// the real serve in a child process without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("MOTCUA_AS_MAIN") == "1" {
		os.Args = append([]string{"motcua"}, strings.Fields(os.Getenv("MOTCUA_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const demo = "../../configs/demo.yaml"

// bench is the demo with the tickets' rate limits raised, for the tests
// that load the service as fast as it answers.
const bench = "../../configs/bench.yaml"

// child is a motcua serve running in another process.
type child struct {
	cmd  *exec.Cmd
	base string
	logs *lockedBuffer
	done chan error
}

// lockedBuffer is a child's log: written by the goroutine reading its
// stderr, read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var addrLine = regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)

func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MOTCUA_AS_MAIN=1", "MOTCUA_ARGS="+strings.Join(args, " "))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, logs: &lockedBuffer{}, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			c.logs.WriteString(sc.Text() + "\n")
			if m := addrLine.FindStringSubmatch(sc.Text()); m != nil {
				ready <- m[1]
			}
		}
		c.done <- cmd.Wait()
	}()
	select {
	case addr := <-ready:
		c.base = "http://" + addr
	case err := <-c.done:
		t.Fatalf("motcua exited before serving: %v\n%s", err, c.logs)
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("motcua did not start:\n%s", c.logs)
	}
	return c
}

func (c *child) kill() {
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

type issued struct {
	ID, Number, Day string
	Printed         bool // issued at a kiosk with a printer
}

// postTicket takes a ticket at kiosk k1 (its printer prints it), or with
// kiosk "" at k2, which has no printer, with the demo's kiosk tokens.
func postTicket(client *http.Client, base, svc, kiosk string) (issued, int, error) {
	token := "demo-kiosk-k2"
	if kiosk != "" {
		token = "demo-kiosk-" + kiosk
	}
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/tickets", strings.NewReader(`{"service":"`+svc+`"}`))
	if err != nil {
		return issued{}, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return issued{}, 0, err
	}
	defer resp.Body.Close()
	var tk struct {
		ID       string `json:"id"`
		Number   string `json:"number"`
		IssuedAt string `json:"issued_at"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tk); err != nil {
		return issued{}, resp.StatusCode, err
	}
	return issued{ID: tk.ID, Number: tk.Number, Day: strings.SplitN(tk.IssuedAt, "T", 2)[0], Printed: kiosk != ""}, resp.StatusCode, nil
}

// TestCrashLosesNoAcknowledgedTicket kills motcua with SIGKILL at random
// moments under concurrent ticket requests, 20 times: every ticket that got
// a 201 must be there afterwards with its number, no number may appear twice
// in a day, and numbering continues past every acknowledged number. A quarter
// of the clients take their tickets at the kiosk, whose printer is a file
// printer: each of those tickets is printed in the end, after the restarts.
func TestCrashLosesNoAcknowledgedTicket(t *testing.T) {
	if testing.Short() {
		t.Skip("starts motcua 21 times")
	}
	data := t.TempDir()
	var acked []issued
	lifeMax := map[string]int{} // field → highest number acknowledged so far
	client := &http.Client{Timeout: 5 * time.Second}
	for round := range 20 {
		c := startChild(t, "serve", "--config", bench, "--addr", "127.0.0.1:0", "--data", data)
		results := make(chan issued, 10000)
		stop := make(chan struct{})
		finished := make(chan struct{})
		kioskAcked := make(chan struct{}) // closed at the round's first kiosk ticket
		var kioskOnce sync.Once
		const workers = 8
		for w := range workers {
			go func() {
				defer func() { finished <- struct{}{} }()
				svc := string(rune('A' + w%4))
				kiosk := ""
				if w%4 == 0 {
					kiosk = "k1"
				}
				for {
					select {
					case <-stop:
						return
					default:
					}
					tk, code, err := postTicket(client, c.base, svc, kiosk)
					if err != nil {
						return // the server died mid-request: not acknowledged
					}
					if code == http.StatusCreated {
						results <- tk
						if tk.Printed {
							kioskOnce.Do(func() { close(kioskAcked) })
						}
					} else {
						t.Errorf("round %d: status %d", round, code)
						return
					}
				}
			}()
		}
		// Odd rounds die only once a kiosk ticket is in, so that a loaded
		// machine, slow to render the first ticket, still tests printing;
		// even rounds may die while the service starts.
		if round%2 == 1 {
			select {
			case <-kioskAcked:
			case <-time.After(30 * time.Second):
				t.Fatalf("round %d: no kiosk ticket acknowledged in 30 s", round)
			}
		}
		time.Sleep(time.Duration(100+(round*53)%500) * time.Millisecond) // a different moment each round
		c.kill()
		close(stop)
		for range workers {
			<-finished
		}
		close(results)
		minThisLife := map[string]int{}
		n := 0
		for tk := range results {
			acked = append(acked, tk)
			n++
			svc, num := tk.Number[:1], atoi(tk.Number[1:])
			if m, ok := minThisLife[svc]; !ok || num < m {
				minThisLife[svc] = num
			}
		}
		for svc, m := range minThisLife {
			if m <= lifeMax[svc] {
				t.Fatalf("round %d: %s%03d given after a restart, but %s%03d was acknowledged before", round, svc, m, svc, lifeMax[svc])
			}
		}
		for _, tk := range acked {
			if num := atoi(tk.Number[1:]); num > lifeMax[tk.Number[:1]] {
				lifeMax[tk.Number[:1]] = num
			}
		}
		t.Logf("round %d: %d tickets acknowledged before SIGKILL", round, n)
	}
	if len(acked) < 100 {
		t.Fatalf("only %d tickets acknowledged over 20 rounds: the test did not load the server", len(acked))
	}

	c := startChild(t, "serve", "--config", demo, "--addr", "127.0.0.1:0", "--data", data)
	defer c.kill()
	seen := map[string]string{}
	for _, tk := range acked {
		key := tk.Day + " " + tk.Number
		if other, dup := seen[key]; dup {
			t.Fatalf("%s acknowledged twice (ids %s and %s)", key, other, tk.ID)
		}
		seen[key] = tk.ID
		resp, err := client.Get(c.base + "/api/v1/tickets/" + tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ Number string }
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if resp.StatusCode != 200 || got.Number != tk.Number {
			t.Fatalf("acknowledged %s (%s) after the crashes: %d %q", tk.Number, tk.ID, resp.StatusCode, got.Number)
		}
	}
	tk, code, err := postTicket(client, c.base, "A", "")
	if err != nil || code != 201 || atoi(tk.Number[1:]) <= lifeMax["A"] {
		t.Fatalf("numbering after the crashes: %v %d %v (highest acknowledged A%03d)", tk, code, err, lifeMax["A"])
	}
	// Every kiosk ticket's job survived the crashes and was printed.
	printed := 0
	deadline := time.Now().Add(60 * time.Second)
	for _, tk := range acked {
		if !tk.Printed {
			continue
		}
		for {
			state := printState(t, client, c.base, tk.ID)
			if state == "printed" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("ticket %s acknowledged at the kiosk is %q, not printed", tk.Number, state)
			}
			time.Sleep(50 * time.Millisecond)
		}
		files, _ := filepath.Glob(filepath.Join(data, "prints", "*-ticket-"+tk.Number+".bin"))
		if len(files) == 0 {
			t.Fatalf("no print file for %s", tk.Number)
		}
		printed++
	}
	if printed == 0 {
		t.Fatal("no kiosk ticket was acknowledged: the test did not print")
	}
	t.Logf("%d kiosk tickets printed after the crashes", printed)
	t.Logf("%d acknowledged tickets all present after 20 SIGKILLs", len(acked))
}

func printState(t *testing.T, client *http.Client, base, id string) string {
	t.Helper()
	resp, err := client.Get(base + "/api/v1/tickets/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tk struct {
		Print struct{ State string } `json:"print"`
	}
	json.NewDecoder(resp.Body).Decode(&tk)
	return tk.Print.State
}

func atoi(s string) int {
	n := 0
	fmt.Sscanf(s, "%d", &n)
	return n
}

func TestSIGTERMStopsGracefully(t *testing.T) {
	data := t.TempDir()
	c := startChild(t, "serve", "--config", demo, "--addr", "127.0.0.1:0", "--data", data)
	tk, code, err := postTicket(http.DefaultClient, c.base, "D", "k1")
	if err != nil || code != 201 {
		t.Fatal(code, err)
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, c.logs)
		}
	case <-time.After(20 * time.Second):
		c.kill()
		t.Fatal("did not stop within 20 s of SIGTERM")
	}
	c2 := startChild(t, "serve", "--config", demo, "--addr", "127.0.0.1:0", "--data", data)
	defer c2.kill()
	resp, err := http.Get(c2.base + "/api/v1/tickets/" + tk.ID)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ticket after a graceful restart: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestServeRefusesWithOneLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("center: {name: X}\nfields: [{code: A, name: A}]\ncounters: [{id: \"1\", services: [B]}]\n"), 0o600)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"bad config", []string{"serve", "--config", bad}, bad + `:3: counters[0].services[0]: unknown field "B"`},
		{"missing config", []string{"serve", "--config", filepath.Join(dir, "none.yaml")}, "no such file"},
		{"no config", []string{"serve"}, "--config FILE is required"},
		{"port in use", []string{"serve", "--config", demo, "--data", dir, "--addr", busy.Addr().String()}, "cannot listen on " + busy.Addr().String()},
		{"unwritable data", []string{"serve", "--config", demo, "--data", filepath.Join(file, "data")}, "data directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(context.Background(), tc.args, nil, io.Discard, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line with %q", err, tc.want)
			}
		})
	}
}

func TestHashPassword(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"hash-password"}, strings.NewReader("bí mật\n"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "$2a$") {
		t.Fatalf("hash %q", out.String())
	}
	if err := run(context.Background(), []string{"hash-password"}, strings.NewReader("\n"), &out, io.Discard); err == nil {
		t.Fatal("an empty password must be refused")
	}
}

// Outside demo the service refuses published and short secrets and an open
// listen, naming the key and its line.
func TestServeRefusesUnsafeSecrets(t *testing.T) {
	dir := t.TempDir()
	demoText, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	notDemo := strings.Replace(string(demoText), "\ndemo: true\n", "\ndemo: false\n", 1)
	notDemo = strings.Replace(notDemo, "procedures: procedures.sample.yaml", "", 1)
	open := "center: {name: X}\nsecurity: {allow_all_interfaces: true}\nfields: [{code: A, name: A}]\ncounters: [{id: \"1\", services: [A]}]\n"
	cases := []struct {
		name, yaml, addr, want string
	}{
		{"QR codes to 0.0.0.0", open, "0.0.0.0:0", ":1: center.public_base_url: QR codes would point to http://0.0.0.0:0, which no phone reaches"},
		{"the demo's tokens", notDemo, "127.0.0.1:0", `:40: kiosks[0].token: this value is published in motcua's own files (the demo and the example): make a new one with motcua secret`},
		{"every interface", notDemo, "0.0.0.0:0", ":17: listen: 0.0.0.0:0 listens on every interface"},
		{"a short session secret", strings.Replace(string(demoText), "\ndemo: true\n", "\nsecurity: {session_secret: abc}\n", 1), "127.0.0.1:0", ":9: security.session_secret: 3 bytes is too short"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
			os.WriteFile(path, []byte(tc.yaml), 0o600)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a service that starts stops
			defer cancel()
			err := run(ctx, []string{"serve", "--config", path, "--addr", tc.addr, "--data", dir}, nil, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), path+tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line with %q", err, path+tc.want)
			}
		})
	}
}

// A second motcua on the same data directory exits at once, naming the
// first one's pid; once the first is gone, one starts again.
func TestOneServicePerDataDirectory(t *testing.T) {
	data := t.TempDir()
	first := startChild(t, "serve", "--config", demo, "--addr", "127.0.0.1:0", "--data", data)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a second that serves is stopped
	defer cancel()
	second := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	second.Env = append(os.Environ(), "MOTCUA_AS_MAIN=1", "MOTCUA_ARGS=serve --config "+demo+" --addr 127.0.0.1:0 --data "+data)
	out, err := second.CombinedOutput()
	want := fmt.Sprintf("motcua: serve: another motcua is running on data directory %s, pid %d\n", data, first.cmd.Process.Pid)
	if err == nil || !strings.HasSuffix(string(out), want) {
		first.kill()
		t.Fatalf("second motcua: %v\n%s\nwant the last line %q", err, out, want)
	}
	first.kill()
	again := startChild(t, "serve", "--config", demo, "--addr", "127.0.0.1:0", "--data", data)
	again.kill()
}

// What the service creates in its data directory is its own: directories
// 0700, files 0600, whatever the umask it was started with.
func TestDataDirectoryIsPrivate(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	c := startChild(t, "serve", "--config", demo, "--addr", "127.0.0.1:0", "--data", data)
	tk, code, err := postTicket(http.DefaultClient, c.base, "A", "k1")
	if err != nil || code != 201 {
		c.kill()
		t.Fatal(code, err)
	}
	for deadline := time.Now().Add(20 * time.Second); printState(t, http.DefaultClient, c.base, tk.ID) != "printed"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			c.kill()
			t.Fatal("the ticket was not printed")
		}
	}
	c.kill()
	n := 0
	err = filepath.WalkDir(data, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := os.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"motcua.db", "receipt.key", "motcua.lock", "prints"} { // sessions live in motcua.db
		if _, err := os.Stat(filepath.Join(data, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(data, "prints", "*.bin")); len(files) == 0 {
		t.Error("no print file to check")
	}
	t.Logf("%d files and folders checked", n)
}
