// Package web serves the screens people touch, from files embedded in the
// binary: the citizen kiosk (/kiosk), the staff console (/counter), the
// rating tablet at a counter (/rating), the reports (/admin), and the
// receipt page a phone opens from a form-01 receipt's QR code
// (ReceiptPrefix+"{code}", /h/{code}). Pages, scripts, styles and the
// DejaVu Sans font (full Vietnamese coverage) are served under AssetPrefix;
// nothing is fetched from the internet, and a Content-Security-Policy of
// 'self' makes sure of it.
//
// The pages talk only to the HTTP API of the service (api.md), to the
// kiosk push websocket of package push, and (console and rating tablet) to
// the display websocket /ws/display through the one runtime the display
// package serves (/display/static/board.js, loaded by counter.html and
// rating.html), polling the API only while it is down. All text is
// Vietnamese first, with an English switch on the pages staff and kiosks
// use. What the service says about an error code comes from its catalogue
// (package internal/msg), served as MessagesScript: the pages keep no copy
// of it. Routes lists the paths to mount the Handler on. Handler is
// immutable after New and safe for
// concurrent use.
package web
