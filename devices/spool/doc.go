// Package spool keeps print jobs durable and sends them to their printers.
//
// Submit stores a job (SQLite, synchronous=FULL, table print_jobs of the
// "spool" component) before it returns. Each printer has one goroutine, owned
// by the Spooler and stopped by Close, that sends its jobs in order: it asks
// the printer's status first (DLE EOT, when the link can answer), sends the
// bytes, records "written" the moment every byte has left and only then marks
// the job printed, so a job whose bytes were fully written is never sent
// again — not by a retry, not after a restart. A printer that is offline, out
// of paper or open is retried with exponential backoff; a job fails after
// Opts.MaxAttempts attempts or when older than Opts.MaxAge, with the reason.
// A restart resumes queued jobs and jobs cut off mid-write.
//
// State changes (queued, printing, printed, failed) are reported to
// Opts.OnEvent with the job's kind and ref, so the queue engine can follow a
// ticket's print.state; printer status is polled every Opts.StatusInterval,
// reported to Opts.OnStatus and kept for Statuses (/healthz).
//
// Concurrency: Spooler methods are safe for concurrent use. OnEvent and
// OnStatus are called from the printer goroutines and must not block for
// long. Time comes from Opts.Clock, so tests drive backoff without sleeping.
package spool
