package display

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-fonts/dejavu/dejavusanscondensed"
	"github.com/go-fonts/dejavu/dejavusanscondensedbold"
	"github.com/gorilla/websocket"

	"motcua/display/voice"
	"motcua/internal/connlimit"
	"motcua/internal/msg"
	"motcua/queue"
)

//go:embed web
var webFS embed.FS

var pages = template.Must(template.ParseFS(webFS, "web/*.html"))

// csp lets pages load only from the service itself: no request to any
// other host, whatever a page's script tries.
const csp = "default-src 'self'; connect-src 'self'; media-src 'self'; img-src 'self' data:; " +
	"style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"

var ticketIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// The paths the hub serves, mounted as they are. The phone page of a
// ticket is PhonePrefix+id: what tickets' QR codes and track_url carry.
const (
	SocketPath  = "/ws/display"        // the websocket (?screen=, ?token=, ?since=; or ?ticket=ID for a phone)
	LobbyPath   = "/display"           // the lobby page (?screen=, ?counter=ID for a counter's own screen)
	VoicePath   = "/display/voice"     // a call spoken as WAV (?ticket=A013&counter=3; or ?call=A013:3:A&call=… for several)
	ChimePath   = "/display/chime.wav" // the chime alone
	SilencePath = "/display/silence.wav"
	StaticPath  = "/display/static/" // the pages' scripts, styles and fonts
	PhonePrefix = "/t/"              // the phone page following a ticket: PhonePrefix + id
)

// PhonePath is the path of the phone page following ticket id.
func PhonePath(id string) string { return PhonePrefix + url.PathEscape(id) }

// route is one pattern of Handler's mux with what answers it.
type route struct {
	pattern string // net/http.ServeMux syntax
	handler http.HandlerFunc
}

func (h *Hub) routes() []route {
	static, _ := fs.Sub(webFS, "web")
	files := http.StripPrefix(StaticPath, http.FileServerFS(filesOnly{static}))
	fonts := map[string]http.HandlerFunc{
		"font-regular.ttf": serveFont(dejavusanscondensed.TTF),
		"font-bold.ttf":    serveFont(dejavusanscondensedbold.TTF),
	}
	return []route{
		{"GET " + SocketPath, h.serveWS},
		{"GET " + LobbyPath, h.serveLobby},
		{"GET " + VoicePath, h.serveVoice},
		{"GET " + ChimePath, h.serveChime},
		{"GET " + SilencePath, serveSilence},
		{"GET " + StaticPath + "{file...}", func(w http.ResponseWriter, r *http.Request) {
			if font, ok := fonts[r.PathValue("file")]; ok {
				font(w, r)
				return
			}
			w.Header().Set("Cache-Control", "no-cache")
			files.ServeHTTP(w, r)
		}},
		{"GET " + PhonePrefix + "{id}", h.servePhone},
	}
}

// filesOnly is an fs.FS whose folders do not exist: the file server then
// answers 404 for them instead of listing their files.
type filesOnly struct{ fs.FS }

func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := file.Stat(); err != nil || st.IsDir() {
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return file, nil
}

// Routes lists the patterns Handler answers, in net/http.ServeMux syntax
// ("GET /t/{id}", "GET /display/static/{file...}"), for cmd/motcua to mount
// Handler on each.
func (h *Hub) Routes() []string {
	var out []string
	for _, rt := range h.routes() {
		out = append(out, rt.pattern)
	}
	return out
}

// Handler serves the paths of Routes.
func (h *Hub) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range h.routes() {
		mux.HandleFunc(rt.pattern, rt.handler)
	}
	return mux
}

// httpError answers status with the catalogue's message id.
func httpError(w http.ResponseWriter, status int, id msg.ID) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": id.Code(), "message": id.VI()}})
}

// newUpgrader keeps no write buffer per idle connection: it reads through
// the server's own buffered reader and borrows a write buffer from a pool
// for each frame. Origin is checked (same host only).
func newUpgrader() *websocket.Upgrader {
	return &websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		WriteBufferPool:  &sync.Pool{},
		WriteBufferSize:  4096,
	}
}

