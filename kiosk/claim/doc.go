// Package claim keeps which staff console holds each counter, so the same
// counter is never worked from two consoles at once without anyone noticing.
//
// A console opens a counter and gets a token. Opening a counter another live
// console holds fails with an InUseError naming the holder, unless the
// clerk asks to take it over; the console that lost it then gets a
// TakenOverError on its next heartbeat or action. A claim lapses when its
// console has not been heard of for the TTL (a closed laptop), and Release
// frees it at once (logout). Actions sent without a token (scripts, the load
// generator) pass while nobody holds the counter.
//
// Claims is safe for concurrent use; time comes from an injected clock.
package claim
