package voice

import (
	"fmt"
	"regexp"
	"strings"
)

// Word is one spoken unit: its Vietnamese text (for espeak-ng and the
// browser) and the name of its recorded clip, without ".wav".
type Word struct {
	Text string
	Clip string
	// Pause asks for a short pause before the word (a comma in Text).
	Pause bool
}

var (
	ticketRE  = regexp.MustCompile(`^[A-Z]{1,3}[0-9]{1,6}$`)
	counterRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	numberRE  = regexp.MustCompile(`^[0-9]{1,3}$`)
)

// ValidTicket reports whether s looks like a queue number: one to three
// capital letters and one to six digits ("A013").
func ValidTicket(s string) bool { return ticketRE.MatchString(s) }

// ValidCounter reports whether s can be a counter id in a clip name.
func ValidCounter(s string) bool { return counterRE.MatchString(s) }

var digits = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// letters are the Vietnamese names of the Latin letters, as a clerk reads a
// queue number aloud.
var letters = map[byte]string{
	'A': "a", 'B': "bê", 'C': "xê", 'D': "đê", 'E': "e", 'F': "ép", 'G': "giê",
	'H': "hát", 'I': "i", 'J': "gi", 'K': "ca", 'L': "e lờ", 'M': "em mờ",
	'N': "en nờ", 'O': "o", 'P': "pê", 'Q': "quy", 'R': "e rờ", 'S': "ét xì",
	'T': "tê", 'U': "u", 'V': "vê", 'W': "vê kép", 'X': "ích xì", 'Y': "i dài", 'Z': "dét",
}

var (
	wordInvite  = Word{Text: "Mời công dân có số", Clip: "moi"}
	wordCounter = Word{Text: "đến quầy số", Clip: "den_quay", Pause: true}
	wordTo      = Word{Text: "đến", Clip: "den", Pause: true}
	wordQuay    = Word{Text: "quầy", Clip: "quay", Pause: true} // a counter among several calls
	wordMuoi    = Word{Text: "mười", Clip: "muoi"}              // 10, 1x
	wordMuoi2   = Word{Text: "mươi", Clip: "muoi2"}             // x0 for x >= 2
	wordMot2    = Word{Text: "mốt", Clip: "mot2"}               // the 1 of 21, 31…
	wordLam     = Word{Text: "lăm", Clip: "lam"}                // the 5 of 15, 25…
)

func digit(d byte) Word { return Word{Text: digits[d-'0'], Clip: string(d)} }

// Words lists what is said for ticket called to a counter: the invitation,
// the ticket letter by letter and digit by digit, and the counter. A counter
// whose id is a number up to 999 is read as "quầy số" and the number in
// words; another is named by its name (and its clip "counter_ID").
func Words(ticket, counterID, counterName string) ([]Word, error) {
	if !ValidTicket(ticket) {
		return nil, fmt.Errorf("voice: bad ticket number %q", ticket)
	}
	if !ValidCounter(counterID) {
		return nil, fmt.Errorf("voice: bad counter id %q", counterID)
	}
	w := []Word{wordInvite}
	for i := 0; i < len(ticket); i++ {
		c := ticket[i]
		var x Word
		if c >= '0' && c <= '9' {
			x = digit(c)
		} else {
			x = Word{Text: letters[c], Clip: "letter_" + strings.ToLower(string(c))}
		}
		x.Pause = true
		w = append(w, x)
	}
	if numberRE.MatchString(counterID) {
		w = append(w, wordCounter)
		return append(w, Number(counterID)...), nil
	}
	name := strings.TrimSpace(counterName)
	if name == "" || len(name) > 80 || strings.ContainsAny(name, "\r\n\x00") {
		name = counterID
	}
	return append(w, wordTo, Word{Text: name, Clip: "counter_" + counterID}), nil
}

// Call is one call among several announced together.
type Call struct {
	Ticket      string // "A013"
	CounterID   string // "3"
	CounterName string // "Quầy 3"
	Field       string // the name of the field whose queue it came from, "Hộ tịch"
}

// PartWords lists what is said for one call among several announced
// together, after a single invitation: the ticket letter by letter and
// digit by digit, the field's name (clip "field_" and the ticket's letter,
// lower case), and "quầy" with the counter's number, or the counter's name:
// "a, không, một, ba, Hộ tịch, quầy ba".
func PartWords(c Call) ([]Word, error) {
	w, err := Words(c.Ticket, c.CounterID, c.CounterName)
	if err != nil {
		return nil, err
	}
	field := strings.TrimSpace(c.Field)
	if field == "" || len(field) > 80 || strings.ContainsAny(field, "\r\n\x00") {
		return nil, fmt.Errorf("voice: bad field name %q", c.Field)
	}
	letters := strings.TrimRight(c.Ticket, "0123456789")
	out := append([]Word(nil), w[1:1+len(c.Ticket)]...) // the number, without the invitation
	out[0].Pause = false
	out = append(out, Word{Text: field, Clip: "field_" + strings.ToLower(letters), Pause: true})
	rest := w[1+len(c.Ticket):]
	if rest[0] == wordCounter {
		return append(append(out, wordQuay), rest[1:]...), nil
	}
	return append(out, rest...), nil // "đến" and the counter's name
}

// Number reads a number of one to three digits the way it is said:
// 3 "ba", 10 "mười", 15 "mười lăm", 21 "hai mươi mốt", 30 "ba mươi";
// longer ones and those with a leading zero digit by digit.
func Number(n string) []Word {
	n = strings.TrimLeft(n, "0")
	switch {
	case n == "":
		return []Word{digit('0')}
	case len(n) == 1:
		return []Word{digit(n[0])}
	case len(n) == 2:
		var w []Word
		if n[0] == '1' {
			w = []Word{wordMuoi}
		} else {
			w = []Word{digit(n[0]), wordMuoi2}
		}
		switch n[1] {
		case '0':
		case '1':
			if n[0] == '1' {
				w = append(w, digit('1'))
			} else {
				w = append(w, wordMot2)
			}
		case '5':
			w = append(w, wordLam)
		default:
			w = append(w, digit(n[1]))
		}
		return w
	}
	var w []Word
	for i := 0; i < len(n); i++ {
		d := digit(n[i])
		d.Pause = i > 0
		w = append(w, d)
	}
	return w
}

// Plain is the words for a speech synthesiser with no pause between them
// ("a không một ba Hộ tịch quầy ba"): one piece of an announcement of
// several calls, whose pauses are put between the pieces.
func Plain(words []Word) string {
	texts := make([]string, len(words))
	for i, w := range words {
		texts[i] = w.Text
	}
	return strings.Join(texts, " ")
}

// Text is the sentence for a speech synthesiser, with a comma where a word
// asks for a pause: "Mời công dân có số, a, không, một, ba, đến quầy số ba."
func Text(words []Word) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			if w.Pause {
				b.WriteString(",")
			}
			b.WriteString(" ")
		}
		b.WriteString(w.Text)
	}
	b.WriteString(".")
	return b.String()
}
