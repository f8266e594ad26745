package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/internal/pgcluster"
)

// DefaultURL is the server tried when $MOTCUA_PG_URL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres"

// shared is the server of the test binary, chosen by the first URL.
var shared struct {
	mu      sync.Mutex
	chosen  bool
	admin   string // URL of a database to create the others from
	err     error
	private *pgcluster.Cluster
}

// URL returns the URL of a new, empty database for t, dropped when t ends.
// It fails t when no server can be reached or started.
func URL(t testing.TB) string {
	t.Helper()
	admin, err := server()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	name := "motcua_t_" + hex.EncodeToString(b)
	if err := run(admin, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := run(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	u, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

// Main runs the tests, stops the private cluster if one was started and
// exits: call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// server returns the admin URL of the binary's server, choosing it on the
// first call.
func server() (string, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.chosen {
		shared.chosen = true
		shared.admin, shared.private, shared.err = choose()
	}
	return shared.admin, shared.err
}

func choose() (string, *pgcluster.Cluster, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if os.Getenv("MOTCUA_PG_PRIVATE") != "1" {
		if u := os.Getenv("MOTCUA_PG_URL"); u != "" {
			if err := ping(ctx, u); err != nil {
				return "", nil, fmt.Errorf("MOTCUA_PG_URL: %w", err)
			}
			return u, nil, nil
		}
		if ping(ctx, DefaultURL) == nil {
			return DefaultURL, nil, nil
		}
	}
	c, err := pgcluster.Start(ctx, pgcluster.Opts{})
	if err != nil {
		return "", nil, err
	}
	return c.URL("postgres"), c, nil
}

// shutdown stops the private cluster, if any; URL fails after it.
func shutdown() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	c := shared.private
	shared.chosen, shared.private, shared.err = true, nil, fmt.Errorf("the test binary's server was stopped")
	if c == nil {
		return nil
	}
	return c.Stop()
}

func ping(ctx context.Context, u string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// run executes one statement on the admin database.
func run(admin, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// withDatabase is admin with its database replaced by name.
func withDatabase(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("%q is not a postgres:// URL", admin)
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String(), nil
}
