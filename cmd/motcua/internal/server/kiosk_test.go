package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
)

// The kiosk's keypad learns how the center's codes begin: the agency part
// from center.agency_code, the date's digits from the first code shape
// (dossiers.code_pattern when set).
func TestKioskCodeShape(t *testing.T) {
	for _, tc := range []struct {
		name, agency, pattern string
		recorded              []string // the registry's agencies, most frequent first
		prefixes              []string
		digits                int
	}{
		{"the default pattern", "000.00.14.H56", "", nil, []string{"000.00.14.H56-"}, 6},
		{"the strict national pattern", "000.17.22.h56", `^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{6})-(\d{4,6})$`, nil, []string{"000.17.22.H56-"}, 6},
		{"a ministry's 8-digit date", "G09.20", `^[A-Z0-9.]{3,20}-[0-9]{8}-\d{7}$`, nil, []string{"G09.20-"}, 8},
		{"no date group", "", `^[A-Z]{2}\d{10}$`, nil, []string{}, 0},
		{"the registry's codes after the center's own", "000.00.14.H56", "", []string{"000.00.14.H56", "000.00.15.H56", "G09.20"}, []string{"000.00.14.H56-", "000.00.15.H56-"}, 6},
		{"no agency code: the registry's", "", "", []string{"G09.20"}, []string{"G09.20-"}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Load("../../../../configs/demo.yaml")
			if err != nil {
				t.Fatal(err)
			}
			cfg.Center.AgencyCode, cfg.Dossiers.CodePattern = tc.agency, tc.pattern
			got := (&Server{cfg: cfg, codes: cfg.Dossiers.Codes()}).codeShape(tc.recorded)
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

// The keypad learns the agencies of the codes recorded here (receipts,
// imports, pushes), counted again every agencyEvery, not at every poll.
func TestKioskAgenciesFromTheRegistry(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 11, 21, 9, 0, 0, 0, ict))
	db, err := database.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg, err := registry.Open(ctx, db, registry.Opts{Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	record := func(code string) {
		t.Helper()
		if err := reg.Record(ctx, registry.ReceiptInfo{Code: code}); err != nil {
			t.Fatal(err)
		}
	}
	record("000.00.15.H56-261120-0001")
	s := &Server{registry: reg, screens: &screens{}, now: clk.Now, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if got := s.agencies(ctx); !slices.Equal(got, []string{"000.00.15.H56"}) {
		t.Fatalf("agencies %q", got)
	}
	record("G09.20-261120-0002")
	record("G09.20-261120-0003")
	if got := s.agencies(ctx); !slices.Equal(got, []string{"000.00.15.H56"}) {
		t.Fatalf("counted again before %v: %q", agencyEvery, got)
	}
	clk.Advance(agencyEvery)
	if got := s.agencies(ctx); !slices.Equal(got, []string{"G09.20", "000.00.15.H56"}) {
		t.Fatalf("after %v: %q", agencyEvery, got)
	}
}
