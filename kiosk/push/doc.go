// Package push delivers the codes a serial barcode scanner reads to the
// kiosk page that owns the scanner, over the websocket /ws/kiosk.
//
// A page is that of the kiosk its credential proves (Opts.Authorize: the
// pairing cookie or a bearer token), on a Host that is the service's
// (Opts.Hosts, or the address the connection arrived on): scans carry
// citizens' ID-card codes and signed receipt URLs, so no one else gets them.
// cmd/motcua connects each configured scanner to Hub.Push(kiosk, code); every
// page open for that kiosk receives {"type":"scan","code":"…"} and shows the
// dossier. One hub goroutine (Run) owns the connections; each connection has
// a small buffered queue and one writer goroutine, and a page too slow to take
// its frames is dropped, never waited for. Pages send nothing; the hub pings
// them every PingEvery so a dead link is noticed.
package push
