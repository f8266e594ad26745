// Package httppipe serves an http.Handler over in-memory connections
// (net.Pipe) for tests that time HTTP inside a testing/synctest bubble: a
// goroutine blocked on a pipe is durably blocked, so the bubble's fake clock
// moves to the next timeout at once, where one blocked on a loopback socket
// would hold it still.
//
// Create a Server inside the bubble and Close it before the bubble ends.
// A Server is safe for concurrent use.
package httppipe
