package lookup

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/dossiertest"
)

var secret = []byte("khóa bí mật của trung tâm")

const code = "000.00.14.H56-200203-0118"

func newParser(t testing.TB, base string) *Parser {
	t.Helper()
	p, err := NewParser(ParserOpts{PublicBaseURL: base, Secret: secret, ReceiptPrefix: "/h/", TicketPrefix: "/t/"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSignFormat(t *testing.T) {
	u := Sign("https://motcua.example.gov.vn/h/", secret, "000.00.14.h56-200203-0118")
	if !regexp.MustCompile(`^https://motcua\.example\.gov\.vn/h/000\.00\.14\.H56-200203-0118\?sig=[0-9]{39}$`).MatchString(u) {
		t.Fatalf("Sign = %q", u)
	}
}

func TestParse(t *testing.T) {
	p := newParser(t, "https://MotCua.example.gov.vn")
	signed := Sign("https://motcua.example.gov.vn/h/", secret, code)
	sig := signed[strings.Index(signed, "sig=")+4:]
	flipped := []byte(sig)
	if flipped[0] == 'A' {
		flipped[0] = 'B'
	} else {
		flipped[0] = 'A'
	}
	for _, tc := range []struct {
		name, in string
		want     Payload
		err      error
	}{
		{"bare code", code, Payload{Kind: KindDossier, Code: code}, nil},
		{"lower case, spaces, CRLF", "  000.00.14.h56-200203-0118\r\n", Payload{Kind: KindDossier, Code: code}, nil},
		{"AIM Code128 prefix", "]C0" + code, Payload{Kind: KindDossier, Code: code}, nil},
		{"five-digit sequence", "000.17.22.H56-210531-00012", Payload{Kind: KindDossier, Code: "000.17.22.H56-210531-00012"}, nil},
		{"signed receipt URL", signed, Payload{Kind: KindDossier, Code: code, Verified: true}, nil},
		{"signed, AIM QR prefix", "]Q1" + signed, Payload{Kind: KindDossier, Code: code, Verified: true}, nil},
		{"signed, default port and upper-case host", strings.Replace(signed, "motcua.example.gov.vn", "MOTCUA.example.gov.vn:443", 1), Payload{Kind: KindDossier, Code: code, Verified: true}, nil},
		{"signed, http", strings.Replace(signed, "https:", "http:", 1), Payload{Kind: KindDossier, Code: code, Verified: true}, nil},
		{"signed, path only", signed[strings.Index(signed, "/h/"):], Payload{Kind: KindDossier, Code: code, Verified: true}, nil},
		{"signed, lower-case code", strings.Replace(signed, "H56", "h56", 1), Payload{Kind: KindDossier, Code: code, Verified: true}, nil},
		{"ticket URL", "https://motcua.example.gov.vn/t/01HXYZ-a_9", Payload{Kind: KindTicket, Ticket: "01HXYZ-a_9"}, nil},
		{"ticket path only", "/t/abc123", Payload{Kind: KindTicket, Ticket: "abc123"}, nil},
		{"altered code", strings.Replace(signed, "0118", "0119", 1), Payload{}, ErrBadSignature},
		{"altered signature", strings.Replace(signed, sig, string(flipped), 1), Payload{}, ErrBadSignature},
		{"missing signature", "https://motcua.example.gov.vn/h/" + code, Payload{}, ErrBadSignature},
		{"other secret", Sign("https://motcua.example.gov.vn/h/", []byte("khác"), code), Payload{}, ErrBadSignature},
		{"other host", strings.Replace(signed, "motcua.example.gov.vn", "evil.example.com", 1), Payload{}, ErrNotOurReceipt},
		{"other port", strings.Replace(signed, "motcua.example.gov.vn", "motcua.example.gov.vn:8443", 1), Payload{}, ErrNotOurReceipt},
		{"ftp", strings.Replace(signed, "https:", "ftp:", 1), Payload{}, ErrNotOurReceipt},
		{"other path", "https://motcua.example.gov.vn/x/" + code, Payload{}, ErrNotOurReceipt},
		{"extra segment", "https://motcua.example.gov.vn/t/a/b", Payload{}, ErrNotOurReceipt},
		{"bad ticket id", "https://motcua.example.gov.vn/t/%3Cscript%3E", Payload{}, ErrNotOurReceipt},
		{"product EAN", "8934563138165", Payload{}, ErrNotOurReceipt},
		{"ID card QR", "001099012345|123456789|Nguyễn Thị Hoa|01011990|Nữ|Hà Nội|01012021", Payload{}, ErrNotOurReceipt},
		{"website", "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html", Payload{}, ErrNotOurReceipt},
		{"empty", " \r\n", Payload{}, ErrNotOurReceipt},
		{"too long", strings.Repeat("A", 600), Payload{}, ErrNotOurReceipt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Parse(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseWithBasePath(t *testing.T) {
	p := newParser(t, "http://10.0.0.5:8080/motcua/")
	signed := Sign("http://10.0.0.5:8080/motcua/h/", secret, code)
	if got, err := p.Parse(signed); err != nil || !got.Verified {
		t.Fatalf("got %+v, %v", got, err)
	}
	if _, err := p.Parse("http://10.0.0.5:8080/h/" + code + "?sig=x"); !errors.Is(err, ErrNotOurReceipt) {
		t.Fatalf("outside the base path: %v", err)
	}
}

func TestParseWithoutBaseURLOrSecret(t *testing.T) {
	p, err := NewParser(ParserOpts{ReceiptPrefix: "/h/", TicketPrefix: "/t/"})
	if err != nil {
		t.Fatal(err)
	}
	signed := Sign("https://motcua.example.gov.vn/h/", secret, code)
	if _, err := p.Parse(signed); !errors.Is(err, ErrNotOurReceipt) {
		t.Fatalf("a host URL without a configured base: %v", err)
	}
	if _, err := p.Parse(signed[strings.Index(signed, "/h/"):]); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("no secret configured: %v", err)
	}
}

func TestStrictPattern(t *testing.T) {
	codes, err := dossier.NewCodes([]dossier.CodeShape{{Pattern: `^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{6})-(\d{4,6})$`}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewParser(ParserOpts{Codes: codes})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Code("H56-200203-0118"); !errors.Is(err, ErrInvalidCode) {
		t.Fatalf("err = %v", err)
	}
	if c, err := p.Code(code); err != nil || c != code {
		t.Fatalf("%q %v", c, err)
	}
}

func TestNewParserRefusesBadOpts(t *testing.T) {
	if _, err := NewParser(ParserOpts{PublicBaseURL: "motcua.local"}); err == nil {
		t.Error("base URL without scheme accepted")
	}
}

// FuzzParse feeds arbitrary payloads to the parser: it must never panic, a
// result must be well-formed, and a verified code must carry our signature.
func FuzzParse(f *testing.F) {
	base := "https://motcua.example.gov.vn"
	f.Add(code)
	f.Add("]C0" + code)
	f.Add(Sign(base+"/h/", secret, code))
	f.Add("/h/" + code + "?sig=AAAAAAAAAAAAAAAAAAAAAA")
	f.Add(base + "/t/A001")
	f.Add("https://motcua.example.gov.vn:443/h/%30%30%30.00.14.H56-200203-0118?sig=x&sig=y")
	f.Add("\x00\xff]Q1")
	p := newParser(f, base)
	f.Fuzz(func(t *testing.T, in string) {
		got, err := p.Parse(in)
		if err != nil {
			if !errors.Is(err, ErrNotOurReceipt) && !errors.Is(err, ErrBadSignature) {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		switch got.Kind {
		case KindDossier:
			if got.Code == "" {
				t.Fatal("empty code")
			}
			if got.Verified {
				if p.Verify(got.Code, Signature(secret, got.Code)) != nil {
					t.Fatal("verified code without our signature")
				}
			} else if _, ok := p.codes.Shape(got.Code); !ok {
				t.Fatalf("unverified code %q does not match the pattern", got.Code)
			}
		case KindTicket:
			if !validTicketID(got.Ticket) {
				t.Fatalf("ticket id %q", got.Ticket)
			}
		default:
			t.Fatalf("kind %q", got.Kind)
		}
	})
}

// The URLs recognised are those of the prefixes the parser is given.
func TestParsePrefixes(t *testing.T) {
	p, err := NewParser(ParserOpts{PublicBaseURL: "https://motcua.example.gov.vn/mc", Secret: secret,
		ReceiptPrefix: "/ho-so/", TicketPrefix: "/so/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   string
		want Payload
		err  error
	}{
		{Sign("https://motcua.example.gov.vn/mc/ho-so/", secret, code), Payload{Kind: KindDossier, Code: code, Verified: true}, nil},
		{"https://motcua.example.gov.vn/mc/so/A012", Payload{Kind: KindTicket, Ticket: "A012"}, nil},
		{Sign("https://motcua.example.gov.vn/mc/h/", secret, code), Payload{}, ErrNotOurReceipt},
		{"https://motcua.example.gov.vn/mc/t/A012", Payload{}, ErrNotOurReceipt},
	} {
		got, err := p.Parse(tc.in)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// A rotated key ring: receipts signed by any key verify, others do not.
func TestVerifyWithRotatedKeys(t *testing.T) {
	old, older := []byte("khóa cũ của trung tâm"), []byte("khóa cũ hơn")
	p, err := NewParser(ParserOpts{PublicBaseURL: "https://motcua.example.gov.vn", Secret: secret, OldSecrets: [][]byte{old, older},
		ReceiptPrefix: "/h/", TicketPrefix: "/t/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		key  []byte
		ok   bool
	}{{"newest", secret, true}, {"old", old, true}, {"older", older, true}, {"another", []byte("khác"), false}} {
		got, err := p.Parse(Sign("https://motcua.example.gov.vn/h/", tc.key, code))
		if tc.ok != (err == nil) || (tc.ok && !got.Verified) || (!tc.ok && !errors.Is(err, ErrBadSignature)) {
			t.Errorf("%s key: %+v %v", tc.name, got, err)
		}
		if err := p.Verify(code, Signature(tc.key, code)); tc.ok != (err == nil) {
			t.Errorf("%s key: Verify %v", tc.name, err)
		}
	}
}

// swapCase is what a keyboard-wedge scanner types with CapsLock on: every
// letter in the other case.
func swapCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case c >= 'A' && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

// A receipt's QR code read through a keyboard wedge with CapsLock on (or a
// scanner set to upper case) still verifies; receipts printed before, with
// a base32 or (before 2026-12) a base64url signature, still verify as
// scanned.
func TestSignedReceiptSurvivesCapsLock(t *testing.T) {
	p, err := NewParser(ParserOpts{PublicBaseURL: "https://motcua.example.gov.vn/mc", Secret: secret,
		ReceiptPrefix: "/h/", TicketPrefix: "/t/"})
	if err != nil {
		t.Fatal(err)
	}
	url := Sign("https://motcua.example.gov.vn/mc/h/", secret, code)
	legacy := "https://motcua.example.gov.vn/mc/h/" + code + "?sig=" + legacySignature(secret, code)
	base32 := "https://motcua.example.gov.vn/mc/h/" + code + "?sig=" + base32Signature(secret, code)
	last := url[len(url)-1]
	for _, tc := range []struct {
		name, in string
		ok       bool
	}{
		{"as printed", url, true},
		{"caps lock", swapCase(url), true},
		{"upper case", strings.ToUpper(url), true},
		{"lower case", strings.ToLower(url), true},
		{"before 2026-12, as printed", legacy, true},
		{"base32 (2026-12), as printed", base32, true},
		{"base32 (2026-12), caps lock", swapCase(base32), true},
		{"another key", Sign("https://motcua.example.gov.vn/mc/h/", []byte("khóa khác"), code), false},
		{"one digit changed", url[:len(url)-1] + string('0'+(last-'0'+1)%10), false},
	} {
		got, err := p.Parse(tc.in)
		if tc.ok != (err == nil && got.Verified && got.Code == code) {
			t.Errorf("%s: Parse(%q) = %+v, %v", tc.name, tc.in, got, err)
		}
	}
}

// TestParseSharedCodeTable runs the shared code table through both ways a
// kiosk meets a code: a bare scan payload and a code typed in the API path.
func TestParseSharedCodeTable(t *testing.T) {
	p := newParser(t, "https://motcua.example.gov.vn")
	for _, tc := range dossiertest.CodeCases() {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := p.Parse(tc.In)
			code, cerr := p.Code(tc.In)
			if !tc.Accepted() {
				if err == nil && got.Kind == KindDossier {
					t.Fatalf("Parse(%q) accepted %q", tc.In, got.Code)
				}
				if !errors.Is(cerr, ErrInvalidCode) {
					t.Fatalf("Code(%q) = %q, %v", tc.In, code, cerr)
				}
				return
			}
			if err != nil || got.Kind != KindDossier || got.Code != tc.Want {
				t.Fatalf("Parse(%q) = %+v, %v; want %q", tc.In, got, err, tc.Want)
			}
			if cerr != nil || code != tc.Want {
				t.Fatalf("Code(%q) = %q, %v", tc.In, code, cerr)
			}
		})
	}
}
