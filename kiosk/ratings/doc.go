// Package ratings ties a citizen's rating of a visit to the officer who
// served it and to the dossiers the visit handed in or collected, as the
// provinces' rules under Quyết định 766/QĐ-TTg ask: ratings per officer,
// an export of every rating with its dossier for the province's indicators
// (WriteExport, CSV), and a push of each rating to the main one-stop system
// (Pusher, through an adapter configured like the dossier lookup's).
//
// The queue engine keeps the rating of a ticket; this package keeps, in the
// service's SQLite database, who was at the counter (the console that held
// it) and which dossier codes the visit's receipts, forms or the clerk's
// scan named. A rating is stored before the tablet is answered and pushed
// at least once: a rating the main system did not acknowledge is sent
// again, after a crash too.
//
// Concurrency: a Store is safe for concurrent use; a Pusher's Run is its
// only goroutine and stops with its context.
package ratings
