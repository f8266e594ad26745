package config

import (
	"fmt"
	"regexp"

	"motcua/kiosk/dossier"
)

// checkCodeShapes checks dossiers.code_pattern and dossiers.code_shapes.
func (c *Config) checkCodeShapes() []*Error {
	var errs []*Error
	d := &c.Dossiers
	if d.CodePattern != "" {
		if _, err := regexp.Compile(d.CodePattern); err != nil {
			errs = append(errs, c.fail("dossiers.code_pattern", "not a regular expression: %v", err))
		}
	}
	for i, s := range d.CodeShapes {
		key := fmt.Sprintf("dossiers.code_shapes[%d].pattern", i)
		if s.Pattern == "" {
			errs = append(errs, c.fail(key, "a shape needs a pattern"))
			continue
		}
		if _, err := regexp.Compile(s.Pattern); err != nil {
			errs = append(errs, c.fail(key, "not a regular expression: %v", err))
		}
	}
	return errs
}

// Codes are the dossier code shapes the center accepts, everywhere a code
// is read: the built-in national shape (or dossiers.code_pattern in its
// place), the ministry shape, then dossiers.code_shapes. Parse checked
// them; on a Config that did not pass Parse a bad shape gives the
// built-in ones.
func (d Dossiers) Codes() *dossier.Codes {
	codes, err := dossier.NewCodes(dossier.ShapesFor(d.CodePattern, d.CodeShapes))
	if err != nil {
		return dossier.DefaultCodes()
	}
	return codes
}
