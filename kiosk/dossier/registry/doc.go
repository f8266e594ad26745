// Package registry is the embedded dossier registry, the default dossier
// source: a center without an integration with the province's main one-stop
// system still answers lookups from what it knows itself. It is filled by
// every receipt printed here (Record), by CSV/JSON imports (Import, formats in
// docs/dossier-import.md) and by status changes the main system pushes
// (UpdateStatus), each kept in the dossier's history. Agencies tells which
// agency parts its recent codes start with, for the kiosk's keypad.
//
// Its tables live in the shared SQLite database (component "dossiers" of
// internal/database.Migrate) on a *sql.DB the caller opens and closes.
//
// Concurrency: a Registry is safe for concurrent use; every write is one
// transaction, so a lookup never sees half an import.
//
// Privacy: applicants' names are stored (the kiosk shows them to the holder
// of a signed receipt) but never logged; logs carry codes and counts.
package registry
