package notifytest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Behaviour is how a fake provider answers a message to one phone number.
type Behaviour string

// Behaviours.
const (
	Accept      Behaviour = ""             // accepted
	BadPhone    Behaviour = "bad_phone"    // ZNS -108; the gateway's bad-number code
	NoZalo      Behaviour = "no_zalo"      // ZNS -118 Zalo account not existed
	NoTemplate  Behaviour = "no_template"  // ZNS -117: the OA may not use the template
	OutOfQuota  Behaviour = "out_of_quota" // ZNS -115; the gateway's no-balance code
	RateLimited Behaviour = "rate_limited" // HTTP 429 with Retry-After
	Timeout     Behaviour = "timeout"      // no answer until the client gives up
	// Hold: the message is accepted, then no answer comes until the
	// client gives up or goes away: the provider holds a request it
	// already took, as when the sender is killed mid-send.
	Hold Behaviour = "hold"
)

// ZNSMessage is a message the fake accepted.
type ZNSMessage struct {
	Phone        string            `json:"phone"`
	TemplateID   string            `json:"template_id"`
	TemplateData map[string]string `json:"template_data"`
	TrackingID   string            `json:"tracking_id"`
	Mode         string            `json:"mode"`
	MsgID        string            `json:"-"`
}

// ZNS is a fake of Zalo's ZNS send endpoint and OA token endpoint, on one
// httptest server: SendURL and TokenURL are its two addresses.
type ZNS struct {
	SendURL, TokenURL string
	AppID, SecretKey  string

	srv *httptest.Server

	mu       sync.Mutex
	access   string // the valid access token
	refresh  string // the valid refresh token
	spent    map[string]bool
	renewals int
	by       map[string]Behaviour
	accepted []ZNSMessage
	requests int
}

// NewZNS starts a fake ZNS whose first refresh token is refresh; it has no
// valid access token until one is renewed. It stops with the test.
func NewZNS(t testing.TB, refresh string) *ZNS {
	z := &ZNS{AppID: "4318822113592334560", SecretKey: "fake-secret", refresh: refresh,
		spent: map[string]bool{}, by: map[string]Behaviour{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /message/template", z.send)
	mux.HandleFunc("POST /v4/oa/access_token", z.token)
	z.srv = httptest.NewServer(mux)
	t.Cleanup(z.srv.Close)
	z.SendURL, z.TokenURL = z.srv.URL+"/message/template", z.srv.URL+"/v4/oa/access_token"
	return z
}

// Set makes the fake answer messages to phone with b.
func (z *ZNS) Set(phone string, b Behaviour) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.by[phone] = b
}

// Expire invalidates the current access token (Zalo ends tokens early,
// e.g. when another client renewed).
func (z *ZNS) Expire() {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.access = ""
}

// Accepted returns the messages accepted so far.
func (z *ZNS) Accepted() []ZNSMessage {
	z.mu.Lock()
	defer z.mu.Unlock()
	return append([]ZNSMessage(nil), z.accepted...)
}

// Renewals is how many token renewals succeeded.
func (z *ZNS) Renewals() int {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.renewals
}

// Requests is how many send requests arrived.
func (z *ZNS) Requests() int {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.requests
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (z *ZNS) send(w http.ResponseWriter, r *http.Request) {
	var m ZNSMessage
	err := json.NewDecoder(r.Body).Decode(&m)
	z.mu.Lock()
	z.requests++
	valid := z.access != "" && r.Header.Get("access_token") == z.access
	b := z.by[m.Phone]
	z.mu.Unlock()
	if !valid {
		writeJSON(w, map[string]any{"error": -124, "message": "Access token is invalid"})
		return
	}
	if err != nil || m.Phone == "" || m.TemplateID == "" {
		writeJSON(w, map[string]any{"error": -112, "message": "Template data invalid"})
		return
	}
	switch b {
	case BadPhone:
		writeJSON(w, map[string]any{"error": -108, "message": "Phone number invalid"})
		return
	case NoZalo:
		writeJSON(w, map[string]any{"error": -118, "message": "Zalo account not existed"})
		return
	case NoTemplate:
		writeJSON(w, map[string]any{"error": -117, "message": "OA or App does not have permission to access this template"})
		return
	case OutOfQuota:
		writeJSON(w, map[string]any{"error": -115, "message": "Out of quota"})
		return
	case RateLimited:
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	case Timeout:
		<-r.Context().Done()
		return
	}
	z.mu.Lock()
	m.MsgID = randomHex(16)
	z.accepted = append(z.accepted, m)
	z.mu.Unlock()
	if b == Hold {
		<-r.Context().Done()
		return
	}
	writeJSON(w, map[string]any{"error": 0, "message": "Success", "data": map[string]any{
		"msg_id": m.MsgID, "sent_time": strconv.FormatInt(time.Now().UnixMilli(), 10), "sending_mode": "1",
		"quota": map[string]string{"dailyQuota": "500", "remainingQuota": "499"}}})
}

func (z *ZNS) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	rt := r.PostForm.Get("refresh_token")
	switch {
	case r.Header.Get("secret_key") != z.SecretKey || r.PostForm.Get("app_id") != z.AppID:
		writeJSON(w, map[string]any{"error": -14003, "error_name": "Invalid app", "error_description": "app_id or secret_key is wrong"})
		return
	case r.PostForm.Get("grant_type") != "refresh_token" || rt == "" || rt != z.refresh || z.spent[rt]:
		writeJSON(w, map[string]any{"error": -14014, "error_name": "Invalid refresh token", "error_description": "refresh_token is invalid or spent"})
		return
	}
	z.spent[rt] = true
	z.access, z.refresh = "at-"+randomHex(12), "rt-"+randomHex(12)
	z.renewals++
	writeJSON(w, map[string]any{"access_token": z.access, "refresh_token": z.refresh, "expires_in": fmt.Sprint(25 * 3600)})
}
