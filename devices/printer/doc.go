// Package printer moves rendered jobs to thermal printers and asks them for
// their status. A Printer is one of the transports: Conn over any link
// (OpenSerial for RS-232/USB-serial through go.bug.st/serial, OpenUSB for a
// USB printer-class device /dev/usb/lp*), TCP for raw port 9100 with connect
// and write timeouts, and File, which writes each job as
// DIR/NNNNNN-KIND-REF.bin plus a .png preview (api.md) for the demo and tests.
//
// Drivers take an io.Writer/io.ReadWriter; the Open… constructors open the
// port from Opts and are meant for the wiring in cmd/. Device failures are
// *DeviceError values with a Kind (offline, paper out, cover open) reachable
// with errors.As, and match ErrOffline, ErrPaperOut, ErrCoverOpen with
// errors.Is.
//
// Concurrency: each Printer serialises its own calls with a mutex, so Print
// and Status may be called from different goroutines; the spooler calls them
// from the one goroutine that owns the printer. Close is idempotent and makes
// later calls fail with ErrClosed.
package printer
