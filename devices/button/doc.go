// Package button reads the buttons on the clerks' desks: 433 MHz wireless
// call buttons, whose receiver prints the learned code of each key on a USB
// serial port, and three-key rating boxes (serial, or USB keyboards read
// from their input device).
//
// A Receiver reads codes from one port with package scanner's reading
// (serial or HID, line endings, reconnection after an unplug) and hands
// each to OnPress. A Debounce counts a code repeated within its window once:
// a remote repeats its code while the key is held, and two receivers in
// range of one remote both hear it, so one Debounce is shared by all the
// receivers of a center. A Keymap holds the learned codes, each bound to a
// counter and an action (next, recall, no-show, complete), in a JSON file
// written atomically (a binding that was acknowledged survives a crash); its
// learn mode binds the next code pressed. A code no binding knows is kept
// among the recent unknown codes (for the learning page) and never acted on.
//
// The package knows neither the queue nor HTTP: cmd/motcua turns bindings
// into the engine's calls.
//
// Concurrency: a Receiver owns its goroutine and stops with its context or
// Close (idempotent). Debounce and Keymap are safe for concurrent use.
package button
