package notifytest

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
)

// Mail is a message the fake SMTP server accepted.
type Mail struct {
	From, To string
	Data     string // headers and body as received
	User     string // who authenticated, if anyone did
}

// SMTP is a fake SMTP server on the loopback: EHLO, AUTH PLAIN, MAIL,
// RCPT, DATA, RSET, QUIT; it refuses the recipients told to Reject with
// "550 5.1.1 mailbox unavailable".
type SMTP struct {
	Addr string

	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	reject map[string]bool
	mails  []Mail
}

// NewSMTP starts the fake server; it stops with the test.
func NewSMTP(t testing.TB) *SMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTP{Addr: ln.Addr().String(), ln: ln, reject: map[string]bool{}}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.serve(c) })
		}
	})
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// Reject makes the server refuse mail to addr.
func (s *SMTP) Reject(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject[strings.ToLower(addr)] = true
}

// Mails returns the mails accepted so far.
func (s *SMTP) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

func (s *SMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 fake ESMTP")
	var m Mail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		arg := strings.TrimSpace(strings.TrimPrefix(line, strings.SplitN(line, " ", 2)[0]))
		switch verb {
		case "EHLO", "HELO":
			say("250-fake")
			say("250 AUTH PLAIN")
		case "AUTH":
			m.User = "authenticated"
			say("235 2.7.0 Authentication successful")
		case "MAIL":
			m.From = strings.Trim(strings.TrimPrefix(arg, "FROM:"), "<> ")
			say("250 2.1.0 Ok")
		case "RCPT":
			to := strings.Trim(strings.TrimPrefix(arg, "TO:"), "<> ")
			s.mu.Lock()
			refused := s.reject[strings.ToLower(to)]
			s.mu.Unlock()
			if refused {
				say("550 5.1.1 <" + to + ">: mailbox unavailable")
				continue
			}
			m.To = to
			say("250 2.1.5 Ok")
		case "DATA":
			say("354 End data with <CR><LF>.<CR><LF>")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.Data = b.String()
			s.mu.Lock()
			s.mails = append(s.mails, m)
			s.mu.Unlock()
			m = Mail{User: m.User}
			say("250 2.0.0 Ok: queued")
		case "RSET", "NOOP":
			say("250 2.0.0 Ok")
		case "QUIT":
			say("221 2.0.0 Bye")
			return
		default:
			say("502 5.5.2 Error: command not recognized")
		}
	}
}
