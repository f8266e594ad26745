// Package printertest holds fakes for testing code that prints: Recorder, a
// printer.Printer that records jobs and fails on demand; Device, an ESC/POS
// printer acting on the far end of a link (a pseudo-terminal, a pipe) that
// answers DLE EOT and GS r from a status the test sets and records the rest.
// Serial links for Device come from devices/serialtest.
//
// Concurrency: Recorder and Device are safe for concurrent use. Device runs
// one reader goroutine, stopped by Close or by the link failing.
package printertest
