// Package clocktest provides Fake, a clock.Clock that stands still until a
// test moves it. Waiters on After are released when Set or Advance reaches
// their deadline, so a test of a timeout or a backoff runs in microseconds
// and asserts exact durations.
//
// A Fake is safe for concurrent use.
package clocktest
