// Package msg is the one catalogue of what motcua says to people: the
// message of each error code of the API (and of the display and kiosk
// sockets), in Vietnamese and, for the pages that have an English switch,
// in English; and the estimated wait in words, which the paper ticket, the
// API and the pages all show.
//
// The server answers an error with its code and the catalogue's Vietnamese
// text; the pages load the same catalogue as a script (package kiosk/web
// serves it) and show, for an error code, the catalogue's text in the
// page's language instead of keeping a copy. Logs and Go error strings are
// for operators and stay in English, outside the catalogue.
//
// An ID names one message. It is the API error code the message answers,
// or, when one code has several messages, the code, a dot and a variant
// ("not_found.route"); the page looking a code up gets the message whose ID
// is the bare code. Messages may hold {name} slots, filled with With.
//
// The catalogue is a constant table: everything here is safe for
// concurrent use.
package msg
