package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/connlimit"
)

// serve runs the service until ctx ends. Whatever it creates (database,
// keys, prints) is the service's alone: files 0600, directories 0700.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	unix.Umask(0o077)
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file (YAML), e.g. configs/demo.yaml")
	addr := fs.String("addr", "", "listen address HOST:PORT, overrides the config's listen")
	data := fs.String("data", "", "data directory (database, print previews), overrides the config's data_dir")
	batch := fs.Int("commit-batch", 0, "most changes per database commit (benchmarks: 1 commits each alone); default 256")
	resetDB := fs.Bool("reset-database", false, "a lost or damaged motcua.db: move it aside and start an empty one (numbers start again at 1); restore the backup instead when there is one")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *cfgPath == "" {
		return errors.New("serve: --config FILE is required (try configs/demo.yaml)")
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Listen = *addr
	}
	if *data != "" {
		cfg.DataDir = *data
	}
	// Outside demo, no published or short secret, no open listen.
	if errs := cfg.Unsafe(); len(errs) > 0 {
		return errs[0]
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	// Listen first: a port in use stops here, before anything is opened.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("serve: cannot listen on %s: %w", cfg.Listen, err)
	}
	defer ln.Close()
	// Connections are capped within the open files limit; over a cap they
	// are closed at once, so the service's own endpoints stay answerable.
	fdBudget(&cfg.Limits, log)
	served := make(chan error, 2)
	if cfg.TLS.RedirectFrom != "" {
		rln, err := net.Listen("tcp", cfg.TLS.RedirectFrom)
		if err != nil {
			return fmt.Errorf("serve: tls.redirect_from: cannot listen on %s: %w", cfg.TLS.RedirectFrom, err)
		}
		rs := redirectServer(ln.Addr().String())
		defer rs.Close()
		go func() {
			served <- rs.Serve(connlimit.Listen(rln, connlimit.New(connlimit.Opts{Total: 256, PerAddr: 16})))
		}()
	}
	lln, err := limitedListener(ln, cfg)
	if err != nil {
		return err
	}
	// With a hub section, the hub's configuration may replace the service
	// while it runs (openCenter); without one it is the file's, for good.
	svc, err := openCenter(ctx, cfg, serviceOpts{log: log, commitBatch: *batch, resetDB: *resetDB})
	if err != nil {
		return err
	}
	defer svc.close()
	hs := httpServer(svc.handler(), cfg.Limits)
	go func() { served <- hs.Serve(lln) }()
	scheme := "http"
	if cfg.TLS.Enabled() {
		scheme = "https"
	}
	log.Info("motcua serving", "center", cfg.Center.Name, "addr", ln.Addr().String(), "scheme", scheme, "data", cfg.DataDir)

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("motcua stopping: finishing requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		log.Error("shutdown", "err", err)
	}
	return nil
}

// writableDir makes dir if needed (0700: it holds the keys) and proves it
// can be written.
func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("serve: data directory %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("serve: data directory %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// fileExists tells whether path is there.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// secret is the config's value or, when it sets none, a random one made once
// and kept in the data directory (file name), so it survives restarts. A
// kept key is never replaced: one that cannot be read, or is shorter than
// 32 bytes, stops the start (a new receipt key would break the QR code of
// every receipt printed with the old one).
func secret(configured, dataDir, name string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	path := filepath.Join(dataDir, name)
	b, err := keptSecret(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("serve: %s: %w", name, err)
	}
	if err := writeFileAtomic(path, b); err != nil {
		return nil, fmt.Errorf("serve: %s: %w", name, err)
	}
	return b, nil
}

// keptSecret reads a key the data directory keeps; fs.ErrNotExist when
// there is none.
func keptSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("serve: cannot read %s (restore it from a backup, or fix its permissions): %w", path, err)
	case len(b) < 32:
		return nil, fmt.Errorf("serve: %s is %d bytes, shorter than 32: restore it from a backup (deleting it makes a new key, and receipts printed with it stop verifying)", path, len(b))
	}
	return b, nil
}

// writeFileAtomic writes data to path (0600) through a temporary file, so
// that a crash leaves the old file or the new one, never half of it.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// receiptKeys is the receipt key ring: the configured keys
// (security.receipt_secret or receipt_secrets, newest first), else the key
// kept in DATA/receipt.key, made at the first start. The first signs new
// receipts. A kept key that keys in the config replaced still verifies
// receipts printed with it, until receipt.key is deleted.
func receiptKeys(cfg *config.Config) (sign []byte, old [][]byte, err error) {
	ring := cfg.Security.ReceiptKeys()
	path := filepath.Join(cfg.DataDir, "receipt.key")
	if len(ring) == 0 {
		k, err := secret("", cfg.DataDir, "receipt.key")
		return k, nil, err
	}
	kept, err := keptSecret(path)
	switch {
	case err == nil:
		ring = append(ring, kept)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, nil, err
	}
	return ring[0], ring[1:], nil
}
