package server

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"motcua/cmd/motcua/internal/config"
	"motcua/kiosk/dossier"
	"motcua/kiosk/lookup"
)

// The kiosk's keypad learns how the center's codes begin: the agency part
// from center.agency_code, the date's digits from dossiers.code_pattern.
func TestKioskCodeShape(t *testing.T) {
	for _, tc := range []struct {
		name, agency, pattern string
		prefixes              []string
		digits                int
	}{
		{"the default pattern", "000.00.14.H56", "", []string{"000.00.14.H56-"}, 6},
		{"the strict national pattern", "000.17.22.h56", `^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{6})-(\d{4,6})$`, []string{"000.17.22.H56-"}, 6},
		{"a ministry's 8-digit date", "G09.20", `^[A-Z0-9.]{3,20}-[0-9]{8}-\d{7}$`, []string{"G09.20-"}, 8},
		{"no date group", "", `^[A-Z]{2}\d{10}$`, []string{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Load("../../../../configs/demo.yaml")
			if err != nil {
				t.Fatal(err)
			}
			cfg.Center.AgencyCode, cfg.Dossiers.CodePattern = tc.agency, tc.pattern
			got := (&Server{cfg: cfg}).codeShape()
			if !slices.Equal(got.Prefixes, tc.prefixes) || got.DateDigits != tc.digits {
				t.Fatalf("code shape %+v, want prefixes %q and %d date digits", got, tc.prefixes, tc.digits)
			}
		})
	}
}

// A scan of our signed receipt answers the masked name beside the full one
// (the kiosk shows it once the citizen steps away); any other scan has none.
func TestScanAnswerMasksTheName(t *testing.T) {
	d := &dossier.Dossier{Code: "000.00.14.H56-200203-0118", Applicant: "Nguyễn Văn An"}
	if got := scanAnswer(lookup.Result{Kind: lookup.KindDossier, Dossier: d, Verified: true}); got.ApplicantMasked != "N*** V*** A***" {
		t.Fatalf("signed receipt: masked name %q", got.ApplicantMasked)
	}
	masked := &dossier.Dossier{Code: d.Code, Applicant: dossier.MaskName(d.Applicant)}
	if got := scanAnswer(lookup.Result{Kind: lookup.KindDossier, Dossier: masked}); got.ApplicantMasked != "" {
		t.Fatalf("a bare code carries a second name: %q", got.ApplicantMasked)
	}
	b, err := json.Marshal(scanAnswer(lookup.Result{Kind: lookup.KindDossier, Dossier: d, Verified: true}))
	if err != nil || !strings.Contains(string(b), `"verified":true`) || !strings.Contains(string(b), `"applicant_masked":"N*** V*** A***"`) {
		t.Fatalf("scan answer JSON %s (%v)", b, err)
	}
}
