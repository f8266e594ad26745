// Package connlimit caps how many connections one address and everyone
// together may hold: a Limiter counts them by key (the client's IP), a
// Listener applies one to every TCP connection it accepts and closes those
// over the caps at once, so a flood of idle sockets from a few machines of
// the LAN cannot exhaust the service's file descriptors. The websocket hubs
// (display, kiosk/push) hold their own, smaller Limiter, so long-lived
// sockets never fill what plain requests such as /healthz need.
package connlimit
