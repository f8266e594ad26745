package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sys/unix"

	"motcua/internal/pgcluster"
)

func TestMain(m *testing.M) { Main(m) }

func connect(t *testing.T, u string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatalf("connect %s: %v", u, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func exists(t *testing.T, admin, name string) bool {
	t.Helper()
	var n int
	if err := connect(t, admin).QueryRow(context.Background(),
		`SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func dbName(t *testing.T, conn *pgx.Conn) string {
	t.Helper()
	var name string
	if err := conn.QueryRow(context.Background(), `SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// Each URL is its own empty database, gone once its test ends, even with a
// connection still open.
func TestURLGivesEachTestItsOwnDatabase(t *testing.T) {
	ctx := context.Background()
	var names []string
	for i := range 2 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			conn := connect(t, URL(t))
			name := dbName(t, conn)
			if !strings.HasPrefix(name, "motcua_t_") {
				t.Fatalf("database %q", name)
			}
			var tables int
			if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables); err != nil {
				t.Fatal(err)
			}
			if tables != 0 {
				t.Fatalf("a new database has %d tables", tables)
			}
			if _, err := conn.Exec(ctx, `CREATE TABLE left_behind (x int)`); err != nil {
				t.Fatal(err)
			}
			// Opened after URL, so still open when the database is dropped.
			leak, err := pgx.Connect(ctx, conn.Config().ConnString())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { leak.Close(ctx) })
			names = append(names, name)
		})
	}
	if len(names) != 2 || names[0] == names[1] {
		t.Fatalf("databases %v, want two different ones", names)
	}
	admin, err := server()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if exists(t, admin, n) {
			t.Errorf("database %s is still there after its test", n)
		}
	}
}

// TestDiesWithBinaryHelper is the test binary TestPrivateClusterDiesWithBinary
// runs and kills: it takes a database on a private cluster, prints its
// postmaster's pid and directory, and waits to be killed.
func TestDiesWithBinaryHelper(t *testing.T) {
	if os.Getenv("MOTCUA_PGTEST_HELPER") != "1" {
		t.Skip("run by TestPrivateClusterDiesWithBinary")
	}
	connect(t, URL(t))
	shared.mu.Lock()
	c := shared.private
	shared.mu.Unlock()
	if c == nil {
		t.Fatal("MOTCUA_PG_PRIVATE=1 did not start a private cluster")
	}
	fmt.Printf("postmaster %d %s\n", c.Pid(), c.Dir())
	select {} // until killed
}

// Killed with SIGKILL (no Main, no cleanup), a test binary takes its private
// cluster with it; the next cluster removes the directory left behind.
func TestPrivateClusterDiesWithBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDiesWithBinaryHelper$", "-test.v")
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "MOTCUA_PG_URL=") {
			env = append(env, e)
		}
	}
	cmd.Env = append(env, "MOTCUA_PGTEST_HELPER=1", "MOTCUA_PG_PRIVATE=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	var pid int
	var dir string
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if _, err := fmt.Sscanf(lines.Text(), "postmaster %d %s", &pid, &dir); err == nil {
			break
		}
	}
	if pid == 0 {
		cmd.Process.Kill()
		t.Fatal("the helper binary printed no postmaster")
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("pidfd of postmaster %d: %v", pid, err)
	}
	defer unix.Close(fd)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// The pidfd turns readable when the postmaster exits; the deadline only
	// ends a failing test.
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	deadline := time.Now().Add(time.Minute)
	for {
		n, err := unix.Poll(fds, int(time.Until(deadline).Milliseconds()))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatalf("postmaster %d still runs a minute after its test binary was killed", pid)
		}
		break
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the killed binary's directory: %v, want it left for the sweep", err)
	}
	cmd.Wait()
	pgcluster.Sweep(os.TempDir())
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s after the sweep: %v, want it removed", dir, err)
	}
}

// A MOTCUA_PG_URL that does not answer is an error, not a reason to use
// another server; a URL that is not postgres:// cannot name databases.
func TestChooseHonoursMOTCUA_PG_URL(t *testing.T) {
	t.Setenv("MOTCUA_PG_PRIVATE", "")
	t.Setenv("MOTCUA_PG_URL", "postgres://postgres@127.0.0.1:1/postgres?connect_timeout=2")
	if u, c, err := choose(); err == nil || c != nil {
		t.Fatalf("choose with a dead MOTCUA_PG_URL: %q, %v, %v; want an error", u, c, err)
	}
	if _, err := withDatabase("host=/tmp dbname=postgres", "x"); err == nil {
		t.Fatal("a key=value string was taken as a URL")
	}
	got, err := withDatabase("postgres://postgres@/postgres?host=%2Ftmp%2Fd&port=5", "motcua_t_1")
	if err != nil || got != "postgres://postgres@/motcua_t_1?host=%2Ftmp%2Fd&port=5" {
		t.Fatalf("withDatabase: %q, %v", got, err)
	}
}
