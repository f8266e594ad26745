package booking

import (
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Prefix starts every token's text.
const Prefix = "MCB"

// version is the first byte of a token this code writes and reads.
const version = 1

// signContext is signed before the token's bytes, so that no signature of the
// hub's key over something else passes for a booking.
const signContext = "motcua booking v1\x00"

// MaxText bounds the text Verify reads.
const MaxText = 1024

// MaxWindow is the longest window a token carries.
const MaxWindow = 24 * time.Hour

// Token is one booking as the hub signed it.
type Token struct {
	// ID is the booking's id: 16 lower-case hex characters.
	ID string
	// Center and Field say where: the center's id at the hub (wire's
	// center ids) and the field's code.
	Center string
	Field  string
	// Day is the center's local day, "2006-01-02".
	Day string
	// From and To are the window, to the minute: the number ranks as a
	// walk-in issued at From and is checked in until To plus the center's
	// grace.
	From, To time.Time
	// Person is the keyed hash of the ID number: 64 lower-case hex.
	Person string
}

var (
	idPattern     = regexp.MustCompile(`^[0-9a-f]{16}$`)
	personPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
	namePattern   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
)

// ErrNotBooking: the text is not a booking token (a different code, or one
// damaged in reading).
var ErrNotBooking = errors.New("booking: not a booking code")

// ErrForged: the text is a booking token, but the hub's key did not sign
// it (forged, altered, or signed by another hub).
var ErrForged = errors.New("booking: signature is not the hub's")

// Check tells what is wrong with t, nil when it can be signed.
func (t Token) Check() error {
	switch {
	case !idPattern.MatchString(t.ID):
		return fmt.Errorf("booking: id %q is not 16 hex characters", t.ID)
	case !namePattern.MatchString(t.Center):
		return fmt.Errorf("booking: center %q", t.Center)
	case !namePattern.MatchString(t.Field):
		return fmt.Errorf("booking: field %q", t.Field)
	case !personPattern.MatchString(t.Person):
		return errors.New("booking: person is not a 64-hex keyed hash")
	case !t.To.After(t.From) || t.To.Sub(t.From) > MaxWindow:
		return fmt.Errorf("booking: window %s-%s", t.From.Format(time.RFC3339), t.To.Format(time.RFC3339))
	case t.From.Unix()%60 != 0 || t.To.Unix()%60 != 0 || t.From.Nanosecond() != 0 || t.To.Nanosecond() != 0:
		return errors.New("booking: a window starts and ends on a minute")
	case t.From.Unix() < 0 || t.From.Unix()/60 > 1<<32-1:
		return errors.New("booking: window out of range")
	}
	if _, err := dayNumber(t.Day); err != nil {
		return err
	}
	return nil
}

// dayNumber is day as days since 1970-01-01.
func dayNumber(day string) (uint16, error) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil || d.Unix() < 0 || d.Unix()/86400 > 1<<16-1 {
		return 0, fmt.Errorf("booking: day %q is not a day (2006-01-02)", day)
	}
	return uint16(d.Unix() / 86400), nil
}

// payload is t's bytes before the signature. t is checked.
func (t Token) payload() []byte {
	b := make([]byte, 0, 128)
	b = append(b, version)
	id, _ := hex.DecodeString(t.ID)
	b = append(b, id...)
	b = append(b, byte(len(t.Center)))
	b = append(b, t.Center...)
	b = append(b, byte(len(t.Field)))
	b = append(b, t.Field...)
	day, _ := dayNumber(t.Day)
	b = binary.BigEndian.AppendUint16(b, day)
	b = binary.BigEndian.AppendUint32(b, uint32(t.From.Unix()/60))
	b = binary.BigEndian.AppendUint16(b, uint16(t.To.Sub(t.From)/time.Minute))
	person, _ := hex.DecodeString(t.Person)
	return append(b, person...)
}

