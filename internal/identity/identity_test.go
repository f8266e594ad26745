package identity

import (
	"errors"
	"strings"
	"testing"
)

// A made-up card: number, old CMND, name, birth date, sex, address, issue date.
const card = "001099012345|123456789|Nguyễn Văn An|15081999|Nam|Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|20042021"

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		name, payload, want string
	}{
		{"card", card, "001099012345"},
		{"card, no old number", "079203001122||Trần Thị Bình|01012003|Nữ|Quận 1, TP.HCM|10102022", "079203001122"},
		{"card, scanner suffix", card + "\r\n", "001099012345"},
		{"newer card, more fields", "048095000777|||02021995|Nam|Đà Nẵng|01072024|extra|fields", "048095000777"},
		{"newer card, fewer fields", "096188000001|Lê C", "096188000001"},
		{"typed", "001099012345", "001099012345"},
		{"typed in groups", "001 099 012 345", "001099012345"},
		{"typed with dots", "001.099.012.345", "001099012345"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Number(tc.payload)
			if err != nil || got != tc.want {
				t.Fatalf("Number = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestNumberRefuses(t *testing.T) {
	for _, tc := range []struct{ name, payload string }{
		{"empty", ""},
		{"11 digits", "00109901234"},
		{"13 digits", "0010990123456"},
		{"letters", "00109901234A"},
		{"no province 000", "000099012345"},
		{"no province 097", "097099012345"},
		{"all zeros after the province", "001000000000"},
		{"card with a bad number", "00109901234|123456789|Nguyễn Văn An|15081999|Nam|Hà Nội|20042021"},
		{"a dossier code", "000.00.14.H56-200203-0118"},
		{"an URL", "https://motcua.example.gov.vn/t/abc"},
		{"full-width digits", "００１０９９０１２３４５"},
		{"too long", "001099012345|" + strings.Repeat("x", MaxPayload)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Number(tc.payload)
			if !errors.Is(err, ErrNotID) || got != "" {
				t.Fatalf("Number = %q, %v; want ErrNotID", got, err)
			}
			if tc.payload != "" && strings.Contains(err.Error(), tc.payload) {
				t.Fatal("the error repeats the payload")
			}
		})
	}
}

func TestPerson(t *testing.T) {
	h1, err := New([]byte("province-secret-one-32-bytes-long"))
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := New([]byte("province-secret-two-32-bytes-long"))
	scanned, err := h1.Read(card)
	if err != nil {
		t.Fatal(err)
	}
	typed, _ := h1.Read("001 099 012 345")
	if scanned != typed {
		t.Fatal("the card and its typed number give different persons")
	}
	if len(scanned) != 64 || strings.Contains(string(scanned), "001099012345") {
		t.Fatalf("person %q", scanned)
	}
	if other, _ := h2.Read(card); other == scanned {
		t.Fatal("another secret gives the same person")
	}
	if other, _ := h1.Read("001099012346"); other == scanned {
		t.Fatal("another number gives the same person")
	}
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("a short secret was taken")
	}
}

func TestModes(t *testing.T) {
	for m, asks := range map[Mode]bool{Off: false, Optional: true, Required: true} {
		if !m.Valid() || m.Asks() != asks {
			t.Errorf("%s: valid %v asks %v", m, m.Valid(), m.Asks())
		}
	}
	if Mode("yes").Valid() || Mode("").Valid() {
		t.Error("unknown modes are valid")
	}
}

func FuzzNumber(f *testing.F) {
	f.Add(card)
	f.Add("001 099 012 345")
	f.Add("|")
	f.Fuzz(func(t *testing.T, payload string) {
		n, err := Number(payload)
		if err != nil {
			if n != "" || err != ErrNotID {
				t.Fatalf("Number(%q) = %q, %v", payload, n, err)
			}
			return
		}
		if again, err := Number(n); !twelveDigits(n) || again != n || err != nil {
			t.Fatalf("Number(%q) = %q, not a number Number takes back", payload, n)
		}
	})
}
