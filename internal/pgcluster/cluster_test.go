package pgcluster

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

func connect(t *testing.T, u string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatalf("connect %s: %v", u, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func dbName(t *testing.T, conn *pgx.Conn) string {
	t.Helper()
	var name string
	if err := conn.QueryRow(context.Background(), `SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// The private cluster starts (under root, as nobody), takes databases and
// stops, leaving neither a process nor its directory.
func TestPrivateCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	ctx := context.Background()
	c, err := Start(ctx, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			c.Stop()
		}
	})
	conn := connect(t, c.URL("postgres"))
	if _, err := conn.Exec(ctx, `CREATE DATABASE motcua_t_private`); err != nil {
		t.Fatal(err)
	}
	other := connect(t, c.URL("motcua_t_private"))
	if name := dbName(t, other); name != "motcua_t_private" {
		t.Fatalf("connected to %q", name)
	}
	if os.Geteuid() == 0 {
		var data string
		if err := other.QueryRow(ctx, `SELECT current_setting('data_directory')`).Scan(&data); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(data)
		if err != nil {
			t.Fatal(err)
		}
		if uid := fi.Sys().(*syscall.Stat_t).Uid; uid == 0 {
			t.Errorf("under root the data directory belongs to uid 0: postgres runs as root?")
		}
	}
	pid := c.cmd.Process.Pid
	other.Close(ctx)
	conn.Close(ctx)
	stopped = true
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if Alive(pid) {
		t.Errorf("postgres %d still runs after stop", pid)
	}
	if _, err := os.Stat(c.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s after stop: %v, want it gone", c.dir, err)
	}
}

// A server started through Wrap runs under it: "nice -n 19" gives the
// postmaster and the processes it forks the lowest priority.
func TestWrapRunsTheServerUnderTheCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	ctx := context.Background()
	c, err := Start(ctx, Opts{Wrap: []string{"nice", "-n", "19"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	conn := connect(t, c.URL("postgres"))
	var backend int
	if err := conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		t.Fatal(err)
	}
	for name, pid := range map[string]int{"postmaster": c.Pid(), "backend": backend} {
		if n := niceOf(t, pid); n != 19 {
			t.Errorf("%s %d runs at nice %d, want 19", name, pid, n)
		}
	}
}

// niceOf reads process pid's nice value, the 19th field of /proc/PID/stat.
func niceOf(t *testing.T, pid int) int {
	t.Helper()
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(raw), ") ")
	f := strings.Fields(rest)
	n, err := strconv.Atoi(f[16])
	if err != nil {
		t.Fatal(err)
	}
	return n
}
