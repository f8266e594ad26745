package dossier_test

import (
	"errors"
	"testing"

	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/dossiertest"
)

func TestCodesSharedTable(t *testing.T) {
	codes := dossier.DefaultCodes()
	for _, tc := range dossiertest.CodeCases() {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := codes.Parse(tc.In)
			if !tc.Accepted() {
				if !errors.Is(err, dossier.ErrInvalidCode) {
					t.Fatalf("Parse(%q) = %q, %v; want ErrInvalidCode", tc.In, got, err)
				}
				return
			}
			if err != nil || got != tc.Want {
				t.Fatalf("Parse(%q) = %q, %v; want %q", tc.In, got, err, tc.Want)
			}
		})
	}
}

func TestCodesShapeNames(t *testing.T) {
	codes := dossier.DefaultCodes()
	for code, want := range map[string]string{
		"000.00.14.H56-200203-0118": "national",
		"G09.20-20260609-0092637":   "ministry",
	} {
		if got, ok := codes.Shape(code); !ok || got != want {
			t.Errorf("Shape(%q) = %q, %v; want %q", code, got, ok, want)
		}
	}
}

func TestShapesFor(t *testing.T) {
	strict := `^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4,6}$`
	codes, err := dossier.NewCodes(dossier.ShapesFor(strict, []dossier.CodeShape{{Name: "so-tnmt", Pattern: `^TNMT-\d{10}$`}}))
	if err != nil {
		t.Fatal(err)
	}
	for in, ok := range map[string]bool{
		"000.00.14.H56-200203-0118": true,
		"H56-200203-0118":           false, // the strict national pattern replaced the lenient one
		"G09.20-20260609-0092637":   true,  // the ministry shape stays
		"tnmt-2026000001":           true,  // the province's own
		"TNMT-20260001":             false,
	} {
		if _, err := codes.Parse(in); (err == nil) != ok {
			t.Errorf("Parse(%q): %v, want accepted=%v", in, err, ok)
		}
	}
	if got := codes.Shapes()[2].Name; got != "so-tnmt" {
		t.Errorf("third shape %q", got)
	}
}

func TestNewCodesRefusesBadShapes(t *testing.T) {
	for _, shapes := range [][]dossier.CodeShape{{{Name: "x", Pattern: "("}}, {{Name: "empty"}}} {
		if _, err := dossier.NewCodes(shapes); err == nil {
			t.Errorf("%v accepted", shapes)
		}
	}
}

func TestDateDigits(t *testing.T) {
	for pattern, want := range map[string]int{
		dossier.NationalPattern:                                 6,
		dossier.MinistryPattern:                                 8,
		`^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{6})-(\d{4,6})$`: 6,
		`^[A-Z]+\d+$`:                                           0,
	} {
		c, err := dossier.NewCodes([]dossier.CodeShape{{Pattern: pattern}})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.DateDigits(); got != want {
			t.Errorf("DateDigits(%s) = %d, want %d", pattern, got, want)
		}
	}
}
