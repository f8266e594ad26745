package config

import (
	"net"
	"time"
)

// TLS makes the service answer HTTPS (docs/operations.md, "HTTPS").
type TLS struct {
	// CertFile is the server certificate in PEM, followed by any
	// intermediates; KeyFile its private key. Both or neither; relative to
	// the working directory (motcua cert makes them).
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// RedirectFrom is an optional second address (HOST:PORT, e.g.
	// 0.0.0.0:80) that answers plain HTTP with a redirect to HTTPS.
	RedirectFrom string `yaml:"redirect_from"`
}

// Enabled reports whether the service answers HTTPS.
func (t TLS) Enabled() bool { return t.CertFile != "" }

// Limits bound what clients may hold and how slowly they may talk
// (docs/security.md, "Connections"). Zero: the default.
type Limits struct {
	// MaxConns is the most TCP connections held at once (default 4096,
	// lowered to what the file descriptor limit allows); MaxConnsPerAddr
	// what one address may hold (default 256).
	MaxConns        int `yaml:"max_conns"`
	MaxConnsPerAddr int `yaml:"max_conns_per_addr"`
	// MaxSockets and MaxSocketsPerAddr cap the screens' websockets
	// (/ws/display: lobby screens and phones following a ticket), default
	// 1024 (at most half of MaxConns) and 32.
	MaxSockets        int `yaml:"max_sockets"`
	MaxSocketsPerAddr int `yaml:"max_sockets_per_addr"`
	// ReadHeaderTimeout bounds the wait for a request's headers (default
	// 5 s), ReadTimeout headers and body together (default 60 s: a
	// body trickled slower is cut off), WriteTimeout the response (default
	// 60 s), IdleTimeout a keep-alive connection between requests
	// (default 60 s). Websockets are not bound by them once open.
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	ReadTimeout       time.Duration `yaml:"read_timeout"`
	WriteTimeout      time.Duration `yaml:"write_timeout"`
	IdleTimeout       time.Duration `yaml:"idle_timeout"`
}

// Defaults of Limits.
const (
	DefaultMaxConns          = 4096
	DefaultMaxConnsPerAddr   = 256
	DefaultMaxSockets        = 1024
	DefaultMaxSocketsPerAddr = 32
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
)

// checkNet checks tls and limits and fills in the defaults of limits.
func (c *Config) checkNet() []*Error {
	var errs []*Error
	t := c.TLS
	switch {
	case t.CertFile != "" && t.KeyFile == "":
		errs = append(errs, c.fail("tls.key_file", "tls.cert_file needs its key_file (motcua cert makes both)"))
	case t.CertFile == "" && t.KeyFile != "":
		errs = append(errs, c.fail("tls.cert_file", "tls.key_file needs its cert_file (motcua cert makes both)"))
	case t.RedirectFrom != "" && !t.Enabled():
		errs = append(errs, c.fail("tls.redirect_from", "redirects to HTTPS need tls.cert_file and tls.key_file"))
	}
	if t.RedirectFrom != "" {
		if _, _, err := net.SplitHostPort(t.RedirectFrom); err != nil {
			errs = append(errs, c.fail("tls.redirect_from", "must be HOST:PORT such as 0.0.0.0:80"))
		}
	}
	l := &c.Limits
	for _, v := range []struct {
		key string
		n   *int
		def int
	}{
		{"limits.max_conns", &l.MaxConns, DefaultMaxConns},
		{"limits.max_conns_per_addr", &l.MaxConnsPerAddr, DefaultMaxConnsPerAddr},
		{"limits.max_sockets", &l.MaxSockets, DefaultMaxSockets},
		{"limits.max_sockets_per_addr", &l.MaxSocketsPerAddr, DefaultMaxSocketsPerAddr},
	} {
		switch {
		case *v.n < 0:
			errs = append(errs, c.fail(v.key, "must be positive (0: the default %d)", v.def))
		case *v.n == 0:
			*v.n = v.def
		}
	}
	for _, v := range []struct {
		key string
		d   *time.Duration
		def time.Duration
	}{
		{"limits.read_header_timeout", &l.ReadHeaderTimeout, DefaultReadHeaderTimeout},
		{"limits.read_timeout", &l.ReadTimeout, DefaultReadTimeout},
		{"limits.write_timeout", &l.WriteTimeout, DefaultWriteTimeout},
		{"limits.idle_timeout", &l.IdleTimeout, DefaultIdleTimeout},
	} {
		switch {
		case *v.d < 0:
			errs = append(errs, c.fail(v.key, "must be positive (0: the default %s)", v.def))
		case *v.d == 0:
			*v.d = v.def
		}
	}
	return errs
}
