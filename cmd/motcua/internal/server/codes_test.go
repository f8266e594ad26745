package server

import (
	"context"
	"testing"

	"motcua/kiosk/dossier/dossiertest"
	"motcua/kiosk/dossier/registry"
)

// TestReceiptCodesSharedTable: POST /api/v1/receipts accepts exactly the
// codes of the shared table, normalised as every other parser does.
func TestReceiptCodesSharedTable(t *testing.T) {
	p := newPrintEnv(t)
	admin := p.login("quantri")
	want := 0
	for _, tc := range dossiertest.CodeCases() {
		code, r := p.do("POST", "/api/v1/receipts", admin, receiptBody(map[string]any{"dossier_code": tc.In, "printer": "quay1"}))
		switch {
		case tc.Accepted() && code != 202:
			t.Errorf("%s: %q refused: %d %v", tc.Name, tc.In, code, r)
		case !tc.Accepted() && (code != 400 || errCode(r) != "invalid_field"):
			t.Errorf("%s: %q: %d %v, want 400 invalid_field", tc.Name, tc.In, code, r)
		}
		if tc.Accepted() {
			want++
		}
	}
	if n := p.jobs(); n != want {
		t.Fatalf("%d jobs, want %d", n, want)
	}
}

// The keypad learns that a ministry's codes in the registry have an 8-digit
// date after their agency, so it types the dash after 8 digits there.
func TestKeypadDateDigitsPerPrefix(t *testing.T) {
	p := newPushEnv(t)
	for _, code := range []string{"G09.20-20261120-0000041", "G09.20-20261120-0000042", "G09.20-20261120-0000043"} {
		if err := p.reg.Record(context.Background(), registry.ReceiptInfo{Code: code}); err != nil {
			t.Fatal(err)
		}
	}
	code, r := p.do("GET", "/api/v1/kiosks/k1", kioskK1, "")
	if code != 200 {
		t.Fatalf("settings: %d %v", code, r)
	}
	c := r["code"].(map[string]any)
	byPrefix := c["date_digits_by_prefix"].(map[string]any)
	if c["date_digits"] != float64(6) || len(byPrefix) != 1 || byPrefix["G09.20-"] != float64(8) {
		t.Fatalf("code %v", c)
	}
}
