// Package pgstore is the province hub's store on PostgreSQL: the centers and
// the state they report, every event each center shipped and the tickets
// those events leave, and the versions of each center's configuration.
//
// A DB wraps one *pgxpool.Pool (Open makes it, Pool hands it to whoever else
// needs the database). Open brings the schema up to date with ordered,
// append-only migrations, each in its own transaction with the record that it
// ran, under a transaction-scoped advisory lock: several hub processes may
// start at once against one database.
//
// Writes are keyed so that several hub processes can share the database and
// the transport may deliver twice or out of order:
//   - Ingest is idempotent on (center, seq): an event already held is skipped;
//     a ticket row changes only for an event above the row's last_seq; the
//     center's day follows its highest-seq day reset. One center's Ingests
//     (and Store Applies) queue on a row lock of that center, so they are
//     serial; different centers' run in parallel.
//   - PutConfig numbers a center's versions 1, 2, 3... on a row lock, so two
//     processes putting at once get distinct versions.
//   - SetStatus keeps the report seen last (by LastSeen): an older one
//     arriving late is dropped.
//
// Report is the province report: the figures of a center's report per
// center, field, counter, hour and day over any range, read from
// report_days, which Ingest and Store.Apply keep in step with the tickets in
// their own transaction (report.go says how and why).
//
// The notify_* tables (notify.go, their own migration component "notify")
// are the hub's outbox: the messages centers hand the hub to send to
// citizens, one per (center, key) (PutNotify keeps the first), with the
// claim, settle and recover steps of a sender, and the channels' secrets.
// A message's phone number and address are cleared once it is finished.
//
// Store(center) is the queue.Store contract on the same tables, scoped to one
// center (queue/storetest runs against it).
//
// A DB is safe for concurrent use by many goroutines; Close is idempotent and
// ends every call still waiting on the pool.
package pgstore
