// Package layout turns print jobs — a queue ticket, a form-01 receipt, a
// test page — into the ESC/POS bytes a thermal printer receives and a PNG
// preview of what it prints, at 384 dots (58 mm) or 576 dots (80 mm), or
// the width of another printer (512 dots on a TM-T88V). Opts also say what
// differs between printers (devices/profile makes them from a model): the
// feed unit of ESC J and ESC 3, images padded where ESC a does not centre
// them, QR codes as images, the cut.
//
// Vietnamese text is NFC-normalised and drawn with DejaVu Sans (full
// Vietnamese coverage) into 1-bit raster images (GS v 0), cropped to their
// ink so that blank paper costs a feed command instead of bytes. Large bold
// text (the priority mark) and rules are drawn at half size and printed at
// double or quadruple scale (GS v 0 m = 1 or 3). Printer-font text is used
// only for ASCII where it saves bytes (the ticket number).
// Barcodes and QR codes go as the printer's own commands (GS k, GS ( k) unless
// Opts.RasterCodes asks for raster images. A Code128 must keep 3-dot modules
// and its quiet zones to read after wear: one that does not fit across the
// roll (every dossier code) prints along the paper as a raster whose bars run
// across it. QR codes keep 4 modules of blank paper around them. The preview
// draws every symbol
// (with gozxing encoders) where the printer puts them, so a barcode reader can
// read the preview. Printer-font text is previewed with DejaVu Sans Mono Bold
// scaled to the printer's 12×24-dot cell: its shape is approximate, its place
// and size are not.
//
// Concurrency: a Renderer holds parsed fonts and their faces and is safe for
// concurrent use (calls are serialised by a mutex); Output values are plain data.
package layout
