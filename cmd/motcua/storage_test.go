package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/cmd/motcua/internal/config"
)

func demoConfig(t *testing.T, dir string) *config.Config {
	t.Helper()
	cfg, err := config.Load(demo)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = dir
	cfg.Listen = "127.0.0.1:0"
	return cfg
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// A data directory that held a database and lost it stops the start with
// one line naming the file; a fresh one starts.
func TestServiceRefusesALostDatabase(t *testing.T) {
	ctx := context.Background()
	fresh := t.TempDir()
	svc, err := openService(ctx, demoConfig(t, fresh), serviceOpts{log: quiet})
	if err != nil {
		t.Fatalf("fresh directory: %v", err)
	}
	svc.close()

	// The keys of an earlier start and an emptied database (no marker: an
	// install from before the marker).
	used := t.TempDir()
	for _, f := range []string{"session.key", "receipt.key"} {
		os.WriteFile(filepath.Join(used, f), []byte(strings.Repeat("k", 32)), 0o600)
	}
	os.WriteFile(filepath.Join(used, "motcua.db"), nil, 0o600)
	for _, dir := range []string{used, fresh} {
		if dir == fresh {
			os.Truncate(filepath.Join(fresh, "motcua.db"), 0)
		}
		_, err := openService(ctx, demoConfig(t, dir), serviceOpts{log: quiet})
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "motcua.db")) ||
			!strings.Contains(err.Error(), "backup") || strings.Contains(err.Error(), "\n") {
			t.Fatalf("%s: %v, want one line naming motcua.db and the backup", dir, err)
		}
		if st, _ := os.Stat(filepath.Join(dir, "motcua.db")); st.Size() != 0 {
			t.Fatal("the refused start wrote into the database")
		}
	}
	svc, err = openService(ctx, demoConfig(t, used), serviceOpts{log: quiet, resetDB: true})
	if err != nil {
		t.Fatalf("--reset-database: %v", err)
	}
	svc.close()
}
