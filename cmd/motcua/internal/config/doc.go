// Package config reads a center's YAML configuration once, checks it with
// messages a technician can act on (the key and its line), and turns it into
// the options of the engine, the devices and the screens. Nothing here is
// global: the parsed Config is passed down by cmd/motcua.
//
// Checking is done section by section (center, fields, counters, printers…,
// see Sections): Check validates any of them alone against the rest of the
// Config and returns every mistake, each an *Error of internal/yamlconf, the
// type the procedures catalogue uses too. Parse reports the first one.
//
// Devices prove which they are with tokens (kiosks[].token, the rating
// tablets' counters[].tablet_token, screens[].token, or the *_file holding
// each, read by Check): KioskByToken and TabletByToken find the device in
// constant time. Unsafe lists what serve refuses outside demo: published or
// short secrets, a kiosk without a token, listen on every interface.
//
// A Config is not changed after Parse returns it and may then be read
// concurrently; Check fills in defaults and must not run concurrently with
// readers.
package config
