// Package identity reads who is taking a queue number from a citizen ID
// card (CCCD) and keeps only a keyed hash of it.
//
// The QR code of a chip CCCD reads
// "CCCD number|old CMND number|full name|date of birth|sex|address|issue date"
// (some fields empty, newer cards with more or fewer fields); a kiosk's
// scanner delivers it like any other code, or the citizen types the
// 12-digit number on the keypad. Number takes either and returns the
// 12-digit number alone: the name, birth date and address are dropped
// there and never leave this package. A Hasher turns the number into a
// Person, the HMAC-SHA256 of the number under a province-wide secret, so
// that the same person has the same key at every center of the province
// (caps hold across centers) while nobody without the secret can tell the
// number back from the key (12 digits are too few for an unkeyed hash).
//
// Errors never carry the payload or any part of it: they may be logged.
//
// Everything here is immutable after construction and safe for
// concurrent use.
package identity
