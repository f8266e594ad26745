package lookup

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The input methods' rules, as Unikey and EVKey apply them to what a
// keyboard-wedge scanner types, for the tests: a letter being built in the
// current word (letters only in Telex; letters and digits in VNI).
type vnLetter struct {
	base  rune // lower case: a, e, o, u, d, or any other letter or digit
	mod   rune // combining circumflex, breve or horn; 'đ' for the stroke
	tone  rune // combining acute, grave, hook, tilde, dot below
	upper bool
}

const (
	circumflex = '\u0302'
	breve      = '\u0306'
	horn       = '\u031B'
	stroke     = 'đ'
)

func (l vnLetter) String() string {
	b := l.base
	if l.mod == stroke {
		b = 'đ'
	}
	s := string(b)
	if l.mod != 0 && l.mod != stroke {
		s += string(l.mod)
	}
	if l.tone != 0 {
		s += string(l.tone)
	}
	s = norm.NFC.String(s)
	if l.upper {
		s = strings.ToUpper(s)
	}
	return s
}

func isVowel(r rune) bool { return strings.ContainsRune("aeiouy", r) }

// toneVowel is the vowel of word that takes a tone mark: the last one with
// a mark of its own (â, ơ…), else the last vowel.
func toneVowel(word []vnLetter) int {
	at, marked := -1, -1
	for i, l := range word {
		if isVowel(l.base) {
			if l.mod != 0 {
				marked = i
			}
			at = i
		}
	}
	if marked >= 0 {
		return marked
	}
	return at
}

// typeVN is what lands in the browser when a scanner types s through an
// input method: Telex (vni false) or VNI.
func typeVN(s string, vni bool) string {
	var out strings.Builder
	var word []vnLetter
	flush := func() {
		for _, l := range word {
			out.WriteString(l.String())
		}
		word = word[:0]
	}
	tones := map[rune]rune{'s': '\u0301', 'f': '\u0300', 'r': '\u0309', 'x': '\u0303', 'j': '\u0323'}
	if vni {
		tones = map[rune]rune{'1': '\u0301', '2': '\u0300', '3': '\u0309', '4': '\u0303', '5': '\u0323'}
	}
	for _, c := range s {
		k := unicode.ToLower(c)
		letter := unicode.IsLetter(c) && c < unicode.MaxASCII
		inWord := letter || (vni && unicode.IsDigit(c) && len(word) > 0)
		if !inWord {
			flush()
			out.WriteRune(c)
			continue
		}
		up := unicode.IsUpper(c)
		lit := vnLetter{base: k, upper: up}
		done := false
		tv := toneVowel(word)
		switch {
		case tones[k] != 0 && tv >= 0 && word[tv].tone != tones[k]:
			word[tv].tone, done = tones[k], true
		case !vni && (k == 'a' || k == 'e' || k == 'o'), vni && k == '6':
			want := k
			for i := len(word) - 1; i >= 0 && !done; i-- {
				if word[i].mod == 0 && (word[i].base == want || (vni && strings.ContainsRune("aeo", word[i].base))) {
					word[i].mod, done = circumflex, true
				}
			}
		case !vni && k == 'w', vni && (k == '7' || k == '8'):
			for i := len(word) - 1; i >= 0 && !done; i-- {
				switch b := word[i].base; {
				case word[i].mod != 0:
				case b == 'a' && (k == 'w' || k == '8'):
					word[i].mod, done = breve, true
				case (b == 'o' || b == 'u') && k != '8':
					word[i].mod, done = horn, true
				}
			}
			if !done && k == 'w' && tv < 0 {
				lit, done = vnLetter{base: 'u', mod: horn, upper: up}, false
			}
		case !vni && k == 'd', vni && k == '9':
			if len(word) > 0 && word[0].base == 'd' && word[0].mod == 0 {
				word[0].mod, done = stroke, true
			}
		}
		if !done {
			word = append(word, lit)
		}
	}
	flush()
	return out.String()
}

