package web

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"motcua/internal/msg"
)

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	resp := rec.Result()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestPagesAndAssets(t *testing.T) {
	h := New(Opts{})
	for _, p := range Pages() {
		resp, body := get(t, h, p)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", p, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Fatalf("%s: no CSP", p)
		}
		if !strings.Contains(body, `lang="vi"`) {
			t.Fatalf("%s is not Vietnamese first", p)
		}
		// Every script and stylesheet the page names is served.
		for _, m := range regexp.MustCompile(`(?:src|href)="(/kioskui/[^"]+)"`).FindAllStringSubmatch(body, -1) {
			if r, _ := get(t, h, m[1]); r.StatusCode != 200 {
				t.Fatalf("%s names %s: %d", p, m[1], r.StatusCode)
			}
		}
	}
	for _, f := range []string{"fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf"} {
		resp, body := get(t, h, AssetPrefix+f)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "font/ttf" || len(body) < 100000 {
			t.Fatalf("%s: %d %d bytes", f, resp.StatusCode, len(body))
		}
	}
	for _, p := range []string{"/kioskui/", "/kioskui/../web.go", "/kioskui/nope.js", "/nope"} {
		if resp, _ := get(t, h, p); resp.StatusCode != 404 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/kiosk", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", rec.Code)
	}
}

// TestNothingFromTheInternet: no page, script or style names another host.
func TestNothingFromTheInternet(t *testing.T) {
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	fs.WalkDir(embedded, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := embedded.ReadFile(path)
		for _, m := range external.FindAllString(string(b), -1) {
			if !strings.Contains(m, "www.w3.org") { // the SVG namespace is a name, not a request
				t.Errorf("%s refers to %s", path, m)
			}
		}
		return nil
	})
}

func TestQRSVGReadsBack(t *testing.T) {
	const url = "https://motcua.example.gov.vn/t/3f9a0c1d2e4b5a69"
	svg, err := QRSVG(url)
	if err != nil {
		t.Fatal(err)
	}
	img := rasterise(t, svg, 4)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.GetText() != url {
		t.Fatalf("read %q", res.GetText())
	}
	if _, err := QRSVG(""); err == nil || !strings.HasPrefix(err.Error(), "web: ") {
		t.Fatalf("empty text: %v", err)
	}
}

// rasterise draws the SVG's "Mx yhNv1h-Nz" runs at scale pixels per module.
func rasterise(t *testing.T, svg []byte, scale int) image.Image {
	t.Helper()
	vb := regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`).FindSubmatch(svg)
	w, _ := strconv.Atoi(string(vb[1]))
	h, _ := strconv.Atoi(string(vb[2]))
	img := image.NewGray(image.Rect(0, 0, w*scale, h*scale))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, m := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)`).FindAllSubmatch(svg, -1) {
		x, _ := strconv.Atoi(string(m[1]))
		y, _ := strconv.Atoi(string(m[2]))
		n, _ := strconv.Atoi(string(m[3]))
		for px := x * scale; px < (x+n)*scale; px++ {
			for py := y * scale; py < (y+1)*scale; py++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
	}
	if !bytes.Contains(svg, []byte(`fill="#fff"`)) {
		t.Fatal("no white background: phones read a QR badly on a coloured page")
	}
	return img
}

func TestReceiptPage(t *testing.T) {
	h := New(Opts{Center: "UBND Phường <Demo>"})
	resp, body := get(t, h, ReceiptPrefix+"000.00.14.H56-200203-0118?sig=abc")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("receipt page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatal("receipt page: no CSP")
	}
	if !strings.Contains(body, "UBND Phường &lt;Demo&gt;") || !strings.Contains(body, `lang="vi"`) {
		t.Fatalf("receipt page does not name the center, escaped, in Vietnamese:\n%s", body)
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="(/kioskui/[^"]+)"`).FindAllStringSubmatch(body, -1) {
		if r, _ := get(t, h, m[1]); r.StatusCode != 200 {
			t.Fatalf("receipt page names %s: %d", m[1], r.StatusCode)
		}
	}
	if _, body := get(t, New(Opts{}), ReceiptPrefix+"x"); !strings.Contains(body, "Bộ phận tiếp nhận và trả kết quả") {
		t.Fatal("without a center name the page names no one")
	}
	for _, p := range []string{ReceiptPrefix, ReceiptPrefix + "a/b"} {
		if resp, _ := get(t, h, p); resp.StatusCode != 404 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
}

// The pages get the service's catalogue of messages as a script, the
// same texts the API answers with.
func TestMessagesScript(t *testing.T) {
	resp, body := get(t, New(Opts{}), AssetPrefix+MessagesScript)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("%s: %d %s", MessagesScript, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	start, end := strings.Index(body, "})({"), strings.LastIndex(body, ");")
	if !strings.HasPrefix(body, "//") || !strings.Contains(body, "motcua.messages = ") || start < 0 || end < start {
		t.Fatalf("not the catalogue script:\n%s", body)
	}
	var table map[string]map[msg.ID]string
	if err := json.Unmarshal([]byte(body[start+3:end]), &table); err != nil {
		t.Fatal(err)
	}
	for _, id := range msg.IDs() {
		if table["vi"][id] != id.Text().VI || table["en"][id] != id.Text().EN {
			t.Errorf("%s: script says %q/%q, catalogue %+v", id, table["vi"][id], table["en"][id], id.Text())
		}
	}
}
