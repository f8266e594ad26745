package connlimit

import (
	"net"
)

// Listener accepts connections within its Limiter's caps. A connection over
// a cap is accepted and closed at once with a reset, so it costs no file
// descriptor beyond that moment and the listen queue keeps moving; the
// connections within the caps give their slot back when closed.
type Listener struct {
	net.Listener
	lim *Limiter
}

// Listen applies the caps of lim to what ln accepts.
func Listen(ln net.Listener, lim *Limiter) *Listener {
	return &Listener{Listener: ln, lim: lim}
}

// Limiter is the listener's Limiter, for its Stats.
func (l *Listener) Limiter() *Limiter { return l.lim }

// Accept returns the next connection within the caps.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		release, ok := l.lim.Acquire(Key(c.RemoteAddr().String()))
		if !ok {
			if tc, isTCP := c.(*net.TCPConn); isTCP {
				_ = tc.SetLinger(0) // reset: no TIME_WAIT kept for a refused peer
			}
			c.Close()
			continue
		}
		return &conn{Conn: c, release: release}, nil
	}
}

// conn gives its slot back when closed.
type conn struct {
	net.Conn
	release func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.release()
	return err
}