// parse reads a payload back; ok is false when it is not one.
func parse(b []byte) (t Token, ok bool) {
	if len(b) < 1+8+1 || b[0] != version {
		return t, false
	}
	t.ID = hex.EncodeToString(b[1:9])
	p := 9
	name := func() (string, bool) {
		if p >= len(b) || p+1+int(b[p]) > len(b) {
			return "", false
		}
		n := int(b[p])
		s := string(b[p+1 : p+1+n])
		p += 1 + n
		return s, namePattern.MatchString(s)
	}
	if t.Center, ok = name(); !ok {
		return t, false
	}
	if t.Field, ok = name(); !ok {
		return t, false
	}
	if len(b)-p != 2+4+2+32 {
		return t, false
	}
	t.Day = time.Unix(int64(binary.BigEndian.Uint16(b[p:]))*86400, 0).UTC().Format(time.DateOnly)
	t.From = time.Unix(int64(binary.BigEndian.Uint32(b[p+2:]))*60, 0).UTC()
	t.To = t.From.Add(time.Duration(binary.BigEndian.Uint16(b[p+6:])) * time.Minute)
	t.Person = hex.EncodeToString(b[p+8:])
	return t, t.Check() == nil
}

// Signer signs tokens with the hub's private key.
type Signer struct {
	key ed25519.PrivateKey
}

// NewSigner returns the Signer of key.
func NewSigner(key ed25519.PrivateKey) (*Signer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("booking: not an Ed25519 private key")
	}
	return &Signer{key: key}, nil
}

// Public is the key that verifies this signer's tokens.
func (s *Signer) Public() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Sign returns t's text: what the QR code holds.
func (s *Signer) Sign(t Token) (string, error) {
	t.From, t.To = t.From.UTC(), t.To.UTC()
	if err := t.Check(); err != nil {
		return "", err
	}
	p := t.payload()
	sig := ed25519.Sign(s.key, append([]byte(signContext), p...))
	return Prefix + digits(append(p, sig...)), nil
}

// Verifier checks tokens with the hub's public key, and with the keys it
// retired while bookings they signed are still to come.
type Verifier struct {
	key     ed25519.PublicKey
	retired []Retired
}

// Retired is a key the hub signed with before its current one (docs/
// province.md, "Rotating the booking key"): it still verifies the tokens
// of days up to LastDay ("2006-01-02"), the last day of a booking it
// signed, and no later one.
type Retired struct {
	Key     ed25519.PublicKey
	LastDay string
}

// ErrRetiredKey (an ErrForged) is a token signed with a key the hub retired,
// for a day after the last booking that key signed.
var ErrRetiredKey = fmt.Errorf("%w: signed with a key the hub retired, for a day after its last booking", ErrForged)

// NewVerifier returns the Verifier of key and of the retired keys.
func NewVerifier(key ed25519.PublicKey, retired ...Retired) (*Verifier, error) {
	if len(key) != ed25519.PublicKeySize {
		return nil, errors.New("booking: not an Ed25519 public key")
	}
	for _, r := range retired {
		if len(r.Key) != ed25519.PublicKeySize {
			return nil, errors.New("booking: a retired key is not an Ed25519 public key")
		}
		if _, err := dayNumber(r.LastDay); err != nil {
			return nil, fmt.Errorf("booking: a retired key's last day %q", r.LastDay)
		}
	}
	return &Verifier{key: key, retired: retired}, nil
}

// Looks tells whether text has the shape of a token, without checking it:
// for routing a scanned code.
func Looks(text string) bool {
	text = strings.TrimSpace(text)
	return len(text) > len(Prefix) && strings.EqualFold(text[:len(Prefix)], Prefix)
}

// Verify reads text (as scanned or typed: spaces ignored) and returns its
// token if the hub signed it: ErrNotBooking for anything that is not a
// token, ErrForged for one the hub's key did not sign (ErrRetiredKey for
// one a retired key signed for a day after its last).
func (v *Verifier) Verify(text string) (Token, error) {
	if len(text) > MaxText || !Looks(text) {
		return Token{}, ErrNotBooking
	}
	text = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, strings.TrimSpace(text))
	b, ok := undigits(text[len(Prefix):])
	if !ok || len(b) <= ed25519.SignatureSize {
		return Token{}, ErrNotBooking
	}
	p, sig := b[:len(b)-ed25519.SignatureSize], b[len(b)-ed25519.SignatureSize:]
	t, ok := parse(p)
	if !ok {
		return Token{}, ErrNotBooking
	}
	signed := append([]byte(signContext), p...)
	if ed25519.Verify(v.key, signed, sig) {
		return t, nil
	}
	for _, r := range v.retired {
		if ed25519.Verify(r.Key, signed, sig) {
			if t.Day > r.LastDay { // both "2006-01-02": text order is day order
				return Token{}, ErrRetiredKey
			}
			return t, nil
		}
	}
	return Token{}, ErrForged
}
