package upstreamtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua/internal/clock"
)

// Mode is how a fake answers lookups.
type Mode string

// The modes.
const (
	OK      Mode = "ok"      // answers from its dossiers
	Slow    Mode = "slow"    // answers nothing for 10 s (or until the request is cancelled)
	Garbage Mode = "garbage" // answers HTML with binary bytes
	Fail    Mode = "fail"    // answers HTTP 500
)

// Dossier is a dossier a fake knows, in the national portal's terms.
type Dossier struct {
	Code, Procedure, Applicant, Unit string
	Status                           int
	ReceivedAt, DueAt                time.Time
}

// base is what both fakes share.
type base struct {
	mu       sync.Mutex
	mode     Mode
	dossiers map[string]Dossier
	lookups  atomic.Int32
}

func (b *base) init() {
	b.mode = OK
	b.dossiers = map[string]Dossier{}
}

// SetMode changes how the fake answers lookups.
func (b *base) SetMode(m Mode) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.mode = m
}

// Add makes the fake know d.
func (b *base) Add(d Dossier) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.dossiers[d.Code] = d
}

// Lookups counts the lookup requests received.
func (b *base) Lookups() int { return int(b.lookups.Load()) }

func (b *base) state(code string) (Mode, Dossier, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.dossiers[code]
	return b.mode, d, ok
}

// misbehave answers per a mode other than OK and reports whether it did.
func misbehave(m Mode, w http.ResponseWriter, r *http.Request) bool {
	switch m {
	case Slow:
		t := time.NewTimer(10 * time.Second)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		return true
	case Garbage:
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>502 Bad Gateway</html>\x00\xff"))
		return true
	case Fail:
		http.Error(w, "internal error", http.StatusInternalServerError)
		return true
	}
	return false
}

// IGate is an iGate v2-style system: POST {realm}/protocol/openid-connect/token
// with grant_type=client_credentials, then GET /pa/dossier/{code} with the
// token, answering {"content":[…]}.
type IGate struct {
	base
	// ClientID and ClientSecret are the credentials the token endpoint takes.
	ClientID, ClientSecret string
	// TokenLife is the expires_in of the tokens issued.
	TokenLife time.Duration

	clock   clock.Clock
	tokens  map[string]time.Time // token → expiry
	issued  atomic.Int32
	refused atomic.Int32
}

// Realm is the path of the fake's Keycloak realm.
const Realm = "/auth/realms/digo"

// NewIGate returns a fake knowing no dossier whose tokens last life by clk.
func NewIGate(clientID, clientSecret string, life time.Duration, clk clock.Clock) *IGate {
	g := &IGate{ClientID: clientID, ClientSecret: clientSecret, TokenLife: life, clock: clock.Or(clk), tokens: map[string]time.Time{}}
	g.init()
	return g
}

// TokenPath and LookupPath are where the fake answers.
const (
	TokenPath  = Realm + "/protocol/openid-connect/token"
	LookupPath = "/pa/dossier/{code}"
)

// Issued counts the tokens issued; Refused the lookups refused with 401.
func (g *IGate) Issued() int  { return int(g.issued.Load()) }
func (g *IGate) Refused() int { return int(g.refused.Load()) }

// Revoke makes every token issued so far invalid (a realm's key rotated).
func (g *IGate) Revoke() {
	g.mu.Lock()
	defer g.mu.Unlock()
	clear(g.tokens)
}

// Handler serves the token endpoint and the lookup.
func (g *IGate) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+TokenPath, g.token)
	mux.HandleFunc("GET "+LookupPath, g.lookup)
	return mux
}

func (g *IGate) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "unsupported_grant_type"})
		return
	}
	if r.PostForm.Get("client_id") != g.ClientID || r.PostForm.Get("client_secret") != g.ClientSecret {
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client"})
		return
	}
	n := g.issued.Add(1)
	tok := "tok-" + strconv.Itoa(int(n))
	g.mu.Lock()
	g.tokens[tok] = g.clock.Now().Add(g.TokenLife)
	g.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int(g.TokenLife / time.Second), "scope": "profile"})
}

func (g *IGate) valid(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	g.mu.Lock()
	defer g.mu.Unlock()
	exp, known := g.tokens[tok]
	return ok && known && g.clock.Now().Before(exp)
}

func (g *IGate) lookup(w http.ResponseWriter, r *http.Request) {
	g.lookups.Add(1)
	if !g.valid(r) {
		g.refused.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_token"})
		return
	}
	mode, d, ok := g.state(r.PathValue("code"))
	if misbehave(mode, w, r) {
		return
	}
	content := []any{}
	if ok {
		content = append(content, map[string]any{
			"code": d.Code, "procedure": map[string]any{"name": d.Procedure},
			"applicant":       map[string]any{"data": map[string]any{"fullname": d.Applicant}},
			"acceptedDate":    d.ReceivedAt.Format("2006-01-02T15:04:05.000-0700"),
			"appointmentDate": d.DueAt.Format("2006-01-02T15:04:05.000-0700"),
			"dossierStatus":   map[string]any{"id": d.Status}, "agency": map[string]any{"name": d.Unit},
		})
	}
	json.NewEncoder(w).Encode(map[string]any{"content": content, "totalElements": len(content)})
}

// TraCuuHoSo is a national-portal style system: POST /login
// {username,password} → {error_code, session}; POST /lookup {session,
// madonvi, service:"TraCuuHoSo", mahoso} → {error_code, result:[…]}.
type TraCuuHoSo struct {
	base
	// Username, Password and Unit are what it accepts.
	Username, Password, Unit string
	logins                   atomic.Int32
}

// NewTraCuuHoSo returns a fake knowing no dossier.
func NewTraCuuHoSo(username, password, unit string) *TraCuuHoSo {
	f := &TraCuuHoSo{Username: username, Password: password, Unit: unit}
	f.init()
	return f
}

// Logins counts the logins.
func (f *TraCuuHoSo) Logins() int { return int(f.logins.Load()) }

// Handler serves /login and /lookup.
func (f *TraCuuHoSo) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		if in["username"] != f.Username || in["password"] != f.Password {
			json.NewEncoder(w).Encode(map[string]any{"error_code": 1})
			return
		}
		n := f.logins.Add(1)
		json.NewEncoder(w).Encode(map[string]any{"error_code": 0, "session": "s" + strconv.Itoa(int(n))})
	})
	mux.HandleFunc("POST /lookup", func(w http.ResponseWriter, r *http.Request) {
		f.lookups.Add(1)
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		mode, d, ok := f.state(in["mahoso"])
		if misbehave(mode, w, r) {
			return
		}
		if in["service"] != "TraCuuHoSo" || in["madonvi"] != f.Unit || in["session"] == "" {
			json.NewEncoder(w).Encode(map[string]any{"error_code": 2})
			return
		}
		result := []any{}
		if ok {
			result = append(result, map[string]any{"MaHoSo": d.Code, "TenTTHC": d.Procedure, "ChuHoSo": d.Applicant,
				"NgayTiepNhan": d.ReceivedAt.Format("20060102150405"), "NgayHenTra": d.DueAt.Format("20060102150405"),
				"TrangThaiHoSo": d.Status, "DonViXuLy": d.Unit})
		}
		json.NewEncoder(w).Encode(map[string]any{"error_code": 0, "result": result})
	})
	return mux
}
