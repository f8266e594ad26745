package display

import (
	"github.com/gorilla/websocket"

	"motcua/queue"
)

// entry is one event kept for replay: what the filters need and the frame.
type entry struct {
	seq                    uint64
	typ                    queue.EventType
	counter, service, from string
	frame                  *websocket.PreparedMessage // nil: an event no screen receives
}

// ring keeps the last events, contiguous in seq. Only the hub goroutine
// uses it.
type ring struct {
	buf   []entry
	start int    // index of the oldest entry
	n     int    // entries held
	base  uint64 // seq just before the oldest entry
}

func newRing(size int, seq uint64) *ring { return &ring{buf: make([]entry, size), base: seq} }

func (r *ring) push(e entry) {
	if r.n == len(r.buf) {
		r.base = r.buf[r.start].seq
		r.buf[r.start] = entry{}
		r.start = (r.start + 1) % len(r.buf)
		r.n--
	}
	r.buf[(r.start+r.n)%len(r.buf)] = e
	r.n++
}

// covers reports whether every event after since up to last is held.
func (r *ring) covers(since, last uint64) bool { return since >= r.base && since <= last }

// after returns the held entries with a seq above since, oldest first.
func (r *ring) after(since uint64) []entry {
	var out []entry
	for i := range r.n {
		if e := r.buf[(r.start+i)%len(r.buf)]; e.seq > since {
			out = append(out, e)
		}
	}
	return out
}
