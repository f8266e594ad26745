package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"maps"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
)

//go:embed static
var embedded embed.FS

// AssetPrefix is where scripts, styles and fonts are served.
const AssetPrefix = "/kioskui/"

// The paths of the pages.
const (
	KioskPath   = "/kiosk"
	CounterPath = "/counter"
	RatingPath  = "/rating"
	AdminPath   = "/admin"

	// HardwarePath is the administrators' page of the counter hardware
	// (learning the call buttons, the boards' state).
	HardwarePath = "/admin/hardware"
)

// pages maps each page path to its file.
func pages() map[string]string {
	return map[string]string{
		KioskPath:   "kiosk.html",
		CounterPath: "counter.html",
		RatingPath:  "rating.html",
		AdminPath:   "admin.html",

		HardwarePath: "hardware.html",
	}
}

// Pages lists the paths of the pages.
func Pages() []string {
	out := slices.Collect(maps.Keys(pages()))
	slices.Sort(out)
	return out
}

// ReceiptPrefix starts the path of the receipt page, ReceiptPrefix+"{code}":
// where the QR code of a form-01 receipt leads a phone (kiosk/lookup.Sign).
// The page looks the dossier up with the API, passing the URL's sig on.
const ReceiptPrefix = "/h/"

// Routes lists the patterns the Handler answers, in net/http.ServeMux
// syntax ("GET /kiosk", "GET /h/{code}"), for cmd/motcua to mount it on
// each: the pages (GET and HEAD), the receipt page and the assets.
func Routes() []string {
	var out []string
	for _, p := range Pages() {
		out = append(out, http.MethodGet+" "+p, http.MethodHead+" "+p)
	}
	return append(out, "GET "+AssetPrefix+"{file...}", "GET "+ReceiptPrefix+"{code}")
}

// Opts configure the pages.
type Opts struct {
	// Center is the center's name, heading the receipt page.
	Center string
}

// Handler serves the pages and their assets.
type Handler struct {
	static  fs.FS
	fonts   map[string][]byte
	pages   map[string]string
	scripts map[string][]byte // generated assets: MessagesScript
	receipt []byte            // the receipt page, rendered once
}

var receiptPage = template.Must(template.ParseFS(embedded, "static/dossier.html"))

// New returns the handler of the pages and of everything under AssetPrefix.
func New(o Opts) *Handler {
	sub, err := fs.Sub(embedded, "static")
	if err != nil { // the directory is embedded at build time
		panic("web: embedded static directory missing: " + err.Error())
	}
	var page bytes.Buffer
	if err := receiptPage.Execute(&page, o); err != nil { // only a string goes in
		panic("web: receipt page: " + err.Error())
	}
	return &Handler{static: sub, pages: pages(), receipt: page.Bytes(), scripts: map[string][]byte{MessagesScript: messagesJS()}, fonts: map[string][]byte{
		"DejaVuSans.ttf":      dejavusans.TTF,
		"DejaVuSans-Bold.ttf": dejavusansbold.TTF,
	}}
}

// csp keeps every page on this server: no script, style, font or
// connection to any other host.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"font-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if file, ok := h.pages[r.URL.Path]; ok {
		w.Header().Set("Cache-Control", "no-cache")
		h.serveFile(w, r, file)
		return
	}
	if code, ok := strings.CutPrefix(r.URL.Path, ReceiptPrefix); ok && code != "" && !strings.Contains(code, "/") {
		// The page reads the code from its own address; the API checks it.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(h.receipt)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, AssetPrefix)
	if !ok || name == "" || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	if font, ok := h.fonts[strings.TrimPrefix(name, "fonts/")]; ok && strings.HasPrefix(name, "fonts/") {
		w.Header().Set("Content-Type", "font/ttf")
		w.Header().Set("Cache-Control", "public, max-age=604800")
		w.Write(font)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	if js, ok := h.scripts[name]; ok {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(js)
		return
	}
	h.serveFile(w, r, name)
}

func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	data, err := fs.ReadFile(h.static, path.Clean(name))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Write(data)
}
