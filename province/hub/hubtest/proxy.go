package hubtest

import (
	"net"
	"sync"
	"testing"
)

// Proxy forwards TCP connections to a target and can cut them: a center's
// link that breaks while the hub and the center both stay up.
type Proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	cut     bool
	stalled bool
	closed  bool
	flowing *sync.Cond // on mu: stalled cleared
	conns   []net.Conn
	wg      sync.WaitGroup
}

// NewProxy listens on a free loopback port; closed at the end of t.
func NewProxy(t testing.TB, target string) *Proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, target: target}
	p.flowing = sync.NewCond(&p.mu)
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Addr is where to dial instead of the target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// URL is Addr as a NATS URL.
func (p *Proxy) URL() string { return "nats://" + p.Addr() }

// Cut closes every connection and refuses new ones until Mend.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// Stall holds every byte in both directions while the connections stay
// open, until Mend: a link that looks up but carries nothing (a hub that
// hangs, a network that drops packets), which the client notices only by
// its timeouts.
func (p *Proxy) Stall() {
	p.mu.Lock()
	p.stalled = true
	p.mu.Unlock()
}

// Mend lets connections through again, and what a stall held.
func (p *Proxy) Mend() {
	p.mu.Lock()
	p.cut, p.stalled = false, false
	p.flowing.Broadcast()
	p.mu.Unlock()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

func (p *Proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.stalled && !p.closed {
				p.flowing.Wait()
			}
			closed := p.closed
			p.mu.Unlock()
			if closed {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *Proxy) close() {
	p.ln.Close()
	p.mu.Lock()
	p.closed = true
	p.flowing.Broadcast()
	p.mu.Unlock()
	p.Cut()
	p.wg.Wait()
}