func (h *Hub) serveWS(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var scr *screen
	if id := q.Get("ticket"); id != "" {
		if !ticketIDRE.MatchString(id) {
			httpError(w, http.StatusNotFound, msg.DisplayTicketAbsent)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		_, err := h.src.Ticket(ctx, id)
		cancel()
		switch {
		case errors.Is(err, queue.ErrNotFound):
			httpError(w, http.StatusNotFound, msg.DisplayTicketAbsent)
			return
		case err != nil:
			h.log.Error("display: ticket lookup", "err", err)
			httpError(w, http.StatusServiceUnavailable, msg.Unavailable)
			return
		}
		scr = h.phone
	} else {
		var status int
		if scr, status = h.screenFor(q.Get("screen"), q.Get("token")); scr == nil {
			switch status {
			case http.StatusNotFound:
				httpError(w, status, msg.UnknownScreen)
			case http.StatusUnauthorized:
				httpError(w, status, msg.TokenRequired)
			default:
				httpError(w, status, msg.BadToken)
			}
			return
		}
	}
	c := &client{hub: h, scr: scr, remote: r.RemoteAddr, send: make(chan *websocket.PreparedMessage, h.opts.SendQueue)}
	if s := q.Get("since"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			httpError(w, http.StatusBadRequest, msg.BadSince)
			return
		}
		c.hasSince, c.since = true, n
	}
	select {
	case <-h.done:
		httpError(w, http.StatusServiceUnavailable, msg.Stopping)
		return
	default:
	}
	if !h.started.Load() {
		httpError(w, http.StatusServiceUnavailable, msg.Starting)
		return
	}
	release, ok := h.limit.Acquire(connlimit.Key(r.RemoteAddr))
	if !ok {
		w.Header().Set("Retry-After", "30")
		httpError(w, http.StatusServiceUnavailable, msg.TooManyConnections)
		return
	}
	c.release = release
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		release()
		return // the upgrader has answered
	}
	c.conn = conn
	select {
	case h.register <- c:
	case <-h.done:
		conn.Close()
		release()
	case <-r.Context().Done():
		conn.Close()
		release()
	}
}

// screenFor finds a screen and checks its token; on failure the status
// says why: 404 unknown, 401 no token, 403 wrong token.
func (h *Hub) screenFor(name, token string) (*screen, int) {
	if name == "" {
		name = DefaultScreen
	}
	s, ok := h.screens[name]
	switch {
	case !ok:
		return nil, http.StatusNotFound
	case s.Token != "" && token == "":
		return nil, http.StatusUnauthorized
	case !s.authorize(token):
		return nil, http.StatusForbidden
	}
	return s, 0
}

// pageConfig is handed to a page's script as JSON.
type pageConfig struct {
	Title     string `json:"title"`
	Screen    string `json:"screen,omitempty"`
	Counter   string `json:"counter,omitempty"`
	Voice     string `json:"voice"` // "server" or "browser"
	Now       int64  `json:"now"`   // server time, Unix milliseconds
	TicketAPI string `json:"ticket_api,omitempty"`
	Ticket    string `json:"ticket,omitempty"`
}

