package httppipe

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// ErrDown is what a dial returns while the server is down.
var ErrDown = errors.New("httppipe: connection refused")

// Server is an HTTP server reached only through its Client.
type Server struct {
	srv       *http.Server
	transport *http.Transport
	conns     chan net.Conn
	done      chan struct{}
	once      sync.Once
	down      atomic.Bool
	served    chan struct{}
}

// New starts serving h.
func New(h http.Handler) *Server {
	s := &Server{srv: &http.Server{Handler: h}, conns: make(chan net.Conn),
		done: make(chan struct{}), served: make(chan struct{})}
	s.transport = &http.Transport{DialContext: s.dial}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(listener{s})
	}()
	return s
}

// Client returns a client whose every request, to any URL, reaches the
// server.
func (s *Server) Client() *http.Client { return &http.Client{Transport: s.transport} }

// SetDown makes new connections fail with ErrDown (true) or succeed again.
func (s *Server) SetDown(down bool) { s.down.Store(down) }

// Close stops the server, closes every connection and returns once the
// server's goroutine has ended. Safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() { close(s.done) })
	_ = s.srv.Close()
	s.transport.CloseIdleConnections()
	<-s.served
}

func (s *Server) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	if s.down.Load() {
		return nil, ErrDown
	}
	server, client := net.Pipe()
	select {
	case s.conns <- server:
		return client, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.done:
		return nil, ErrDown
	}
}

// listener hands the server the pipes that dial makes.
type listener struct{ s *Server }

func (l listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.s.conns:
		return c, nil
	case <-l.s.done:
		return nil, net.ErrClosed
	}
}

func (l listener) Close() error {
	l.s.once.Do(func() { close(l.s.done) })
	return nil
}

func (l listener) Addr() net.Addr { return addr{} }

type addr struct{}

func (addr) Network() string { return "pipe" }
func (addr) String() string  { return "httppipe" }
