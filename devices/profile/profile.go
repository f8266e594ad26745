package profile

import (
	"strings"

	"motcua/devices/layout"
)

// Generic is the name of the default profile: today's behaviour.
const Generic = "generic"

// Status support, as the spooler's status mode (spool.StatusMode).
const (
	StatusAuto  = "auto"  // answers DLE EOT: ask, and print on if it falls silent
	StatusNever = "never" // a write-only printer: never ask
)

// Profile is one printer model, or a family that prints alike.
type Profile struct {
	// Name is what `model:` in the config says, lower case.
	Name string
	// Models are the makers' names it covers, as GS I 67 or the label says.
	Models []string
	// Maker is the manufacturer, as GS I 66 answers it.
	Maker string
	// DPI is the resolution: 203, or 180 (Epson TM-T88IV-VII).
	DPI int
	// Width58 and Width80 are the printable dots on 58 and 80 mm paper
	// (0: the model does not take that paper).
	Width58, Width80 int
	// FeedUnits is how many vertical motion units make one dot: 1 (ESC J
	// counts dots), or 2 where the unit is half a dot (1/406 inch at 203 dpi,
	// 1/360 at 180 dpi).
	FeedUnits int
	// CentresImages is false for printers that ignore ESC a for raster
	// images: the layout pads them with blank bytes on the left instead.
	CentresImages bool
	// NativeQR and NativeCode128: the printer draws GS ( k QR codes and
	// GS k 73 Code128; otherwise the layout sends them as images.
	NativeQR, NativeCode128 bool
	// Status is StatusAuto for printers that answer DLE EOT, StatusNever
	// for those that never do.
	Status string
	// Cut ends each job (layout.CutNone for printers without a cutter).
	Cut layout.Cut
	// FlowControl is the serial handshake the printer ships with ("": the
	// transport's default), as flow_control in the config.
	FlowControl string
	// RealtimeSwitch: the printer takes GS ( D, so each job switches off
	// the real-time commands its image bytes could trigger (DLE DC4:
	// drawer pulse, power off).
	RealtimeSwitch bool
	// Notes are what differs and what is uncertain, for the docs and the probe.
	Notes string
}

// Layout is the layout options of a printer of this profile on paper mm
// wide (58, or 80 for anything else); a paper the model does not take
// gets the other one's width.
func (p Profile) Layout(paperMM int) layout.Opts {
	w := p.Width80
	if (paperMM == 58 && p.Width58 != 0) || w == 0 {
		w = p.Width58
	}
	return layout.Opts{
		Width:       w,
		RasterCodes: !p.NativeCode128,
		RasterQR:    !p.NativeQR,
		FeedUnits:   p.FeedUnits,
		PadImages:   !p.CentresImages,
		Cut:         p.Cut,
		NoRealtime:  p.RealtimeSwitch,
	}
}

// Paper reports whether the model takes paper mm wide.
func (p Profile) Paper(mm int) bool {
	switch mm {
	case 58:
		return p.Width58 != 0
	case 80:
		return p.Width80 != 0
	}
	return false
}

// Lookup finds a profile by name, case-insensitively; "" is Generic.
func Lookup(name string) (Profile, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		name = Generic
	}
	for _, p := range profiles() {
		if p.Name == name {
			return p, true
		}
	}
	return Profile{}, false
}

// Default is the generic profile.
func Default() Profile {
	p, _ := Lookup(Generic)
	return p
}

// Names are the shipped profiles' names, generic first.
func Names() []string {
	var ns []string
	for _, p := range profiles() {
		ns = append(ns, p.Name)
	}
	return ns
}

// All returns every shipped profile, generic first.
func All() []Profile { return profiles() }

// Suggest names the profile for a printer that answered GS I 66 (maker)
// and GS I 67 (model name) as given: the profile whose maker and one of
// whose models match, ignoring case, spaces and dashes; Generic when none
// does (including a printer that does not answer GS I 66/67).
func Suggest(maker, model string) string {
	m := squash(model)
	if m == "" {
		return Generic
	}
	best, bestLen := Generic, 0
	for _, p := range profiles() {
		if p.Maker != "" && maker != "" && !strings.Contains(squash(maker), squash(p.Maker)) {
			continue
		}
		for _, name := range p.Models {
			n := squash(name)
			// The longest model name contained in the answer: "TM-T20III"
			// answers match TM-T20III, not TM-T20.
			if strings.Contains(m, n) && len(n) > bestLen {
				best, bestLen = p.Name, len(n)
			}
		}
	}
	return best
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' || r < 0x20 {
			return -1
		}
		return r
	}, strings.ToUpper(s))
}
