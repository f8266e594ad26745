// Package profile describes the thermal printer models centers buy: what
// differs from one to the next in the bytes a job needs (resolution and
// printable width, the unit ESC J feeds in, whether ESC a centres images,
// native QR and Code128, status answers, the cut command, the serial
// handshake), and turns a model and a paper width into layout.Opts.
//
// The values come from the makers' manuals and from the printer
// definitions that ReceiptPrinterEncoder and escpos-printer-db publish;
// each profile's Notes say what is uncertain, and there the value kept is
// the one today's generic layout uses. Suggest picks a profile from what a
// printer answers to GS I (see `motcua print-test --probe`).
//
// Concurrency: profiles are plain values; Lookup, Names and All return
// copies and are safe for concurrent use.
package profile
