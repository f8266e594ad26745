package display

import (
	"time"

	"github.com/gorilla/websocket"
)

// Close codes the hub sends.
const (
	closeGoingAway = websocket.CloseGoingAway // the service stops
	closeTryAgain  = websocket.CloseTryAgainLater
	closeRestart   = websocket.CloseServiceRestart
)

// client is one websocket connection. The hub goroutine owns send, last,
// closeCode and initial until it starts the writer; the writer is the only
// goroutine writing to conn, the reader the only one reading.
type client struct {
	hub      *Hub
	conn     *websocket.Conn
	scr      *screen
	remote   string
	send     chan *websocket.PreparedMessage
	initial  []*websocket.PreparedMessage // frames written before anything from send
	hasSince bool
	since    uint64
	last     uint64 // the last seq this client has been given or skipped
	// closeCode is set by the hub before it closes send; the writer reads
	// it after send is closed, so the channel close orders the two.
	closeCode int
	release   func() // gives the connection's slot back; nil in tests that build clients
}

// writeLoop writes the client's frames and pings until its queue is closed
// or a write fails, then closes the connection.
func (c *client) writeLoop() {
	h := c.hub
	defer h.wg.Done()
	ping := time.NewTicker(h.opts.PingInterval)
	defer func() {
		ping.Stop()
		c.conn.Close()
		if c.release != nil {
			c.release()
		}
	}()
	for _, f := range c.initial {
		if !c.writeFrame(f) {
			return
		}
	}
	c.initial = nil
	for {
		select {
		case f, ok := <-c.send:
			if !ok {
				code := c.closeCode
				if code == 0 {
					code = closeRestart
				}
				_ = c.conn.SetWriteDeadline(time.Now().Add(time.Second))
				_ = c.conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""))
				return
			}
			if !c.writeFrame(f) {
				return
			}
		case <-ping.C:
			if !c.write(websocket.PingMessage, nil) {
				return
			}
		}
	}
}

func (c *client) writeFrame(m *websocket.PreparedMessage) bool {
	_ = c.conn.SetWriteDeadline(time.Now().Add(c.hub.opts.WriteTimeout))
	return c.conn.WritePreparedMessage(m) == nil
}

func (c *client) write(kind int, b []byte) bool {
	_ = c.conn.SetWriteDeadline(time.Now().Add(c.hub.opts.WriteTimeout))
	return c.conn.WriteMessage(kind, b) == nil
}

// readLoop reads until the connection fails: it answers pings, notices
// pongs and a close, and ignores any message (clients have nothing to say;
// one over the read limit closes the connection). Then it unregisters.
func (c *client) readLoop() {
	h := c.hub
	defer h.wg.Done()
	defer func() {
		select {
		case h.unregister <- c:
		case <-h.done:
		}
	}()
	wait := 2*h.opts.PingInterval + h.opts.WriteTimeout
	c.conn.SetReadLimit(readLimit)
	_ = c.conn.SetReadDeadline(time.Now().Add(wait))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(wait))
	})
	for {
		if _, _, err := c.conn.NextReader(); err != nil {
			return
		}
	}
}
