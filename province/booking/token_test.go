package booking_test

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/province/booking"
)

var person = strings.Repeat("ab", 32)

func token() booking.Token {
	from := time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC) // 09:30 in Hà Nội
	return booking.Token{ID: "0123456789abcdef", Center: "phuong-lien-chieu", Field: "A", Day: "2026-12-01",
		From: from, To: from.Add(30 * time.Minute), Person: person}
}

func keys(t *testing.T) (*booking.Signer, *booking.Verifier) {
	t.Helper()
	k, err := booking.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := booking.NewSigner(k)
	if err != nil {
		t.Fatal(err)
	}
	v, err := booking.NewVerifier(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

func TestSignVerify(t *testing.T) {
	s, v := keys(t)
	want := token()
	text, err := s.Sign(want)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, booking.Prefix) || strings.Trim(text[len(booking.Prefix):], "0123456789") != "" {
		t.Fatalf("token %q is not MCB and digits", text)
	}
	if strings.Contains(text, person) {
		t.Fatal("the person's hash is readable in the token's text")
	}
	got, err := v.Verify(" " + strings.ToLower(text[:3]) + text[3:20] + " " + text[20:] + "\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID || got.Center != want.Center || got.Field != want.Field || got.Day != want.Day ||
		!got.From.Equal(want.From) || !got.To.Equal(want.To) || got.Person != want.Person {
		t.Fatalf("verified %+v, signed %+v", got, want)
	}
	t.Logf("%d digits", len(text)-len(booking.Prefix))
}

func TestVerifyRefuses(t *testing.T) {
	s, v := keys(t)
	other, _ := keys(t)
	text, err := s.Sign(token())
	if err != nil {
		t.Fatal(err)
	}
	byOther, err := other.Sign(token())
	if err != nil {
		t.Fatal(err)
	}
	// One digit of the payload changed: still a token, not the hub's.
	flip := []byte(text)
	i := len(booking.Prefix) + 20
	flip[i] = '0' + (flip[i]-'0'+1)%10
	cases := []struct {
		name, text string
		want       error
	}{
		{"other hub", byOther, booking.ErrForged},
		{"altered", string(flip), booking.ErrNotBooking},
		{"empty", "", booking.ErrNotBooking},
		{"receipt", "HS-2026-000123", booking.ErrNotBooking},
		{"id card", "001099012345|123456789|Nguyễn Văn A", booking.ErrNotBooking},
		{"prefix only", "MCB", booking.ErrNotBooking},
		{"cut", text[:len(text)-17], booking.ErrNotBooking},
		{"letters", "MCB" + strings.Repeat("x", 300), booking.ErrNotBooking},
		{"too long", text + strings.Repeat("1", booking.MaxText), booking.ErrNotBooking},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := v.Verify(c.text)
			if c.name == "altered" && errors.Is(err, booking.ErrForged) {
				return // a change the payload still reads as: the signature fails
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify: %v, want %v", err, c.want)
			}
		})
	}
}

func TestSignChecks(t *testing.T) {
	s, _ := keys(t)
	bad := []func(*booking.Token){
		func(t *booking.Token) { t.ID = "xyz" },
		func(t *booking.Token) { t.Center = "a.b" },
		func(t *booking.Token) { t.Field = "" },
		func(t *booking.Token) { t.Person = "0123456789012" },
		func(t *booking.Token) { t.Day = "1.12.2026" },
		func(t *booking.Token) { t.To = t.From },
		func(t *booking.Token) { t.To = t.From.Add(25 * time.Hour) },
		func(t *booking.Token) { t.From = t.From.Add(time.Second) },
	}
	for i, f := range bad {
		tk := token()
		f(&tk)
		if _, err := s.Sign(tk); err == nil {
			t.Errorf("case %d: signed %+v", i, tk)
		}
	}
}

func TestKeyKept(t *testing.T) {
	dir := t.TempDir()
	a, err := booking.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := booking.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Equal(b) {
		t.Fatal("a second start made another key")
	}
	fi, err := os.Stat(filepath.Join(dir, booking.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", fi.Mode())
	}
	if err := os.WriteFile(filepath.Join(dir, booking.KeyFile), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := booking.LoadOrCreateKey(dir); err == nil {
		t.Fatal("a damaged key file was replaced by a new key")
	}
	pub := a.Public().(ed25519.PublicKey)
	back, err := booking.DecodePublic(booking.EncodePublic(pub))
	if err != nil || !back.Equal(pub) {
		t.Fatalf("public key back %v, %v", back, err)
	}
}

func FuzzVerify(f *testing.F) {
	k := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	s, _ := booking.NewSigner(k)
	v, _ := booking.NewVerifier(s.Public())
	text, err := s.Sign(token())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(text)
	f.Add("MCB123")
	f.Add("MCB" + strings.Repeat("9", 17*8))
	f.Fuzz(func(t *testing.T, in string) {
		got, err := v.Verify(in)
		if err == nil && got.Check() != nil {
			t.Fatalf("verified a token that does not check: %+v", got)
		}
	})
}

// A rotated key: the new verifier still takes what the old key signed for
// its last day and before, not for a later day (ErrRetiredKey, an
// ErrForged); the new key's tokens pass; another key's do not.
func TestRetiredKey(t *testing.T) {
	old, _ := booking.NewSigner(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)))
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 1
	cur, _ := booking.NewSigner(ed25519.NewKeyFromSeed(seed))
	seed[0] = 2
	other, _ := booking.NewSigner(ed25519.NewKeyFromSeed(seed))
	tk := token()
	v, err := booking.NewVerifier(cur.Public(), booking.Retired{Key: old.Public(), LastDay: tk.Day})
	if err != nil {
		t.Fatal(err)
	}
	sign := func(s *booking.Signer, day string) string {
		t.Helper()
		x := tk
		x.Day = day
		text, err := s.Sign(x)
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	next := "2026-12-02"
	if tk.Day >= next {
		t.Fatalf("the sample token's day %s", tk.Day)
	}
	for _, tc := range []struct {
		name string
		text string
		want error
	}{
		{"the old key, its last day", sign(old, tk.Day), nil},
		{"the old key, a day before", sign(old, "2026-11-20"), nil},
		{"the old key, after its last day", sign(old, next), booking.ErrRetiredKey},
		{"the new key, any day", sign(cur, next), nil},
		{"another key", sign(other, tk.Day), booking.ErrForged},
	} {
		got, err := v.Verify(tc.text)
		if !errors.Is(err, tc.want) || (tc.want == nil && got.ID != tk.ID) {
			t.Errorf("%s: %+v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	if !errors.Is(booking.ErrRetiredKey, booking.ErrForged) {
		t.Error("ErrRetiredKey is not an ErrForged")
	}
	if _, err := booking.NewVerifier(cur.Public(), booking.Retired{Key: old.Public(), LastDay: "1 Dec"}); err == nil {
		t.Error("a retired key without a day was taken")
	}
}
