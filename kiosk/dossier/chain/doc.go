// Package chain looks a dossier up in several sources in order: the
// province's dossier system, then a ministry's, then the local registry, as
// a center configures them (dossiers.sources). The first source that knows
// the dossier answers. Each source has its own timeout, and all of them
// share one budget (2.5 s by default) inside the kiosk's 3 s: a slow first
// source is given up at its timeout and the next one asked with the time
// left.
//
// A source that does not answer within its timeout is abandoned even if it
// ignores its context: its goroutine ends when the source returns, and its
// late answer is dropped.
//
// Concurrency: a Chain is immutable and safe for concurrent use.
package chain
