// Package session keeps the staff's login sessions and throttles password
// guesses.
//
// A Store holds sessions server-side in the center's SQLite database (its
// own migration component, "sessions"), so a restart keeps clerks logged in
// and any session can be ended: logout ends one, an administrator ends a
// user's or everyone's, and a session whose account changed in the config
// (password, role or counters: its Fingerprint) is ended at the next start
// and refused before that. A token is 32 random bytes; the database keeps
// only its SHA-256, so a copy of the database logs nobody in. A session
// expires a fixed TTL after its login (not sliding: a stolen token is good
// for at most one working day).
//
// A Throttle counts failed logins per account and per address and makes a
// caller wait, doubling, after a few; it also bounds how many password
// comparisons (bcrypt, deliberately slow) run at once, so a login flood
// cannot take the cores the queue needs.
//
// Store and Throttle are safe for concurrent use; time comes from an
// injected clock.
package session
