package scanner

import (
	"slices"
	"strings"
	"testing"
)

func split(suffix Suffix, chunks ...string) (codes []string, drops []string) {
	sp := newSplitter(suffix, 3, 32)
	for _, c := range chunks {
		sp.feed([]byte(c), func(s string) { codes = append(codes, s) }, func(d discard) { drops = append(drops, d.reason) })
	}
	return codes, drops
}

func TestSplitter(t *testing.T) {
	code := "000.00.14.H56-200203-0118"
	for _, tc := range []struct {
		name   string
		suffix Suffix
		chunks []string
		codes  []string
		drops  int
	}{
		{"cr", SuffixCR, []string{code + "\r", "ABC\r"}, []string{code, "ABC"}, 0},
		{"cr ignores lf", SuffixCR, []string{code + "\r\n", "ABC\r\n"}, []string{code, "ABC"}, 0},
		{"lf", SuffixLF, []string{code + "\n", "ABC\n"}, []string{code, "ABC"}, 0},
		{"lf ignores cr", SuffixLF, []string{code + "\r\n"}, []string{code}, 0},
		{"crlf", SuffixCRLF, []string{code + "\r\n", "ABC\r", "\n"}, []string{code, "ABC"}, 0},
		{"crlf lone cr is garbage", SuffixCRLF, []string{"AB\rCD\r\n", code + "\r\n"}, []string{code}, 1},
		{"auto mixes endings", SuffixAuto, []string{"AAA\r", "BBB\n", "CCC\r\n", "DDD\r", "\nEEE\n\n"}, []string{"AAA", "BBB", "CCC", "DDD", "EEE"}, 0},
		{"split across reads", SuffixAuto, []string{"000.00", ".14.H56-2002", "03-0118\r", "\n"}, []string{code}, 0},
		{"control characters", SuffixAuto, []string{"AB\x00CD\r", "\x1b[2JXYZ\r", code + "\r"}, []string{code}, 2},
		{"invalid utf-8", SuffixAuto, []string{"AB\xff\xfeCD\n", code + "\n"}, []string{code}, 1},
		{"too long", SuffixAuto, []string{strings.Repeat("A", 40) + "\r", code + "\r"}, []string{code}, 1},
		{"too long across reads", SuffixAuto, []string{strings.Repeat("A", 20), strings.Repeat("A", 20), strings.Repeat("A", 20) + "\r" + code + "\r"}, []string{code}, 1},
		{"too short", SuffixAuto, []string{"AB\r", code + "\r"}, []string{code}, 1},
		{"spaces trimmed", SuffixAuto, []string{"  " + code + " \r"}, []string{code}, 0},
		{"del", SuffixAuto, []string{"AB\x7fCD\r"}, nil, 1},
		{"tab", SuffixTab, []string{code + "\t", "ABC\r\n\t"}, []string{code, "ABC"}, 0},
		{"tab split across reads", SuffixTab, []string{"000.00.14", ".H56-200203-0118\t"}, []string{code}, 0},
		{"stx-etx", SuffixSTXETX, []string{"\x02" + code + "\x03\r\n", "\x02ABC\x03"}, []string{code, "ABC"}, 0},
		{"stx-etx noise between frames", SuffixSTXETX, []string{"zz\x02" + code + "\x03 junk \x02AB", "C\x03"}, []string{code, "ABC"}, 0},
		{"stx-etx frame cut by a new stx", SuffixSTXETX, []string{"\x02000.00\x02" + code + "\x03"}, []string{code}, 0},
		{"stx-etx etx without stx", SuffixSTXETX, []string{"ABC\x03", "\x02" + code + "\x03"}, []string{code}, 0},
		{"none waits for a pause", SuffixNone, []string{code, "\r\n"}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			codes, drops := split(tc.suffix, tc.chunks...)
			if !slices.Equal(codes, tc.codes) || len(drops) != tc.drops {
				t.Fatalf("codes %q drops %q, want %q and %d drops", codes, drops, tc.codes, tc.drops)
			}
		})
	}
}

func TestSplitterKeepsVietnamese(t *testing.T) {
	codes, drops := split(SuffixAuto, "Hộ tịch\r")
	if !slices.Equal(codes, []string{"Hộ tịch"}) || len(drops) != 0 {
		t.Fatalf("codes %q drops %q: a UTF-8 payload reaches the kiosk, which says it is not a receipt", codes, drops)
	}
}

func TestSplitterFlush(t *testing.T) {
	sp := newSplitter(SuffixAuto, 3, 32)
	var drops []discard
	sp.feed([]byte("000.00.14"), func(string) { t.Fatal("no code without a line ending") }, nil)
	if !sp.pending() {
		t.Fatal("pending")
	}
	sp.flush("dở dang", func(d discard) { drops = append(drops, d) })
	if len(drops) != 1 || drops[0].length != 9 || sp.pending() {
		t.Fatalf("drops %+v", drops)
	}
}

// A scanner without a suffix: the pause after a code ends it; a pause
// with nothing buffered ends nothing, and other suffixes ignore pauses.
func TestSplitterPause(t *testing.T) {
	code := "000.00.14.H56-200203-0118"
	var codes []string
	sp := newSplitter(SuffixNone, 3, 32)
	on := func(s string) { codes = append(codes, s) }
	sp.feed([]byte("000.00.14.H56"), on, nil)
	sp.feed([]byte("-200203-0118"), on, nil)
	sp.pause(on, nil)
	sp.pause(on, nil)
	sp.feed([]byte("ABC\r\n"), on, nil)
	sp.pause(on, nil)
	if !slices.Equal(codes, []string{code, "ABC"}) {
		t.Fatalf("codes %q", codes)
	}
	cr := newSplitter(SuffixCR, 3, 32)
	cr.feed([]byte("ABC"), on, nil)
	cr.pause(on, nil)
	if len(codes) != 2 || !cr.pending() {
		t.Fatalf("a pause ended a line of a scanner with a suffix: %q", codes)
	}
}

func TestAIMIdentifier(t *testing.T) {
	for _, tc := range []struct{ in, sym, rest string }{
		{"]C0000.00.14.H56-200203-0118", "]C0", "000.00.14.H56-200203-0118"},
		{"]Q1https://motcua.example/h/X", "]Q1", "https://motcua.example/h/X"},
		{"]d2 ABC", "]d2", "ABC"},
		{"000.00.14.H56-200203-0118", "", "000.00.14.H56-200203-0118"},
		{"]C0", "", "]C0"},
		{"]-0ABC", "", "]-0ABC"},
	} {
		if sym, rest := aim(tc.in); sym != tc.sym || rest != tc.rest {
			t.Errorf("aim(%q) = %q, %q; want %q, %q", tc.in, sym, rest, tc.sym, tc.rest)
		}
	}
}
