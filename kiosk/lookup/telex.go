package lookup

import (
	"crypto/hmac"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A keyboard-wedge scanner types the receipt's URL as keystrokes. On a PC
// where Unikey or EVKey is on in Telex (or VNI), the input method rewrites
// them as Vietnamese: "aa" becomes "â", "w" "ư", a vowel then s, f, r, x or
// j takes a tone mark, "d…d" gives "đ", and in VNI a digit after a vowel
// does the same. The host and the path of the URL are the center's own and
// may be rewritten; the signature cannot be, being only digits after "=";
// the dossier code is digits, dots, dashes and a letter before digits,
// which neither method touches.
//
// So the signature of today's receipts is decimal (digitSignature), and a
// payload that holds letters no scanner sends (Vietnamese ones) is read as
// such a URL: the receipt path ReceiptPrefix, the code, "sig=" and the
// digits, found wherever the rest was rewritten. The signature, made with
// this center's key, is what says the receipt is ours, as it does for an
// intact URL (whose host is also checked).

// sigDigits is the length of a decimal signature: 128 bits in base 10.
const sigDigits = 39

// digitSignature is the signature of code in decimal, sigDigits digits.
func digitSignature(secret []byte, code string) string {
	n := new(big.Int).SetBytes(signatureBytes(secret, code))
	return fmt.Sprintf("%0*s", sigDigits, n.String())
}

// isDigits reports whether s is a decimal signature's shape.
func isDigits(s string) bool {
	if len(s) != sigDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// verifyDigits checks a decimal signature against every key of the ring.
func (p *Parser) verifyDigits(code, sig string) bool {
	ok := false
	for _, k := range p.secrets {
		if hmac.Equal([]byte(sig), []byte(digitSignature(k, code))) {
			ok = true
		}
	}
	return ok
}

// rewritten reports whether s holds letters a scanner does not send: what
// an input method made of its keystrokes.
func rewritten(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// parseRewritten reads our receipt URL from a payload an input method
// rewrote: {anything}{ReceiptPrefix}{code}?{…}sig={digits}. Only a decimal
// signature that verifies makes it ours.
func (p *Parser) parseRewritten(s string) (Payload, bool) {
	if p.receipt == "" {
		return Payload{}, false
	}
	at := -1
	for i := len(s) - len(p.receipt); i >= 0 && at < 0; i-- {
		if strings.EqualFold(s[i:i+len(p.receipt)], p.receipt) {
			at = i
		}
	}
	if at < 0 {
		return Payload{}, false
	}
	rest := s[at+len(p.receipt):]
	escaped, query, ok := strings.Cut(rest, "?")
	if !ok || escaped == "" || strings.Contains(escaped, "/") {
		return Payload{}, false
	}
	value, err := url.PathUnescape(escaped)
	if err != nil {
		return Payload{}, false
	}
	sig := ""
	for part := range strings.SplitSeq(query, "&") {
		if k, v, ok := strings.Cut(part, "="); ok && strings.EqualFold(k, "sig") {
			sig = v
		}
	}
	if !isDigits(sig) {
		return Payload{}, false
	}
	for _, typed := range keystrokes(value) {
		code, err := p.Code(typed)
		if err == nil && p.verifyDigits(code, sig) {
			return Payload{Kind: KindDossier, Code: code, Verified: true}, true
		}
	}
	return Payload{}, false
}

// maxKeystrokes bounds the spellings keystrokes tries.
const maxKeystrokes = 64

// keystrokes are the texts that Telex or VNI could have turned into s: s
// itself when it is ASCII; else, for each Vietnamese letter, its base
// letter with the key of each of its marks typed somewhere after it in its
// word (VNI: "Á0" from "A01" or "A10"; Telex: "Â" from "AA", "Á" from
// "AS"). A dossier code has few letters, so there are few spellings; at
// most maxKeystrokes.
func keystrokes(s string) []string {
	if !rewritten(s) {
		return []string{s}
	}
	var out []string
	for _, vni := range []bool{false, true} {
		spellings := []string{""}
		rs := []rune(s)
		for start := 0; start < len(rs); {
			end := start + 1
			if inWord(rs[start], vni) {
				for end < len(rs) && inWord(rs[end], vni) {
					end++
				}
			}
			words := wordKeystrokes(rs[start:end], vni)
			if words == nil {
				spellings = nil
				break
			}
			var next []string
			for _, sp := range spellings {
				for _, w := range words {
					if len(next) < maxKeystrokes {
						next = append(next, sp+w)
					}
				}
			}
			spellings, start = next, end
		}
		out = append(out, spellings...)
	}
	return out[:min(len(out), maxKeystrokes)]
}

// inWord: the runes a word of the input method is made of (Telex:
// letters; VNI: letters and the digits that are its keys).
func inWord(r rune, vni bool) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r >= utf8.RuneSelf || (vni && r >= '0' && r <= '9')
}

// wordKeystrokes are the spellings of one word: each mark's key inserted
// at every place after its letter. nil when a letter is none an input
// method makes.
func wordKeystrokes(w []rune, vni bool) []string {
	type key struct {
		after int // the key comes after the letter at this index
		k     string
	}
	var bases []rune
	var keys []key
	for i, r := range w {
		b, ks, ok := unmark(r, vni)
		if !ok {
			return nil
		}
		bases = append(bases, b)
		for _, k := range ks {
			keys = append(keys, key{i, k})
		}
	}
	var out []string
	at := make([]int, len(keys)) // where each key goes: before bases[at], len(bases) at the end
	var try func(n int)
	try = func(n int) {
		if len(out) >= maxKeystrokes {
			return
		}
		if n == len(keys) {
			var b strings.Builder
			for p := 0; p <= len(bases); p++ {
				for j, k := range keys {
					if at[j] == p {
						b.WriteString(k.k)
					}
				}
				if p < len(bases) {
					b.WriteRune(bases[p])
				}
			}
			out = append(out, b.String())
			return
		}
		for p := keys[n].after + 1; p <= len(bases); p++ {
			at[n] = p
			try(n + 1)
		}
	}
	try(0)
	return out
}

// unmark splits a letter into its ASCII base and the keys of its marks in
// Telex or VNI (circumflex, breve, horn, the stroke of đ, then the tone);
// ASCII comes back as it is. ok is false for anything else.
func unmark(r rune, vni bool) (base rune, keys []string, ok bool) {
	if r < utf8.RuneSelf {
		return r, nil, true
	}
	upper := unicode.IsUpper(r)
	var marks []rune
	switch r {
	case 'đ', 'Đ':
		base, marks = 'd', []rune{'đ'}
	default:
		d := []rune(norm.NFD.String(string(r)))
		if len(d) < 2 || d[0] >= utf8.RuneSelf || !unicode.IsLetter(d[0]) {
			return 0, nil, false
		}
		base, marks = unicode.ToLower(d[0]), d[1:]
	}
	telex := map[rune]string{'\u0301': "s", '\u0300': "f", '\u0309': "r", '\u0303': "x", '\u0323': "j",
		'\u0302': string(base), '\u0306': "w", '\u031B': "w", 'đ': "d"}
	vniKeys := map[rune]string{'\u0301': "1", '\u0300': "2", '\u0309': "3", '\u0303': "4", '\u0323': "5",
		'\u0302': "6", '\u031B': "7", '\u0306': "8", 'đ': "9"}
	for _, m := range marks {
		k, known := telex[m]
		if vni {
			k, known = vniKeys[m]
		}
		if !known {
			return 0, nil, false
		}
		if upper {
			k = strings.ToUpper(k)
		}
		keys = append(keys, k)
	}
	if upper {
		base = unicode.ToUpper(base)
	}
	return base, keys, true
}
