// Package web serves the screens people touch, from files embedded in the
// binary: the citizen kiosk (/kiosk), the staff console (/counter), the
// rating tablet at a counter (/rating) and the reports (/admin). Pages,
// scripts, styles and the DejaVu Sans font (full Vietnamese coverage) are
// served under AssetPrefix; nothing is fetched from the internet, and a
// Content-Security-Policy of 'self' makes sure of it.
//
// The pages talk only to the HTTP API of the service (api.md) and to the
// kiosk push websocket of package push. All text is Vietnamese first, with
// an English switch. Handler is stateless and safe for concurrent use.
package web
