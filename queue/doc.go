// Package queue is the engine of a center's queue: its fields (lĩnh vực),
// counters (quầy) and tickets, the calling policy, per-field numbering with a
// daily reset at local midnight, opening hours and daily caps, and the ordered
// events that screens, printers and metrics follow.
//
// The engine knows nothing of HTTP or SQL. It keeps the current day in memory
// and persists every change through a Store before the operation returns:
// an operation that returned a ticket without error has been committed.
// Concurrent operations are serialised by one mutex; their changes go to one
// committer goroutine that writes them in batches (group commit), so many
// tickets share one durable commit without any being acknowledged before it.
//
// Every change carries Events with a strictly increasing sequence number.
// Listeners registered with OnEvents receive them in order, after the commit.
//
// All methods of Engine are safe for concurrent use. Run owns the committer
// and the midnight timer; it stops when its context ends.
package queue
