// Package queuetest has fakes for tests of the queue engine and of what is
// built on it: an in-memory Store that can be told to fail (it passes
// queue/storetest like the SQLite one), and a Clock that
// moves only when told. They are safe for concurrent use.
package queuetest
