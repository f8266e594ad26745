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
// Open refuses to start on a database that was lost (missing or empty where
// its marker, -wal, -shm or the caller's evidence say one was), whose WAL is
// damaged before committed transactions, or that fails PRAGMA quick_check;
// Opts.Reset moves such files aside instead. Monitor follows whether the
// disk takes writes, and Classify turns a storage failure (full, I/O,
// read-only, damaged) into a StorageError, ErrUnavailable by errors.Is.
//
// The *sql.DB Open returns is safe for concurrent use; Migrate of one
// component must not run twice at once.
package database