func (h *Hub) render(w http.ResponseWriter, name string, cfg pageConfig) {
	cfg.Now = h.clock.Now().UnixMilli()
	cfg.Voice = "browser"
	if h.opts.Voice != nil && h.opts.Voice.Available() {
		cfg.Voice = "server"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_ = pages.ExecuteTemplate(w, name, map[string]any{"Title": cfg.Title, "Config": cfg})
}

func (h *Hub) serveLobby(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := q.Get("screen")
	if name == "" {
		name = DefaultScreen
	}
	s, ok := h.screens[name]
	if !ok {
		http.Error(w, "Màn hình "+strconv.Quote(name)+" chưa được khai báo.", http.StatusNotFound)
		return
	}
	cfg := pageConfig{Title: h.opts.Title, Screen: name}
	if id := q.Get("counter"); id != "" {
		if !s.showsCounter(id) || !h.knownCounter(id) {
			http.Error(w, "Quầy "+strconv.Quote(id)+" không có trên màn hình này.", http.StatusNotFound)
			return
		}
		cfg.Counter = id
	}
	h.render(w, "lobby.html", cfg)
}

func (h *Hub) knownCounter(id string) bool {
	for _, c := range h.src.Counters() {
		if c.ID == id {
			return true
		}
	}
	return false
}

func (h *Hub) servePhone(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !ticketIDRE.MatchString(id) {
		http.NotFound(w, r)
		return
	}
	h.render(w, "phone.html", pageConfig{Title: h.opts.Title, Ticket: id, TicketAPI: h.opts.TicketAPI})
}

func (h *Hub) serveVoice(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if calls := q["call"]; len(calls) > 0 {
		h.serveVoiceMany(w, r, calls)
		return
	}
	ticket, counter := q.Get("ticket"), q.Get("counter")
	if !voice.ValidTicket(ticket) {
		httpError(w, http.StatusBadRequest, msg.BadTicket)
		return
	}
	var name string
	found := false
	for _, c := range h.src.Counters() {
		if c.ID == counter {
			name, found = c.Name, true
		}
	}
	if !found {
		httpError(w, http.StatusBadRequest, msg.BadCounter)
		return
	}
	if h.opts.Voice == nil {
		httpError(w, http.StatusNotFound, msg.NoVoice)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	wav, err := h.opts.Voice.Announce(ctx, ticket, counter, name)
	if err != nil {
		if !errors.Is(err, voice.ErrUnavailable) {
			h.log.Warn("display: voice", "err", err)
		}
		httpError(w, http.StatusServiceUnavailable, msg.VoiceFailed)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(wav)
}

// serveVoiceMany says calls made together (each "TICKET:COUNTER:FIELD") as
// one WAV; the header Voice-Parts lists where each call's part starts, in
// milliseconds.
func (h *Hub) serveVoiceMany(w http.ResponseWriter, r *http.Request, raw []string) {
	if len(raw) > voice.MaxBatch {
		httpError(w, http.StatusBadRequest, msg.BadTicket)
		return
	}
	counters := map[string]string{}
	for _, c := range h.src.Counters() {
		counters[c.ID] = c.Name
	}
	fields := map[string]string{}
	for _, f := range h.src.Fields() {
		fields[f.Code] = f.Name
	}
	calls := make([]voice.Call, 0, len(raw))
	for _, s := range raw {
		ticket, rest, _ := strings.Cut(s, ":")
		counter, field, _ := strings.Cut(rest, ":")
		name, okCounter := counters[counter]
		fieldName, okField := fields[field]
		switch {
		case !voice.ValidTicket(ticket):
			httpError(w, http.StatusBadRequest, msg.BadTicket)
			return
		case !okCounter || !okField:
			httpError(w, http.StatusBadRequest, msg.BadCounter)
			return
		}
		calls = append(calls, voice.Call{Ticket: ticket, CounterID: counter, CounterName: name, Field: fieldName})
	}
	if h.opts.Voice == nil {
		httpError(w, http.StatusNotFound, msg.NoVoice)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	wav, parts, err := h.opts.Voice.AnnounceMany(ctx, calls)
	if err != nil {
		if !errors.Is(err, voice.ErrUnavailable) {
			h.log.Warn("display: voice", "err", err)
		}
		httpError(w, http.StatusServiceUnavailable, msg.VoiceFailed)
		return
	}
	ms := make([]string, len(parts))
	for i, p := range parts {
		ms[i] = strconv.FormatInt(p.Milliseconds(), 10)
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("Voice-Parts", strings.Join(ms, ","))
	_, _ = w.Write(wav)
}

func (h *Hub) serveChime(w http.ResponseWriter, r *http.Request) {
	var wav []byte
	if h.opts.Voice != nil {
		wav = h.opts.Voice.Chime()
	} else {
		wav = voice.Chime(22050, 1).WAV()
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(wav)
}

// silence is a tenth of a second of nothing: the page plays it to learn
// whether the browser lets it play sound without a touch.
var silence = voice.Silence(voice.PCM{Rate: 8000, Channels: 1}, 100*time.Millisecond).WAV()

func serveSilence(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(silence)
}

// serveFont serves a DejaVu font from the binary, so that every screen
// draws Vietnamese the same way without fetching a font from the internet.
func serveFont(ttf []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "font/ttf")
		w.Header().Set("Cache-Control", "public, max-age=604800")
		_, _ = w.Write(ttf)
	}
}
