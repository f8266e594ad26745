package profile

import "motcua/devices/layout"

// profiles are the shipped profiles, generic first. Values marked
// "uncertain" are the safe ones: padding images works on printers that do
// centre them too (the layout sends ESC a 0 before them), raster QR codes
// print on any printer that prints GS v 0 images.
func profiles() []Profile {
	return []Profile{
		{
			Name: Generic, DPI: 203, Width58: layout.Width58, Width80: layout.Width80,
			FeedUnits: 1, CentresImages: true, NativeQR: true, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutPartialFeed,
			Notes: "Today's layout: 203 dpi, ESC J in dots, ESC a centres images, GS ( k and GS k 73, GS V 66 0.",
		},
		{
			Name: "tm-t20iii", Maker: "EPSON", Models: []string{"TM-T20", "TM-T20II", "TM-T20III", "TM-T20X"},
			DPI: 203, Width58: layout.Width58, Width80: layout.Width80,
			FeedUnits: 2, CentresImages: true, NativeQR: true, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutPartialFeed, FlowControl: "dtrdsr", RealtimeSwitch: true,
			Notes: "Vertical motion unit 1/406 inch (GS P default y = 406): every ESC J and ESC 3 is doubled. " +
				"Serial handshake DTR/DSR by default (memory switch). 58 mm paper: 384 dots kept (uncertain: " +
				"the printer may print a little wider).",
		},
		{
			Name: "tm-t82iii", Maker: "EPSON", Models: []string{"TM-T82", "TM-T82II", "TM-T82III", "TM-T82X"},
			DPI: 203, Width58: layout.Width58, Width80: layout.Width80,
			FeedUnits: 1, CentresImages: true, NativeQR: true, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutPartialFeed, FlowControl: "dtrdsr", RealtimeSwitch: true,
			Notes: "Feed unit uncertain: 1/203 inch kept; if blank spaces print halved, use tm-t20iii. " +
				"Serial handshake DTR/DSR by default.",
		},
		{
			Name: "tm-t88v", Maker: "EPSON", Models: []string{"TM-T88IV", "TM-T88V", "TM-T88VI", "TM-T88VII"},
			DPI: 180, Width58: 360, Width80: 512,
			FeedUnits: 2, CentresImages: true, NativeQR: true, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutPartialFeed, FlowControl: "dtrdsr", RealtimeSwitch: true,
			Notes: "180 dpi, 512 dots on 80 mm (360 on 58 mm): everything is laid out within them, and prints " +
				"about 13% larger. Vertical motion unit 1/360 inch (GS P default y = 360, as on the TM-T88III): " +
				"ESC J doubled. No GS ( k on the TM-T88IV before firmware with 2D codes (uncertain: use " +
				"raster_codes: true if the QR prints as text).",
		},
		{
			Name: "xp-80c", Maker: "Xprinter", Models: []string{"XP-80C", "XP-80"},
			DPI: 203, Width58: layout.Width58, Width80: layout.Width80,
			FeedUnits: 1, CentresImages: false, NativeQR: false, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutPartialFeed,
			Notes: "Some firmware prints GS ( k as text: QR codes as raster. Image centring uncertain: padded.",
		},
		{
			Name: "xp-q200", Maker: "Xprinter", Models: []string{"XP-Q200", "XP-Q200II", "XP-Q260"},
			DPI: 203, Width58: layout.Width58, Width80: layout.Width80,
			FeedUnits: 1, CentresImages: false, NativeQR: false, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutPartialFeed,
			Notes: "Same firmware family as the XP-80C (uncertain whether GS ( k prints): QR codes as raster, images padded.",
		},
		{
			Name: "xp-58iih", Maker: "Xprinter", Models: []string{"XP-58IIH", "XP-58IIL", "XP-58"},
			DPI: 203, Width58: layout.Width58, Width80: 0,
			FeedUnits: 1, CentresImages: false, NativeQR: false, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutNone,
			Notes: "58 mm only, no cutter: the paper is fed past the tear bar. QR codes as raster, images padded (uncertain).",
		},
		{
			Name: "rongta", Maker: "RONGTA", Models: []string{"RP80", "RP326", "RP327", "RP332"},
			DPI: 203, Width58: layout.Width58, Width80: layout.Width80,
			FeedUnits: 1, CentresImages: false, NativeQR: true, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutPartialFeed,
			Notes: "QR and Code128 in the RP326 manual. Image centring uncertain: padded.",
		},
		{
			Name: "antech", Maker: "Antech", Models: []string{"Antech"},
			DPI: 203, Width58: layout.Width58, Width80: layout.Width80,
			FeedUnits: 1, CentresImages: false, NativeQR: false, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutPartialFeed,
			Notes: "Rebadged clones whose firmware varies: QR codes as raster, images padded.",
		},
		{
			Name: "hprt", Maker: "HPRT", Models: []string{"TP805", "TP806", "TP808"},
			DPI: 203, Width58: layout.Width58, Width80: layout.Width80,
			FeedUnits: 1, CentresImages: false, NativeQR: true, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutPartialFeed,
			Notes: "QR and Code128 native. Image centring uncertain: padded.",
		},
		{
			Name: "vkp80", Maker: "CUSTOM", Models: []string{"VKP80", "VKP80II", "VKP80III"},
			DPI: 203, Width58: 0, Width80: layout.Width80,
			FeedUnits: 1, CentresImages: false, NativeQR: false, NativeCode128: true,
			Status: StatusAuto, Cut: layout.CutFullFeed,
			Notes: "Kiosk printer with a presenter: a full cut (GS V 65 0) so the ticket comes free. Paper 60 to " +
				"82.5 mm (no 58 mm). QR on the first VKP80 uncertain: raster; images padded.",
		},
	}
}
