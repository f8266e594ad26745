// Package sqlite keeps a center's queue in an embedded SQLite database
// (modernc.org/sqlite, pure Go, so the binary cross-compiles for ARM).
//
// Open and Migrate are shared by every part of motcua that keeps state in the
// same file (queue, print spooler, dossier registry): one WAL database with
// synchronous=FULL, each component with its own ordered migrations.
//
// Store implements queue.Store. It is safe for concurrent use; the engine
// serialises its writes through one committer goroutine.
package sqlite
