// Package booking is the signed token of an online number (issue 14): the
// hub books a time window at a center for one person and signs what it
// booked with its Ed25519 key; the center checks the signature with the
// hub's public key, which it received in the hub's Bundle and keeps, so it
// checks a booking in while its link to the hub is down.
//
// A token carries the booking's id, the center, the field, the day, the
// window and the person (the keyed hash of the ID number, internal/identity,
// never the number). It is written as "MCB" and decimal digits, so that it
// fits a QR code's numeric mode and reaches the kiosk unchanged through a
// keyboard-wedge scanner typing into a Vietnamese input method (Telex and
// VNI rewrite letters and digits after vowels; digits alone they leave).
//
// The hub's private key is a file in its data directory (LoadOrCreateKey).
// Signer and Verifier keep no state beyond their key and are safe for
// concurrent use.
package booking
