// Package clock is the one notion of time in motcua: a Clock tells the time
// and delivers it once a duration has passed. Every component that reads the
// time or waits takes a Clock in its options (default System), so tests cross
// midnight, expire claims and drive backoff with the fake of package
// clocktest instead of sleeping.
//
// System is safe for concurrent use and has no state.
package clock
