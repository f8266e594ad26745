// Package printing connects the configured printers to the queue: it opens
// each printer's transport, renders queue tickets and form-01 receipts with
// devices/layout, hands the bytes to the durable spooler, and follows every
// job so that a ticket's print state in the engine tracks its job.
//
// A Service is safe for concurrent use. Start owns one goroutine that
// forwards job events to the engine, and the spooler's printer goroutines;
// Close stops them after the jobs being sent finish.
package printing
