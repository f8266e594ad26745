package dossiertest

// CodeCase is one text and what the default code shapes make of it.
type CodeCase struct {
	Name string
	// In is the text as typed, scanned or sent.
	In string
	// Want is the normalised code when accepted, "" when refused.
	Want string
}

// Accepted reports whether the default shapes accept In.
func (c CodeCase) Accepted() bool { return c.Want != "" }

// CodeCases is the shared table: codes as systems issue them today,
// accepted, and texts that look close, refused.
func CodeCases() []CodeCase {
	return []CodeCase{
		{"national", "000.00.14.H56-200203-0118", "000.00.14.H56-200203-0118"},
		{"national 2021", "000.17.22.H56-210531-0001", "000.17.22.H56-210531-0001"},
		{"national 6-digit sequence", "000.00.14.H56-240510-123456", "000.00.14.H56-240510-123456"},
		{"national lower case and spaces", " 000.00.14.h56 - 200203-0118 ", "000.00.14.H56-200203-0118"},
		{"national full-width digits", "０００.00.14.H56-200203-0118", "000.00.14.H56-200203-0118"},
		{"short agency", "H56-200203-0118", "H56-200203-0118"},
		{"ministry", "G09.20-20260609-0092637", "G09.20-20260609-0092637"},
		{"ministry lower case", "g09.20-20260609-0092637", "G09.20-20260609-0092637"},
		{"ministry 8-digit sequence", "G09.20-20260609-00926370", "G09.20-20260609-00926370"},

		{"empty", "", ""},
		{"spaces only", "   ", ""},
		{"no dashes", "000001420020301180", ""},
		{"3-digit sequence", "000.00.14.H56-200203-011", ""},
		{"7-digit sequence after a 6-digit date", "000.00.14.H56-200203-0118000", ""},
		{"7-digit date", "G09.20-2026060-0092637", ""},
		{"9-digit sequence", "G09.20-20260609-009263712", ""},
		{"letter in the date", "000.00.14.H56-2002O3-0118", ""},
		{"agency too short", "H5-200203-0118", ""},
		{"agency with a slash", "000/00/14/H56-200203-0118", ""},
		{"trailing text", "000.00.14.H56-200203-0118 x", ""},
		{"EAN-13", "8934563138165", ""},
		{"citizen ID card QR", "001099012345|123456789|Nguyễn Văn A|01011990|Nam|Hà Nội|01012021", ""},
		{"URL", "https://example.com/000.00.14.H56-200203-0118", ""},
		{"too long", "000.00.14.H56.000.00.14.H56.000.00.14.H56.000.00.14.H56.000-200203-0118", ""},
	}
}