func TestTheInputMethodsAsTheTestsHaveThem(t *testing.T) {
	for _, tc := range []struct {
		in   string
		vni  bool
		want string
	}{
		{"Vieejt Nam", false, "Việt Nam"},
		{"dduwowngf", false, "đường"},
		{"tieengs Vieejt", false, "tiếng Việt"},
		{"W", false, "Ư"},
		{"Vie65t Nam", true, "Việt Nam"},
		{"d9u7o72ng", true, "đường"},
		{"H56-200203", true, "H56-200203"},
		{"https://motcua.binhthanh.gov.vn/h/", false, "https://motcua.binhthanh.gov.vn/h/"},
		{"https://motcua.example.gov.vn/h/", false, "https://motcua.ễampl.gov.vn/h/"},
		{"000.00.05.A01-260115", true, "000.00.05.Á0-260115"},
	} {
		if got := typeVN(tc.in, tc.vni); got != tc.want {
			t.Errorf("typeVN(%q, vni %v) = %q, want %q", tc.in, tc.vni, got, tc.want)
		}
	}
}

// A receipt's QR code read by a keyboard-wedge scanner into a PC with
// Telex or VNI on (and CapsLock either way) still verifies: the host and
// path may come out as Vietnamese, the code and the decimal signature
// intact. Another key, or a digit changed, still does not.
func TestSignedReceiptSurvivesTelexAndVNI(t *testing.T) {
	codes := []string{"000.00.14.H56-200203-0118", "000.00.25.X12-261130-0042", "000.00.05.A01-260115-00017"}
	bases := []string{"https://motcua.example.gov.vn", "https://phuongdongda.hanoi.gov.vn/motcua",
		"http://xaphuloi.tphcm.gov.vn:8080", "https://tiepnhanhosowd.danang.gov.vn"}
	rewrittenSeen := 0
	for _, base := range bases {
		p, err := NewParser(ParserOpts{PublicBaseURL: base, Secret: secret, OldSecrets: [][]byte{[]byte("khóa cũ")},
			ReceiptPrefix: "/h/", TicketPrefix: "/t/"})
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range codes {
			signed := Sign(base+"/h/", secret, code)
			for _, caps := range []bool{false, true} {
				scanned := signed
				if caps {
					scanned = swapCase(scanned)
				}
				for _, vni := range []bool{false, true} {
					typed := typeVN(scanned, vni)
					if typed != scanned {
						rewrittenSeen++
					}
					got, err := p.Parse(typed)
					if err != nil || !got.Verified || got.Code != code {
						t.Errorf("%s, caps %v, vni %v: Parse(%q) = %+v, %v", code, caps, vni, typed, got, err)
					}
					last := typed[len(typed)-1]
					changed := typed[:len(typed)-1] + string('0'+(last-'0'+1)%10)
					if got, err := p.Parse(changed); err == nil && got.Verified {
						t.Errorf("a digit changed in %q verified", changed)
					}
					other := typeVN(Sign(base+"/h/", []byte("khóa khác"), code), vni)
					if got, err := p.Parse(other); err == nil && got.Verified {
						t.Errorf("another key's %q verified", other)
					}
				}
			}
		}
	}
	if rewrittenSeen == 0 {
		t.Fatal("no URL came out rewritten: the test shows nothing")
	}
	t.Logf("%d of %d typed URLs came out rewritten", rewrittenSeen, len(bases)*len(codes)*4)
}

// Rewritten, a receipt of the old base32 signature does not verify (its
// letters are rewritten too), nor does a rewritten URL that is not a
// receipt; neither is taken for something else.
func TestRewrittenPayloadsThatAreNotReceipts(t *testing.T) {
	p := newParser(t, "https://motcua.example.gov.vn")
	for _, in := range []string{
		typeVN("https://motcua.example.gov.vn/h/"+code+"?sig="+base32Signature(secret, code), false),
		"https://đường.example/h/" + code,
		"https://đường.example/x/" + code + "?sig=" + Signature(secret, code),
		"https://đường.example/h/" + code + "?sig=" + Signature(secret, "000.00.14.H56-200203-0119"),
		"https://đường.example/h/Đ" + code + "?sig=" + Signature(secret, code),
	} {
		if got, err := p.Parse(in); err == nil && got.Verified {
			t.Errorf("Parse(%q) = %+v: verified", in, got)
		}
	}
}
