package main

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/connlimit"
)

// fdReserve is what the service keeps of its file descriptors for itself:
// the database and its journal, printers, scanners, logs, print previews.
const fdReserve = 256

// fdBudget raises the soft limit on open files to the hard one and lowers
// the connection caps of l to what it then allows, keeping fdReserve. The
// screens' sockets get at most half of the connections, so plain requests
// (/healthz, the kiosk's tickets, the console) always find room. It logs
// the budget in one line.
func fdBudget(l *config.Limits, log *slog.Logger) {
	soft, hard, err := raiseNoFile()
	if err != nil {
		log.Warn("connection limits: cannot read the open files limit; keeping the configured caps", "err", err)
	} else if budget := int(min(soft, 1<<20)) - fdReserve; l.MaxConns > budget {
		if budget < 64 {
			budget = 64
		}
		log.Warn("connection limits: the open files limit is lower than limits.max_conns; lowering it (raise LimitNOFILE in the systemd unit)",
			"nofile", soft, "max_conns", budget, "configured", l.MaxConns)
		l.MaxConns = budget
	}
	if l.MaxSockets > l.MaxConns/2 {
		l.MaxSockets = l.MaxConns / 2
	}
	log.Info("connection limits", "nofile_soft", soft, "nofile_hard", hard, "max_conns", l.MaxConns,
		"max_conns_per_addr", l.MaxConnsPerAddr, "max_sockets", l.MaxSockets, "max_sockets_per_addr", l.MaxSocketsPerAddr,
		"read_header_timeout", l.ReadHeaderTimeout, "read_timeout", l.ReadTimeout)
}

// limitedListener applies the connection caps of cfg to ln and, when cfg
// has tls, serves TLS on it with the certificate, loaded now so a missing
// or mismatched file stops the start.
func limitedListener(ln net.Listener, cfg *config.Config) (net.Listener, error) {
	out := net.Listener(connlimit.Listen(ln, connlimit.New(connlimit.Opts{
		Total: cfg.Limits.MaxConns, PerAddr: cfg.Limits.MaxConnsPerAddr})))
	if !cfg.TLS.Enabled() {
		return out, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLS.CertFile, cfg.TLS.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("serve: tls: %w (make a certificate with: motcua cert --name HOST --ip IP)", err)
	}
	return tls.NewListener(out, &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		// HTTP/1.1 only: the screens' and kiosks' websockets upgrade from it.
		NextProtos: []string{"http/1.1"},
	}), nil
}

// httpServer is the server of handler with the timeouts of l.
func httpServer(handler http.Handler, l config.Limits) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
}

// redirectServer answers plain HTTP with a permanent redirect to the same
// path over HTTPS on the port of listen.
func redirectServer(listen string) *http.Server {
	_, port, _ := net.SplitHostPort(listen)
	return &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host := r.Host
			if h, _, err := net.SplitHostPort(host); err == nil {
				host = h
			}
			if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
				host = "[" + host + "]" // IPv6
			}
			if port != "443" {
				host += ":" + port
			}
			http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusMovedPermanently)
		}),
	}
}
