package lookup

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"

	"motcua/kiosk/dossier"
)

// DefaultMaxPayload bounds a scan payload; longer ones are not ours.
const DefaultMaxPayload = 512

// sigBytes is how much of the HMAC-SHA256 a receipt URL carries (128 bits).
const sigBytes = 16

// Kind is what a scan payload turned out to be.
type Kind string

// The kinds of payload.
const (
	KindDossier Kind = "dossier" // a dossier code, bare or in our signed receipt URL
	KindTicket  Kind = "ticket"  // our queue ticket URL
)

// Payload is a scan payload understood.
type Payload struct {
	Kind Kind
	// Code is the normalised dossier code (KindDossier).
	Code string
	// Verified is set when the code came from our receipt URL with a valid
	// signature: only then may the applicant's full name be shown.
	Verified bool
	// Ticket is the ticket id (KindTicket).
	Ticket string
}

// ParserOpts configures a Parser.
type ParserOpts struct {
	// Codes are the dossier code shapes a bare code must match; default
	// dossier.DefaultCodes().
	Codes *dossier.Codes
	// PublicBaseURL is where this center's pages are reached
	// ("https://motcua.example.gov.vn" or "http://10.0.0.5:8080/motcua").
	// Receipt and ticket URLs are ours only on its host (or without a host).
	PublicBaseURL string
	// Secret signs receipt URLs (Sign); without it no receipt URL verifies.
	Secret []byte
	// ReceiptPrefix and TicketPrefix start the paths, after PublicBaseURL's,
	// of the receipt page (kiosk/web.ReceiptPrefix, "/h/") and of a ticket's
	// phone page (display.PhonePrefix, "/t/"); a URL under neither is not
	// ours. Empty: no such URL is recognised.
	ReceiptPrefix, TicketPrefix string
	// OldSecrets are the keys Secret replaced, newest first: receipts
	// already printed with them still verify (a key ring, rotated without
	// breaking a receipt's QR).
	OldSecrets [][]byte
	// MaxLen bounds a payload; default DefaultMaxPayload.
	MaxLen int
}

// Parser reads what a scanner or camera saw. It is immutable and safe for
// concurrent use.
type Parser struct {
	codes    *dossier.Codes
	host     string   // lower-case host[:port] of PublicBaseURL, "" when unset
	basePath string   // path of PublicBaseURL without the trailing slash
	receipt  string   // ReceiptPrefix
	ticket   string   // TicketPrefix
	secrets  [][]byte // Secret, then OldSecrets
	maxLen   int
}

// NewParser checks opts and returns a Parser.
func NewParser(opts ParserOpts) (*Parser, error) {
	if opts.Codes == nil {
		opts.Codes = dossier.DefaultCodes()
	}
	if opts.MaxLen <= 0 {
		opts.MaxLen = DefaultMaxPayload
	}
	p := &Parser{codes: opts.Codes, maxLen: opts.MaxLen, receipt: opts.ReceiptPrefix, ticket: opts.TicketPrefix}
	for _, k := range append([][]byte{opts.Secret}, opts.OldSecrets...) {
		if len(k) > 0 {
			p.secrets = append(p.secrets, k)
		}
	}
	if opts.PublicBaseURL != "" {
		u, err := url.Parse(opts.PublicBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("lookup: địa chỉ công khai %q không hợp lệ (cần http:// hoặc https://)", opts.PublicBaseURL)
		}
		p.host = canonicalHost(u)
		p.basePath = strings.TrimRight(u.Path, "/")
	}
	return p, nil
}

// Signature is the signature of code that a receipt's QR code carries: the
// first 16 bytes of HMAC-SHA256(secret, code) in decimal, 39 digits.
// Digits have no case and no input method rewrites them after "=", so the
// signature survives a keyboard-wedge scanner typing with CapsLock on or
// into Unikey's Telex or VNI (telex.go).
func Signature(secret []byte, code string) string {
	return digitSignature(secret, code)
}

// base32Signature is the signature receipts printed in 2026-12 before the
// decimal one carry: the same bytes in unpadded base32. They still verify,
// in either case.
func base32Signature(secret []byte, code string) string {
	return sigEncoding.EncodeToString(signatureBytes(secret, code))
}

// legacySignature is the signature receipts printed before 2026-12 carry:
// the same bytes in unpadded base64url (case-sensitive). They still verify.
func legacySignature(secret []byte, code string) string {
	return base64.RawURLEncoding.EncodeToString(signatureBytes(secret, code))
}

func signatureBytes(secret []byte, code string) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(dossier.NormalizeCode(code)))
	return mac.Sum(nil)[:sigBytes]
}

// sigEncoding is the one-case alphabet of Signature.
var sigEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Sign returns the lookup URL printed as a QR code on a receipt:
// {page}{code}?sig={Signature}, page being the receipt page's address up to
// the code (the public base URL and kiosk/web.ReceiptPrefix). Scanning it
// at a kiosk shows the dossier with the applicant's full name; opening it on
// a phone shows the same page.
func Sign(page string, secret []byte, code string) string {
	code = dossier.NormalizeCode(code)
	return page + url.PathEscape(code) + "?sig=" + Signature(secret, code)
}

