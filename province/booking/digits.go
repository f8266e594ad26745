package booking

import "slices"

// Bytes become decimal digits seven at a time: 2^56 < 10^17, so each group
// of 7 bytes is 17 digits, zero-padded; a last group of k < 7 bytes takes
// width[k] digits. The count of digits says how many bytes there were.
var width = [8]int{0, 3, 5, 8, 10, 13, 15, 17}

func digits(b []byte) string {
	out := make([]byte, 0, len(b)/7*17+17)
	for len(b) > 0 {
		k := min(len(b), 7)
		var n uint64
		for _, c := range b[:k] {
			n = n<<8 | uint64(c)
		}
		var group [17]byte
		for i := width[k] - 1; i >= 0; i-- {
			group[i] = byte('0' + n%10)
			n /= 10
		}
		out = append(out, group[:width[k]]...)
		b = b[k:]
	}
	return string(out)
}

func undigits(s string) ([]byte, bool) {
	last := len(s) % 17
	k := slices.Index(width[:], last)
	if k < 0 || len(s) == 0 {
		return nil, false
	}
	out := make([]byte, 0, len(s)/17*7+7)
	for len(s) > 0 {
		w, n := 17, 7
		if len(s) < 17 {
			w, n = len(s), k
		}
		var v uint64
		for i := 0; i < w; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return nil, false
			}
			v = v*10 + uint64(c-'0')
		}
		if v>>(8*n) != 0 {
			return nil, false
		}
		for i := n - 1; i >= 0; i-- {
			out = append(out, byte(v>>(8*i)))
		}
		s = s[w:]
	}
	return out, true
}
