package connlimit

import (
	"net"
	"testing"
	"time"
)

func TestLimiterCaps(t *testing.T) {
	tests := []struct {
		name string
		opts Opts
		keys []string // acquired in order
		want []bool
	}{
		{"per address", Opts{PerAddr: 2}, []string{"a", "a", "a", "b"}, []bool{true, true, false, true}},
		{"total", Opts{Total: 3}, []string{"a", "b", "c", "d"}, []bool{true, true, true, false}},
		{"busy address kept out of the last quarter", Opts{Total: 8, Busy: 2},
			[]string{"a", "a", "a", "a", "a", "a", "a", "b", "b", "c"},
			[]bool{true, true, true, true, true, true, false, true, true, false}},
		{"no caps", Opts{}, []string{"a", "a", "a"}, []bool{true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(tt.opts)
			refused := 0
			for i, k := range tt.keys {
				_, ok := l.Acquire(k)
				if ok != tt.want[i] {
					t.Fatalf("acquire %d (%s) = %v, want %v (stats %+v)", i, k, ok, tt.want[i], l.Stats())
				}
				if !ok {
					refused++
				}
			}
			if st := l.Stats(); st.Refused != uint64(refused) || st.Held != len(tt.keys)-refused {
				t.Fatalf("stats %+v, want %d refused", st, refused)
			}
		})
	}
}

func TestReleaseOnce(t *testing.T) {
	l := New(Opts{PerAddr: 1})
	rel, ok := l.Acquire("a")
	if !ok {
		t.Fatal("first refused")
	}
	if _, ok := l.Acquire("a"); ok {
		t.Fatal("second accepted over the cap")
	}
	rel()
	rel() // a second call must not free another slot
	if _, ok := l.Acquire("a"); !ok {
		t.Fatal("refused after release")
	}
	if _, ok := l.Acquire("a"); ok {
		t.Fatal("double release freed two slots")
	}
	if st := l.Stats(); st.Held != 1 || st.Addrs != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestListenerClosesOverCap(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := Listen(raw, New(Opts{PerAddr: 2}))
	defer ln.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		select {
		case a := <-accepted:
			held = append(held, a)
		case <-time.After(5 * time.Second):
			t.Fatal("within the cap, not accepted")
		}
	}
	// The third is closed by the server at once: its dial or its read fails.
	if c, err := net.Dial("tcp", raw.Addr().String()); err == nil {
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Fatal("over the cap: read data")
		} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("over the cap: still open after 5 s")
		}
	}
	for deadline := time.Now().Add(5 * time.Second); ln.Limiter().Stats().Refused == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("not counted as refused")
		}
	}
	if st := ln.Limiter().Stats(); st.Held != 2 || st.Refused != 1 {
		t.Fatalf("stats %+v", st)
	}
	held[0].Close()
	c, err := net.Dial("tcp", raw.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case a := <-accepted:
		a.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("a closed connection did not give its slot back")
	}
	held[1].Close()
}
