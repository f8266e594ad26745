// Package link is a center's side of its province hub: it ships every event
// the center's queue store committed to the hub's JetStream stream, in order,
// resuming after the last one the stream acknowledged (kept in the center's
// own SQLite database, so neither a cut link nor a kill loses or skips one),
// says the center's status, and fetches what the hub published for it
// (configuration, accounts) to hand to the center.
//
// The queue store is the outbox: nothing is copied before it is sent, and a
// citizen is never kept waiting for the hub. Frames carry up to Batch
// events: a backlog goes a full frame at a time; live, the link waits
// Linger (50 ms) after being woken so the events of that moment share a
// frame, and writes the acknowledged seq at most every MarkEvery (1 s),
// since each frame and each write costs the center what several tickets do. A Link is run by one goroutine
// (Run, until its context ends); Wake, Poke and State may be called from any
// goroutine.
package link
