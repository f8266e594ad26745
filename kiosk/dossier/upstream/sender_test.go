package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/upstream/upstreamtest"
)

// ratingSystem is an iGate-style token endpoint beside an endpoint taking
// ratings, which answers with the error code it is told to.
type ratingSystem struct {
	mu     sync.Mutex
	got    []map[string]string
	tokens []string
	answer string // error_code to answer; "" answers HTTP 500
}

func newRatingSystem(t *testing.T, g *upstreamtest.IGate) (*ratingSystem, string) {
	rs := &ratingSystem{answer: "0"}
	mux := http.NewServeMux()
	mux.Handle("POST "+upstreamtest.TokenPath, g.Handler())
	mux.HandleFunc("POST /danhgia", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		rs.mu.Lock()
		defer rs.mu.Unlock()
		rs.got = append(rs.got, in)
		rs.tokens = append(rs.tokens, r.Header.Get("Authorization"))
		if rs.answer == "" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"error_code": rs.answer})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return rs, srv.URL
}

func TestSenderPostsWithTheToken(t *testing.T) {
	clk := newClock()
	g := upstreamtest.NewIGate("motcua", "secret", time.Hour, clk)
	rs, base := newRatingSystem(t, g)
	o := IGate(base+upstreamtest.TokenPath, base+"/danhgia", "motcua", "secret")
	o.Request.Body = map[string]string{"MaHoSo": "{code}", "MucDo": "{rating}", "CanBo": "{clerk}", "service": "DanhGia"}
	o.Mapping = Mapping{ErrorField: "error_code", OKValues: []string{"0"}, AuthErrorValues: []string{"401"}}
	o.Clock, o.Logger = clk, quiet()
	s, err := NewSender(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Send(ctx, map[string]string{"code": ministryCode, "rating": "3", "clerk": "canbo1"}); err != nil {
		t.Fatal(err)
	}
	if len(rs.got) != 1 || rs.got[0]["MaHoSo"] != ministryCode || rs.got[0]["MucDo"] != "3" || rs.got[0]["CanBo"] != "canbo1" ||
		rs.got[0]["service"] != "DanhGia" || rs.tokens[0] != "Bearer tok-1" {
		t.Fatalf("sent %v with %v", rs.got, rs.tokens)
	}
	rs.answer = "401" // the system says the token is no longer good: renewed, sent again
	g.Revoke()
	if err := s.Send(ctx, map[string]string{"code": ministryCode, "rating": "2"}); !errors.Is(err, dossier.ErrUnavailable) || g.Issued() != 2 {
		t.Fatalf("refused twice: %v, %d tokens", err, g.Issued())
	}
	rs.answer = "7"
	if err := s.Send(ctx, map[string]string{"code": ministryCode}); !errors.Is(err, dossier.ErrUnavailable) {
		t.Fatalf("not acknowledged: %v", err)
	}
	rs.answer = ""
	if err := s.Send(ctx, map[string]string{"code": ministryCode}); !errors.Is(err, dossier.ErrUnavailable) {
		t.Fatalf("HTTP 500: %v", err)
	}
	if _, err := NewSender(IGate("https://sso.example/token", "https://igate.example/danhgia", "id", "s")); err == nil {
		t.Fatal("a sender without a body accepted")
	}
}
