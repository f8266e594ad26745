package notifytest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// SMSMessage is a message the fake gateway accepted.
type SMSMessage struct {
	Phone, Content, Brandname, RequestID, SMSID string
}

// SMS is a fake SMS brandname gateway answering like eSMS.vn's
// SendMultipleMessage_V4_post_json: a JSON body with ApiKey, SecretKey,
// Phone (0xxxxxxxxx), Content, Brandname, SmsType, RequestId; the answer
// {"CodeResult": "100", "SMSID": ...}, 124 for a RequestId seen before, 99
// for a refused number, 101 for wrong keys, 103 for no balance, HTTP 429
// when rate limited.
type SMS struct {
	URL               string
	APIKey, SecretKey string

	srv *httptest.Server

	arrived chan SMSMessage

	mu       sync.Mutex
	by       map[string]Behaviour // by phone as sent (0xxxxxxxxx)
	seen     map[string]bool      // request ids
	accepted []SMSMessage
	requests int
	byID     map[string]int // requests per RequestId
}

// NewSMS starts the fake gateway; it stops with the test.
func NewSMS(t testing.TB) *SMS {
	s := &SMS{APIKey: "fake-api-key", SecretKey: "fake-secret", by: map[string]Behaviour{}, seen: map[string]bool{}, byID: map[string]int{},
		arrived: make(chan SMSMessage, 1024)}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	s.URL = s.srv.URL + "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
	return s
}

// Set makes the gateway answer messages to phone (as sent) with b.
func (s *SMS) Set(phone string, b Behaviour) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.by[phone] = b
}

// Accepted returns the messages accepted so far.
func (s *SMS) Accepted() []SMSMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMSMessage(nil), s.accepted...)
}

// Arrived delivers each accepted message (the last 1024 unread).
func (s *SMS) Arrived() <-chan SMSMessage { return s.arrived }

// RequestsFor is how many requests arrived with the RequestId id.
func (s *SMS) RequestsFor(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id]
}

// Requests is how many requests arrived.
func (s *SMS) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *SMS) serve(w http.ResponseWriter, r *http.Request) {
	var in map[string]string
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&in) != nil {
		writeJSON(w, map[string]any{"CodeResult": "118", "ErrorMessage": "Unsupported message type"})
		return
	}
	s.mu.Lock()
	s.requests++
	s.byID[in["RequestId"]]++
	b := s.by[in["Phone"]]
	s.mu.Unlock()
	switch {
	case in["ApiKey"] != s.APIKey || in["SecretKey"] != s.SecretKey:
		writeJSON(w, map[string]any{"CodeResult": "101", "ErrorMessage": "Sai thông tin ApiKey hoặc SecretKey"})
		return
	case b == BadPhone:
		writeJSON(w, map[string]any{"CodeResult": "99", "ErrorMessage": "Số điện thoại bị chặn hoặc không hợp lệ"})
		return
	case b == OutOfQuota:
		writeJSON(w, map[string]any{"CodeResult": "103", "ErrorMessage": "Không đủ số dư để gửi tin"})
		return
	case b == RateLimited:
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	case b == Timeout:
		<-r.Context().Done()
		return
	}
	m, dup := s.accept(in)
	switch {
	case dup:
		writeJSON(w, map[string]any{"CodeResult": "124", "ErrorMessage": "Trùng RequestId"})
	case b == Hold:
		<-r.Context().Done()
	default:
		writeJSON(w, map[string]any{"CodeResult": "100", "CountRegenerate": 0, "SMSID": m.SMSID})
	}
}

// accept takes the message unless its RequestId was seen (dup).
func (s *SMS) accept(in map[string]string) (m SMSMessage, dup bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := in["RequestId"]; id != "" && s.seen[id] {
		return m, true
	}
	s.seen[in["RequestId"]] = true
	m = SMSMessage{Phone: in["Phone"], Content: in["Content"], Brandname: in["Brandname"], RequestID: in["RequestId"], SMSID: randomHex(8)}
	s.accepted = append(s.accepted, m)
	select {
	case s.arrived <- m:
	default: // nobody reads Arrived, and its buffer is full
	}
	return m, false
}
