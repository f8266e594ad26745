package push

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"motcua/internal/connlimit"
	"motcua/internal/msg"
)

// Frame is what a page receives.
type Frame struct {
	Type string `json:"type"` // "scan"
	Code string `json:"code"`
}

// Opts configure a Hub.
type Opts struct {
	// Kiosks are the ids pages may connect as; others get 404.
	Kiosks []string
	// Authorize is the kiosk a request's credential proves (cmd/motcua: its
	// bearer token or pairing cookie); a page is served that kiosk's scans
	// only. Nil refuses every page.
	Authorize func(r *http.Request) (kiosk string, ok bool)
	// Hosts are the addresses the service is reached at ("motcua.local:8080",
	// the listen address): a request whose Host header is none of them, nor
	// the address its connection arrived on, is refused (a page of another
	// site whose name was pointed at this machine).
	Hosts  []string
	Logger *slog.Logger // default slog.Default()
	// PingEvery is the keep-alive period; default 20 s.
	PingEvery time.Duration
	// MaxConns and MaxConnsPerAddr cap the pages held by everyone and by
	// one address (RemoteAddr); over a cap the upgrade is answered 503
	// too_many_connections. Defaults 64 and 4: a kiosk has one page.
	MaxConns        int
	MaxConnsPerAddr int
}

// Hub fans scanner codes out to the pages of their kiosk.
type Hub struct {
	o        Opts
	known    map[string]bool
	join     chan *client
	leave    chan *client
	push     chan addressed
	done     chan struct{}
	upgrader websocket.Upgrader
	limit    *connlimit.Limiter
	hosts    map[string]bool
}

// addressed is a frame for the pages of one kiosk.
type addressed struct {
	Kiosk string
	Frame Frame
}

type client struct {
	kiosk   string
	conn    *websocket.Conn
	send    chan []byte
	release func() // gives the connection's slot back
}

// sendQueue is how many frames wait for a slow page before it is dropped.
const sendQueue = 16

// New returns a hub; Run must be running for it to deliver.
func New(o Opts) *Hub {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.PingEvery <= 0 {
		o.PingEvery = 20 * time.Second
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 64
	}
	if o.MaxConnsPerAddr <= 0 {
		o.MaxConnsPerAddr = 4
	}
	h := &Hub{o: o, known: map[string]bool{}, join: make(chan *client), leave: make(chan *client),
		push: make(chan addressed, 64), done: make(chan struct{}),
		limit: connlimit.New(connlimit.Opts{Total: o.MaxConns, PerAddr: o.MaxConnsPerAddr})}
	for _, k := range o.Kiosks {
		h.known[k] = true
	}
	h.hosts = map[string]bool{}
	for _, host := range o.Hosts {
		h.hosts[strings.ToLower(host)] = true
	}
	return h
}

// Run owns the connections until ctx ends, then closes them all.
func (h *Hub) Run(ctx context.Context) {
	defer close(h.done)
	pages := map[string]map[*client]bool{}
	drop := func(c *client) {
		if set := pages[c.kiosk]; set[c] {
			delete(set, c)
			close(c.send)
		}
	}
	for {
		select {
		case <-ctx.Done():
			for _, set := range pages {
				for c := range set {
					drop(c)
				}
			}
			return
		case c := <-h.join:
			if pages[c.kiosk] == nil {
				pages[c.kiosk] = map[*client]bool{}
			}
			pages[c.kiosk][c] = true
		case c := <-h.leave:
			drop(c)
		case f := <-h.push:
			msg, _ := json.Marshal(f.Frame) // two strings: cannot fail
			if len(pages[f.Kiosk]) == 0 {
				h.o.Logger.Warn("push: scan for a kiosk with no page open", "kiosk", f.Kiosk)
			}
			for c := range pages[f.Kiosk] {
				select {
				case c.send <- msg:
				default:
					h.o.Logger.Warn("push: dropping a slow kiosk page", "kiosk", c.kiosk)
					drop(c)
				}
			}
		}
	}
}

// Push sends a scanned code to the pages of kiosk. It does not wait for
// them; after Run has stopped it does nothing.
func (h *Hub) Push(kiosk, code string) {
	select {
	case h.push <- addressed{Kiosk: kiosk, Frame: Frame{Type: "scan", Code: code}}:
	case <-h.done:
	}
}

// Path is where the hub is mounted: Path?kiosk=ID.
const Path = "/ws/kiosk"

// Routes lists the pattern ServeHTTP answers, in net/http.ServeMux syntax.
func Routes() []string { return []string{http.MethodGet + " " + Path} }

// ServeHTTP upgrades Path for the kiosk of the request's credential. A
// ?kiosk=ID, if given, must be that kiosk. The Origin, when the browser
// sends one, must be the Host (the upgrader's check).
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.hostAllowed(r) {
		refuse(w, http.StatusForbidden, msg.WrongHost)
		return
	}
	var kiosk string
	ok := false
	if h.o.Authorize != nil {
		kiosk, ok = h.o.Authorize(r)
	}
	if !ok {
		refuse(w, http.StatusUnauthorized, msg.DeviceUnpaired)
		return
	}
	if q := r.URL.Query().Get("kiosk"); q != "" && q != kiosk {
		refuse(w, http.StatusForbidden, msg.WrongKiosk, "kiosk", kiosk)
		return
	}
	if !h.known[kiosk] {
		refuse(w, http.StatusNotFound, msg.UnknownKiosk)
		return
	}
	release, ok := h.limit.Acquire(connlimit.Key(r.RemoteAddr))
	if !ok {
		w.Header().Set("Retry-After", "30")
		refuse(w, http.StatusServiceUnavailable, msg.TooManyConnections)
		return
	}
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		release()
		return // the upgrader has answered
	}
	c := &client{kiosk: kiosk, conn: conn, send: make(chan []byte, sendQueue), release: release}
	select {
	case h.join <- c:
	case <-h.done:
		conn.Close()
		release()
		return
	}
	go h.write(c)
	h.read(c)
}

// refuse answers a request that is not upgraded with the contract's error.
func refuse(w http.ResponseWriter, status int, id msg.ID, vars ...string) {
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": id.Code(), "message": id.VI(vars...)}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// hostAllowed tells whether r's Host is one of the service's addresses:
// a configured one, or the address (or, on loopback, localhost with the
// port) its connection arrived on.
func (h *Hub) hostAllowed(r *http.Request) bool {
	host := strings.ToLower(r.Host)
	if h.hosts[host] {
		return true
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	addr, err := netip.ParseAddrPort(local.String())
	if err != nil {
		return false
	}
	if host == strings.ToLower(local.String()) {
		return true
	}
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		return false
	}
	return name == "localhost" && addr.Addr().Unmap().IsLoopback() && port == strconv.Itoa(int(addr.Port()))
}

// read discards what the page sends and notices when it goes away.
func (h *Hub) read(c *client) {
	defer func() {
		select {
		case h.leave <- c:
		case <-h.done:
		}
	}()
	c.conn.SetReadLimit(512)
	c.conn.SetReadDeadline(time.Now().Add(3 * h.o.PingEvery))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(3 * h.o.PingEvery))
	})
	for {
		if _, _, err := c.conn.NextReader(); err != nil {
			return
		}
	}
}

// write is the connection's only writer.
func (h *Hub) write(c *client) {
	tick := time.NewTicker(h.o.PingEvery)
	defer func() {
		tick.Stop()
		c.conn.Close()
		c.release()
	}()
	for {
		select {
		case msg, ok := <-c.send:
			c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if !ok {
				c.conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""))
				return
			}
			if err := c.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		case <-tick.C:
			c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		}
	}
}
