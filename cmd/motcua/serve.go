package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/connlimit"
)

// serve runs the service until ctx ends.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file (YAML), e.g. configs/demo.yaml")
	addr := fs.String("addr", "", "listen address HOST:PORT, overrides the config's listen")
	data := fs.String("data", "", "data directory (database, print previews), overrides the config's data_dir")
	batch := fs.Int("commit-batch", 0, "most changes per database commit (benchmarks: 1 commits each alone); default 256")
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
	svc, err := openService(ctx, cfg, serviceOpts{log: log, commitBatch: *batch})
	if err != nil {
		return err
	}
	defer svc.close()
	// One core at most compares passwords: a login flood leaves the rest.
	hs := httpServer(hashGate(svc.handler, runtime.GOMAXPROCS(0)-1, 2*time.Second), cfg.Limits)
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

// writableDir makes dir if needed and proves it can be written.
func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
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

// secret is the config's value or, when it sets none, a random one made once
// and kept in the data directory (file name), so it survives restarts.
func secret(configured, dataDir, name string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	path := filepath.Join(dataDir, name)
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("serve: %s: %w", name, err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("serve: %s: %w", name, err)
	}
	return b, nil
}