// Code normalises a dossier code typed or given in a URL path and checks it
// against the code shapes; it fails with ErrInvalidCode.
func (p *Parser) Code(raw string) (string, error) {
	if len(raw) > p.maxLen {
		return "", fmt.Errorf("lookup: %w", ErrInvalidCode)
	}
	code, err := p.codes.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("lookup: %w", err)
	}
	return code, nil
}

// Verify checks the signature of a receipt URL for code against every key
// of the ring: ErrBadSignature when none matches.
func (p *Parser) Verify(code, sig string) error {
	if len(p.secrets) == 0 {
		return fmt.Errorf("lookup: no receipt signing key configured: %w", ErrBadSignature)
	}
	if isDigits(sig) {
		if !p.verifyDigits(code, sig) {
			return fmt.Errorf("lookup: %w", ErrBadSignature)
		}
		return nil
	}
	sig = strings.TrimRight(sig, "=")
	// Receipts printed before the decimal signature carry a base32 one,
	// read whatever the case, or (before 2026-12) a base64url one,
	// compared as it is.
	upper := []byte(strings.ToUpper(sig))
	exact := []byte(sig)
	ok := false
	for _, k := range p.secrets { // every key, so the time says nothing of which matched
		if hmac.Equal(upper, []byte(base32Signature(k, code))) {
			ok = true
		}
		if hmac.Equal(exact, []byte(legacySignature(k, code))) {
			ok = true
		}
	}
	if !ok {
		return fmt.Errorf("lookup: %w", ErrBadSignature)
	}
	return nil
}

// Parse reads one scan payload: a bare dossier code, our receipt URL
// ({base}{ReceiptPrefix}{code}?sig=…, verified), or our ticket URL
// ({base}{TicketPrefix}{id}).
// Anything else fails with ErrNotOurReceipt, a receipt URL with a wrong or
// missing signature with ErrBadSignature.
func (p *Parser) Parse(raw string) (Payload, error) {
	s := clean(raw)
	if s == "" || len(s) > p.maxLen {
		return Payload{}, fmt.Errorf("lookup: %w", ErrNotOurReceipt)
	}
	if strings.Contains(s, "://") || strings.HasPrefix(s, "/") {
		pl, err := p.parseURL(s)
		if err != nil && rewritten(s) {
			if rp, ok := p.parseRewritten(s); ok {
				return rp, nil
			}
		}
		return pl, err
	}
	if code, err := p.Code(s); err == nil {
		return Payload{Kind: KindDossier, Code: code}, nil
	}
	return Payload{}, fmt.Errorf("lookup: %w", ErrNotOurReceipt)
}

func (p *Parser) parseURL(s string) (Payload, error) {
	notOurs := fmt.Errorf("lookup: %w", ErrNotOurReceipt)
	u, err := url.Parse(s)
	if err != nil {
		return Payload{}, notOurs
	}
	if u.Scheme != "" || u.Host != "" {
		scheme := strings.ToLower(u.Scheme)
		if (scheme != "http" && scheme != "https") || p.host == "" || canonicalHost(u) != p.host {
			return Payload{}, notOurs
		}
	}
	// A keyboard-wedge scanner with CapsLock on types the URL in the other
	// case: the paths and the parameter's name are matched in any case.
	rest, ok := cutPrefixFold(u.EscapedPath(), p.basePath)
	if !ok {
		return Payload{}, notOurs
	}
	kind, escaped := "", ""
	for _, prefix := range []string{p.receipt, p.ticket} {
		if e, ok := cutPrefixFold(rest, prefix); ok && prefix != "" {
			kind, escaped = prefix, e
			break
		}
	}
	if kind == "" || escaped == "" || strings.Contains(escaped, "/") {
		return Payload{}, notOurs
	}
	value, err := url.PathUnescape(escaped)
	if err != nil {
		return Payload{}, notOurs
	}
	switch kind {
	case p.receipt:
		code := dossier.NormalizeCode(value)
		if code == "" {
			return Payload{}, notOurs
		}
		if err := p.Verify(code, queryFold(u.Query(), "sig")); err != nil {
			return Payload{}, err
		}
		return Payload{Kind: KindDossier, Code: code, Verified: true}, nil
	case p.ticket:
		if !validTicketID(value) {
			return Payload{}, notOurs
		}
		return Payload{Kind: KindTicket, Ticket: value}, nil
	}
	return Payload{}, notOurs
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// queryFold is the first value of the parameter name in any case.
func queryFold(q url.Values, name string) string {
	if v := q.Get(name); v != "" {
		return v
	}
	for k, v := range q {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// clean drops what scanners add around a payload: surrounding spaces and
// control characters, a byte order mark, and an AIM symbology identifier
// ("]C0" Code128, "]Q1" QR…).
func clean(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\uFEFF'
	})
	if len(s) >= 3 && s[0] == ']' && isASCIILetter(s[1]) && isASCIIAlnum(s[2]) {
		s = strings.TrimSpace(s[3:])
	}
	return s
}

// canonicalHost is host[:port] in lower case, without the scheme's default port.
func canonicalHost(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (port == "80" && strings.EqualFold(u.Scheme, "http")) || (port == "443" && strings.EqualFold(u.Scheme, "https")) {
		port = ""
	}
	if port == "" {
		return host
	}
	return net.JoinHostPort(host, port)
}

func validTicketID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !isASCIIAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func isASCIIAlnum(c byte) bool { return isASCIILetter(c) || (c >= '0' && c <= '9') }
