// Package storetest checks that a queue.Store keeps the contract the engine
// and the province hub rely on: what is applied comes back whole, a batch is
// all or nothing, a number is given once a day, events come back in Seq order
// after any Seq, and Load hands back the day, the last Seq, the open tickets
// and the recent service durations.
//
// Run takes a function that opens a new, empty store, so every store (the
// in-memory one of queuetest, SQLite, later PostgreSQL) runs the same
// subtests from its own package's tests. The suite speaks only queue.Store:
// no SQL. Subtests run one after another, each on its own store.
package storetest
