// Package printing connects a center's printers to the queue: it opens each
// printer's transport, renders queue tickets and form-01 receipts with
// devices/layout, hands the bytes to the durable spooler, and follows every
// job so that a ticket's print state in the engine tracks its job. The rules
// live here: which printer a kiosk's ticket goes to and how long it may wait
// (Opts.TicketTimeout), how a job's end becomes the ticket's print state
// (printed, failed), and the reconciliation at start that settles tickets
// whose job ended, or was never stored, before the last stop.
//
// Everything comes in through Opts (cmd/motcua builds it from the center's
// configuration); time comes from Opts.Clock.
//
// A Service is safe for concurrent use. Open starts one goroutine that
// forwards job events to the engine, and the spooler's printer goroutines;
// Close stops them after the jobs being sent finish.
package printing
