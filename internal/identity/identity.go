package identity

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Mode is whether a field asks who takes its numbers.
type Mode string

// The modes, per center and per field.
const (
	// Off: the kiosk does not ask; no person is recorded.
	Off Mode = "off"
	// Optional: the kiosk asks, the citizen may go on without.
	Optional Mode = "optional"
	// Required: no number without an ID card or its number.
	Required Mode = "required"
)

// Valid reports whether m is one of the modes.
func (m Mode) Valid() bool { return m == Off || m == Optional || m == Required }

// Asks reports whether the kiosk asks for the ID card in mode m.
func (m Mode) Asks() bool { return m == Optional || m == Required }

// Person is the keyed hash of one citizen's ID number: 64 hex characters.
// It says who took a number, to count their numbers, and nothing else.
type Person string

// MaxPayload bounds what Number reads: a CCCD QR holds well under 300
// bytes.
const MaxPayload = 512

// MinSecret is the shortest secret New accepts.
const MinSecret = 16

// ErrNotID: the payload is neither a CCCD QR code nor a 12-digit number.
// It never says what the payload was.
var ErrNotID = errors.New("identity: not a citizen ID card or a 12-digit ID number")

// Number returns the 12-digit personal ID number of payload: the QR code
// of a CCCD (its first field, "|"-separated; the other fields are ignored
// and not kept), or a number typed on a keypad (spaces, dots and dashes
// between digit groups allowed). Anything else is ErrNotID.
func Number(payload string) (string, error) {
	if len(payload) > MaxPayload {
		return "", ErrNotID
	}
	p := strings.TrimSpace(payload)
	if i := strings.IndexByte(p, '|'); i >= 0 {
		// A card's QR: the number is the first field, as it is printed.
		first := strings.TrimSpace(p[:i])
		if !twelveDigits(first) {
			return "", ErrNotID
		}
		return first, nil
	}
	typed := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-':
			return -1
		}
		return r
	}, p)
	if !twelveDigits(typed) {
		return "", ErrNotID
	}
	return typed, nil
}

// twelveDigits reports whether s is a personal ID number: 12 ASCII digits,
// the first three a province code (001-096), not all zeros after it.
func twelveDigits(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	province := int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
	return province >= 1 && province <= 96 && strings.Trim(s[3:], "0") != ""
}

// Hasher makes the Person of an ID number under the province's secret.
type Hasher struct {
	key []byte
}

// domain separates these keys from any other use of the same secret.
const domain = "motcua person v1\x00"

// New returns the Hasher of secret (the province-wide identity secret,
// the same at every center and at the hub).
func New(secret []byte) (*Hasher, error) {
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("identity: secret of %d bytes, at least %d needed", len(secret), MinSecret)
	}
	return &Hasher{key: append([]byte(nil), secret...)}, nil
}

// Person is the key of a 12-digit number (as Number returns it).
func (h *Hasher) Person(number string) Person {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(domain))
	m.Write([]byte(number))
	return Person(hex.EncodeToString(m.Sum(nil)))
}

// Read is the Person of a scanned or typed payload (Number, then Person).
func (h *Hasher) Read(payload string) (Person, error) {
	n, err := Number(payload)
	if err != nil {
		return "", err
	}
	return h.Person(n), nil
}
