package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/database"
	"motcua/kiosk/ratings"
)

// ratings.push sends a stored rating, with its officer and dossier, through
// the configured adapter, and the store then holds it as pushed.
func TestRatingsPushWiring(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		mu.Lock()
		got = append(got, in)
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tinh-ratings-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"error_code":"0"}`))
	}))
	defer srv.Close()
	cfg, err := config.Parse([]byte(`center: {name: X, agency_code: "000.00.14.H56"}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}]
staff: [{username: canbo1, name: "Trần Văn Bình", counters: ["1"], password_hash: "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK"}]
ratings:
  push:
    request:
      url: "` + srv.URL + `/danhgia"
      body: {MaHoSo: "{code}", MucDoHaiLong: "{rating}", CanBo: "{clerk_name}", ThoiGian: "{at}", MaDonVi: "{agency}"}
    auth: {kind: bearer, token: tinh-ratings-token}
    mapping: {error_field: error_code, ok_values: ["0"]}
`))
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	store, err := ratings.Open(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 10, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	store.Link(ctx, ratings.Link{TicketID: "t1", Day: "2026-12-01", Code: "G09.20-20261201-0092637", Kind: ratings.HandedIn, At: at})
	if err := store.Record(ctx, ratings.Rating{TicketID: "t1", Day: "2026-12-01", Number: "A001", Counter: "1", Clerk: "canbo1", Value: 3, At: at}); err != nil {
		t.Fatal(err)
	}
	s := &service{cfg: cfg}
	if _, err := s.openRatings(ctx, cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	defer s.close()
	var pushed bool
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !pushed; time.Sleep(20 * time.Millisecond) {
		list, err := store.List(ctx, "2026-12-01", "2026-12-01")
		if err != nil {
			t.Fatal(err)
		}
		pushed = !list[0].PushedAt.IsZero()
	}
	if !pushed {
		t.Fatal("the rating was never acknowledged")
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]string{"MaHoSo": "G09.20-20261201-0092637", "MucDoHaiLong": "3", "CanBo": "Trần Văn Bình", "ThoiGian": "20261201103000", "MaDonVi": "000.00.14.H56"}
	if len(got) != 1 {
		t.Fatalf("sent %v", got)
	}
	for k, v := range want {
		if got[0][k] != v {
			t.Fatalf("%s = %q, want %q (%v)", k, got[0][k], v, got[0])
		}
	}
}
