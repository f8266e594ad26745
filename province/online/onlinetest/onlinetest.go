// Package onlinetest is a Sender that records what it sends, for tests of
// the booking page and API.
package onlinetest

import (
	"context"
	"regexp"
	"sync"

	"motcua/province/online"
)

// Sender records each message; it is safe for concurrent use.
type Sender struct {
	mu   sync.Mutex
	sent []Message
	fail error
}

// Message is one text sent to one phone.
type Message struct {
	Phone, Text string
}

// Send records the message, or fails with what Fail set.
func (s *Sender) Send(_ context.Context, c online.Code) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.sent = append(s.sent, Message{Phone: c.Phone, Text: c.Text})
	return nil
}

// Fail makes every later Send fail with err (nil: succeed again).
func (s *Sender) Fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

// Sent is every message sent so far.
func (s *Sender) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.sent...)
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// LastCode is the 6-digit code of the last message sent to phone, "" when
// none was.
func (s *Sender) LastCode(phone string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.sent) - 1; i >= 0; i-- {
		if s.sent[i].Phone == phone {
			return sixDigits.FindString(s.sent[i].Text)
		}
	}
	return ""
}
