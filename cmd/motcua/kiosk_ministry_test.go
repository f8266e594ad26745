package main

import (
	"testing"
)

// TestKioskKeypadMinistryCode: with a ministry's dossiers in the registry
// (8-digit date, 7-digit sequence), the keypad offers their agency as a key
// and types the dash after the 8 digits of the date, not after 6: the
// citizen types G09.20-20261120-0000042 with the agency key, the digits
// and "Tra cứu".
func TestKioskKeypadMinistryCode(t *testing.T) {
	c := startCenter(t, false)
	imported := []map[string]any{
		{"code": "G09.20-20261120-0000042", "status": 4, "procedure": "Cấp phiếu lý lịch tư pháp"},
		{"code": "G09.20-20261120-0000043", "status": 2},
	}
	if code := call(t, c, staffToken(t, c, "quantri"), "POST", "/api/v1/dossiers", imported, nil); code != 200 {
		t.Fatalf("import: %d", code)
	}
	kiosk := tab(t, browser(t), kioskSizes[0].w, kioskSizes[0].h)
	open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
	goHome(t, kiosk, c)
	click(t, kiosk, "#go-lookup")
	waitFor(t, kiosk, "the keypad", visible("lookup"))
	waitFor(t, kiosk, "the ministry's agency key", `document.querySelector('#prefixes button[data-key="G09.20-"]')`)
	if taps := typeOnKeypad(t, kiosk, "G09.20-20261120-0000042"); taps > 17 {
		t.Errorf("typing the ministry's code and searching took %d taps, want at most 17", taps)
	}
	waitFor(t, kiosk, "the dossier", `document.querySelector('#lookup-result .dossier[data-status="4"]')`)
}
