package session_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/kiosk/session"
)

func open(t *testing.T, path string, clk *clocktest.Fake) *session.Store {
	t.Helper()
	db, err := database.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := session.Open(context.Background(), db, session.Opts{TTL: time.Hour, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSessionsLiveEndAndSurviveARestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	clk := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	st := open(t, path, clk)
	tok, ses, err := st.Create(ctx, "canbo1", "fp1")
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 43 || !ses.Expires.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("token %q, session %+v", tok, ses)
	}
	other, _, _ := st.Create(ctx, "canbo1", "fp1")
	admin, _, _ := st.Create(ctx, "quantri", "fpa")
	if tok == other {
		t.Fatal("two logins got the same token")
	}

	// Reopened on the same file (a restart): still logged in.
	st = open(t, path, clk)
	if got, err := st.Check(ctx, tok); err != nil || got.User != "canbo1" || got.Fingerprint != "fp1" {
		t.Fatalf("after a restart: %+v %v", got, err)
	}
	for _, bad := range []string{"", tok[:42], tok + "x", strings.ToUpper(tok)} {
		if _, err := st.Check(ctx, bad); !errors.Is(err, session.ErrNoSession) {
			t.Errorf("token %q: %v", bad, err)
		}
	}

	if err := st.End(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Check(ctx, tok); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("after logout: %v", err)
	}
	if _, err := st.Check(ctx, other); err != nil {
		t.Fatalf("the user's other session ended with the first: %v", err)
	}
	if n, err := st.EndUser(ctx, "canbo1"); err != nil || n != 1 {
		t.Fatalf("end user: %d %v", n, err)
	}
	if _, err := st.Check(ctx, other); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("after ending the user's sessions: %v", err)
	}
	if _, err := st.Check(ctx, admin); err != nil {
		t.Fatalf("another user's session ended: %v", err)
	}
	if n, err := st.EndAll(ctx); err != nil || n != 1 {
		t.Fatalf("end all: %d %v", n, err)
	}
	if _, err := st.Check(ctx, admin); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("after ending all: %v", err)
	}
}

func TestSessionsExpireAFixedTimeAfterLogin(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	st := open(t, filepath.Join(t.TempDir(), "m.db"), clk)
	tok, _, _ := st.Create(ctx, "canbo1", "fp")
	clk.Advance(59 * time.Minute)
	if _, err := st.Check(ctx, tok); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	clk.Advance(time.Minute)
	if _, err := st.Check(ctx, tok); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("at expiry: %v", err)
	}
}

func TestTokensAreStoredHashed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	clk := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	st := open(t, path, clk)
	tok, _, _ := st.Create(ctx, "canbo1", "fp")
	db, err := database.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored string
	if err := db.QueryRow(`SELECT token_hash FROM staff_sessions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, tok) || len(stored) != 64 {
		t.Fatalf("stored %q for token %q", stored, tok)
	}
}

func TestStaleSessionsEnd(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	st := open(t, filepath.Join(t.TempDir(), "m.db"), clk)
	same, _, _ := st.Create(ctx, "canbo1", session.Fingerprint("hash1", "staff", "1"))
	changed, _, _ := st.Create(ctx, "canbo2", session.Fingerprint("hash2", "staff", "2"))
	gone, _, _ := st.Create(ctx, "cu", "x")
	now := map[string]string{
		"canbo1": session.Fingerprint("hash1", "staff", "1"),
		"canbo2": session.Fingerprint("hash2", "admin", "2"), // promoted
	}
	users, err := st.EndStale(ctx, func(u string) (string, bool) { fp, ok := now[u]; return fp, ok })
	if err != nil || len(users) != 2 {
		t.Fatalf("ended %v, %v", users, err)
	}
	if _, err := st.Check(ctx, same); err != nil {
		t.Fatalf("unchanged account: %v", err)
	}
	for _, tok := range []string{changed, gone} {
		if _, err := st.Check(ctx, tok); !errors.Is(err, session.ErrNoSession) {
			t.Fatalf("stale session lives: %v", err)
		}
	}
	if session.Fingerprint("ab", "c") == session.Fingerprint("a", "bc") {
		t.Fatal("fingerprint parts run together")
	}
}
