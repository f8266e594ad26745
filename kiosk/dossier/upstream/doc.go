// Package upstream looks dossiers up in the province's main one-stop system
// (the dossier-processing information system) over HTTP. Every province's
// system differs, so nothing is hard-wired: the request (URL, method, JSON
// body with {code} and {session}), the authentication (none, a static bearer
// token, a session login renewed on expiry, or OAuth2 client credentials
// from a Keycloak realm, the token renewed before it expires) and the field
// mapping of the answer (JSON paths, time layout, status values) come from
// Opts. TraCuuHoSo returns the Opts of a national-portal style integration
// and IGate those of an iGate v2-style one; docs/dossier-sources.md shows
// them as YAML. Package upstreamtest fakes both kinds of system.
//
// A kiosk must answer within 3 s whatever the system does, so every lookup is
// bounded by Opts.Timeout (2.5 s by default), answers are cached briefly
// (dossiers 45 s, "not found" 15 s) and a circuit breaker stops calling a
// system that keeps failing: after 5 consecutive failures lookups fail at
// once with dossier.ErrUnavailable; after a 30 s cool-down one probe goes
// through and closes the circuit if it succeeds.
//
// Concurrency: a Client is safe for concurrent use; one login runs at a time
// and the others wait for it (bounded by their context). The clock is
// injected (Opts.Clock) for the cache, the breaker and the session age.
//
// Privacy: logs carry codes, durations and outcomes, never the applicant.
package upstream
