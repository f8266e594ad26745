// Package queuetest has an in-memory Store for tests of the queue engine and
// of what is built on it: it can be told to fail, passes queue/storetest like
// the SQLite store, and is safe for concurrent use. The clock of such tests is
// internal/clock/clocktest.
package queuetest
