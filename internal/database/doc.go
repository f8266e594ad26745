// Package database opens the one SQLite file a center keeps its state in and
// brings each component's tables up to date.
//
// Open sets what every part of motcua relies on: WAL journal, synchronous=FULL
// (a committed transaction survives a power cut), foreign keys and a busy
// timeout, so the queue store, the print spooler and the dossier registry
// share the file. Migrate runs one component's ordered, append-only steps,
// each in its own transaction with the record that it ran; each component
// (queue/sqlite "queue", devices/spool "spool", kiosk/dossier/registry
// "dossiers") owns its steps and calls Migrate with them.
//
// The *sql.DB Open returns is safe for concurrent use; Migrate of one
// component must not run twice at once.
package database
