// Package scanner reads barcode scanners attached as serial ports: RS-232
// scanners and USB-CDC ones (/dev/ttyACM*), configured by path or by USB
// VID/PID (and serial number). Keyboard-wedge (HID) scanners need nothing
// here: they type into the kiosk page.
//
// Start runs one goroutine per scanner. It opens the port, cuts the input
// into codes at the configured line ending (CR, LF, CRLF, or any of them),
// and hands each code to Opts.OnCode with the scanner's and kiosk's names.
// Lines that are too long, hold control characters or invalid UTF-8 (line
// noise, a wrong baud rate), or never get their line ending are dropped with
// a log line giving the reason and length, never the content. When the device
// goes away (a USB unplug surfaces as a read error) the goroutine closes the
// port and tries again with a short backoff (100 ms doubling to 1 s): a path
// is reopened; USB ids are looked up again among the ports, so a scanner that
// comes back as another /dev/ttyACM* is found.
//
// List enumerates serial ports and USB printer devices for `motcua devices`.
//
// Concurrency: each Scanner owns its goroutine and port; it stops when the
// context given to Start ends or on Close, which waits for it and is
// idempotent. OnCode is called from that goroutine, one code at a time, and
// must not block. State is safe to call from any goroutine.
package scanner
