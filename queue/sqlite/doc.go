// Package sqlite keeps a center's queue in an embedded SQLite database
// (modernc.org/sqlite, pure Go, so the binary cross-compiles for ARM).
//
// Its tables are the "queue" component of the shared database opened by
// motcua/internal/database, next to the print spooler's and the registry's.
//
// Store implements queue.Store. It is safe for concurrent use; the engine
// serialises its writes through one committer goroutine.
package sqlite
