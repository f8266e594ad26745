// Package escpos encodes the subset of Epson ESC/POS that motcua needs to
// drive 58 mm and 80 mm thermal printers: initialise, alignment, emphasis,
// character size, feed, cut, 1-bit raster images (GS v 0, sent in bands, at
// normal, double or quadruple scale),
// Code128 (GS k 73) and QR codes (GS ( k), and the real-time status queries
// (DLE EOT n, GS r 1). It also parses a command stream back (Next), which the
// tests and the fake printer of devices/printer/printertest rely on.
//
// Every argument is validated and every write error is returned: no input
// makes the package panic or exit. See docs/decisions/0001-escpos-encoder.md
// for why this is our own encoder rather than github.com/knq/escpos.
//
// Concurrency: an Encoder writes to one io.Writer and is not safe for
// concurrent use; Bitmap values are plain data. The package-level functions
// hold no state and are safe to call from any goroutine.
package escpos
