// Package counterboard drives the RS-485 number boards above the counters:
// several boards on one bus (one serial port, usually a USB-RS485 adapter),
// each with its address and the counter whose ticket it shows.
//
// A Driver turns what a board should show (a Display: the ticket number,
// marked during a recall, or blank) into the bytes of one protocol, and for
// boards that answer reads and checks the answer:
//
//   - Modbus: Modbus RTU "write multiple registers" (function 16) with its
//     CRC, the text at configurable registers in one of three encodings
//     (ASCII per register, two ASCII per register, or a letter code and a
//     number); the board's answer is read and checked.
//   - QSystem: the framing of the open QSystem driver, 0x01 ADDRESS TEXT
//     0x07, one board at a time with a pause; the boards never answer.
//   - Template: bytes with placeholders (address, number, counter,
//     checksums) for the boards no one documents.
//
// A Bus owns the port and one goroutine that sends the boards' displays one
// frame at a time. Show only records what a board should show and wakes the
// goroutine: a board whose display changes again before it was sent gets
// only the latest. The goroutine sends the newest change first (the call
// the citizen is looking for), but a change passed over MaxSkips times goes
// before any newer one, so no board starves during a burst. After each frame
// the bus keeps the line silent for the frame's time on the wire at the
// configured baud (a USB adapter accepts bytes long before they leave it)
// plus the driver's pause. A board that does not answer (Modbus) is
// reported in its State and its display retried (at once, then every
// RetryAfter), without holding up the others; a port that fails is closed
// and reopened with a backoff, and every board is sent its display again
// then, and after the bus has been idle for Refresh (a board powered on
// after its last frame).
//
// A recall is shown by the board's own mark when the driver has one (a
// Modbus blink register, a template's recall bytes), held for MarkFor, and
// otherwise by flashing the number (blank, number) Flashes times.
//
// The package knows neither the queue nor HTTP: cmd/motcua follows the
// queue's board and calls Show.
//
// Concurrency: Show and States are safe from any goroutine and never block
// on the port. The bus goroutine runs until the context given to Start ends
// or Close, which waits for it, closes the port and is idempotent. Drivers
// are immutable after they are made and may be shared by boards.
package counterboard
