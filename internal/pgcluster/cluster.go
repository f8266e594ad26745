package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// dirPrefix names the temporary directories of private clusters, so a
// later one can find and remove those left behind.
const dirPrefix = "motcua-pgtest-"

// Opts configure Start.
type Opts struct {
	// Parent is where the cluster's directory is made; os.TempDir() when
	// empty. Under root the user nobody must be able to enter it (as /tmp
	// and /dev/shm allow).
	Parent string
	// Wrap, when set, is a command line postgres is started through (its
	// last word is followed by postgres and its arguments): "taskset -c 1
	// nice -n 19" runs the server and every process it forks on CPU 1 at
	// the lowest priority.
	Wrap []string
}

// Cluster is a private PostgreSQL server: its data, unix socket and log are
// in dir, which holds the pid of the process that owns it in "owner".
type Cluster struct {
	dir  string
	port int
	cmd  *exec.Cmd
	done chan struct{} // closed once postgres has exited
}

// URL is the URL of database name on the cluster.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d&sslmode=disable",
		name, url.QueryEscape(c.dir), c.port)
}

// Dir is the cluster's directory (its data, socket and log).
func (c *Cluster) Dir() string { return c.dir }

// Pid is the postmaster's process id (or the Wrap command's, which became
// it).
func (c *Cluster) Pid() int { return c.cmd.Process.Pid }

// Start runs initdb and postgres in a new temporary directory and returns
// once the server takes connections.
func Start(ctx context.Context, o Opts) (*Cluster, error) {
	parent := o.Parent
	if parent == "" {
		parent = os.TempDir()
	}
	Sweep(parent)
	initdb, postgres, err := binaries()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("private cluster: %w", err)
	}
	c := &Cluster{dir: dir, done: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, "owner"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, fmt.Errorf("private cluster: %w", err)
	}
	cred, err := credential(dir)
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	cmd := exec.CommandContext(ctx, initdb, "-D", data, "-U", "postgres", "--auth=trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	cmd.Dir, cmd.SysProcAttr = dir, &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("private cluster: %s: %w\n%s", initdb, err, out)
	}
	if c.port, err = freePort(); err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return nil, fmt.Errorf("private cluster: %w", err)
	}
	defer log.Close()
	if cred != nil {
		if err := log.Chown(int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, fmt.Errorf("private cluster: %w", err)
		}
	}
	// Not CommandContext: the server outlives ctx, which only bounds the start.
	args := append(slices.Clone(o.Wrap), postgres, "-D", data, "-k", dir, "-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "full_page_writes=off",
		"-c", "synchronous_commit=off")
	c.cmd = exec.Command(args[0], args[1:]...)
	c.cmd.Dir, c.cmd.Stdout, c.cmd.Stderr = dir, log, log
	c.cmd.SysProcAttr = withDeathSignal(&syscall.SysProcAttr{Credential: cred})
	started := make(chan error, 1)
	go func() {
		// The parent-death signal fires when the thread that started the
		// child ends, not the process: hold this thread until postgres exits.
		runtime.LockOSThread()
		if err := c.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		c.cmd.Wait()
		close(c.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("private cluster: %s: %w", postgres, err)
	}
	if err := c.waitReady(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	ok = true
	return c, nil
}

// waitReady polls until the server answers: PostgreSQL has no readiness
// notification a child could wait on (pg_ctl polls as well).
func (c *Cluster) waitReady(ctx context.Context) error {
	for {
		try, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(try, c.URL("postgres"))
		cancel()
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-c.done:
			return fmt.Errorf("private cluster: postgres exited: %v\n%s", c.cmd.ProcessState, c.log())
		case <-ctx.Done():
			return fmt.Errorf("private cluster: not ready: %w (last: %v)\n%s", ctx.Err(), err, c.log())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (c *Cluster) log() []byte {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return b
}

// Stop shuts postgres down (fast shutdown, then SIGKILL after 30 s) and
// removes its directory.
func (c *Cluster) Stop() error {
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.done:
		case <-time.After(30 * time.Second):
			c.cmd.Process.Kill()
			<-c.done
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("private cluster: %w", err)
	}
	return nil
}

// binaries finds initdb, in PATH or the newest /usr/lib/postgresql/*/bin,
// and the postgres of the same installation.
func binaries() (initdb, postgres string, err error) {
	initdb, err = exec.LookPath("initdb")
	if err != nil {
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
				initdb = filepath.Join(d, "initdb")
				break
			}
		}
		if initdb == "" {
			return "", "", errors.New("no PostgreSQL server: initdb is neither in PATH nor in /usr/lib/postgresql/*/bin (make test-deps installs it)")
		}
	}
	real, err := filepath.EvalSymlinks(initdb)
	if err != nil {
		return "", "", fmt.Errorf("private cluster: %w", err)
	}
	postgres = filepath.Join(filepath.Dir(real), "postgres")
	if _, err := os.Stat(postgres); err != nil {
		if postgres, err = exec.LookPath("postgres"); err != nil {
			return "", "", fmt.Errorf("private cluster: no postgres beside %s nor in PATH", real)
		}
	}
	return initdb, postgres, nil
}

// version is the major version of a /usr/lib/postgresql/N/bin directory.
func version(dir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
	return v
}

// credential is nil, or under root (which PostgreSQL refuses) the user
// nobody, given dir.
func credential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("private cluster: running as root, and no user nobody to run PostgreSQL as: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("private cluster: user nobody: %w", err)
	}
	if err := os.Chown(dir, int(uid), int(gid)); err != nil {
		return nil, fmt.Errorf("private cluster: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("private cluster: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Sweep removes the directories of private clusters in parent whose owner
// is gone (its postgres died with it): those of processes that ended
// without Stop. A directory without an owner yet is left for a minute.
// Start sweeps its parent first.
func Sweep(parent string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, dirPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner"))
		if err != nil {
			if fi, err := os.Stat(d); err == nil && time.Since(fi.ModTime()) > time.Minute {
				os.RemoveAll(d)
			}
			continue
		}
		pid, err := strconv.Atoi(string(bytes.TrimSpace(b)))
		if err != nil || pid <= 0 {
			continue
		}
		if !Alive(pid) && !running(filepath.Join(d, "data")) {
			os.RemoveAll(d)
		}
	}
}

// running reports whether the postmaster recorded in data's postmaster.pid
// is still alive (shutting down after its owner died).
func running(data string) bool {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return false
	}
	return Alive(pid)
}

// Alive reports whether process pid exists.
func Alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
