package server

import (
	"testing"

	"motcua/kiosk/dossier/dossiertest"
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
