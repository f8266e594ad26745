package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"

	"motcua/kiosk/lookup"
	"motcua/queue"
)

// cardFrame is what a kiosk's camera sees (640×480, grey): a card (or a
// receipt) held up, with the QR code of payload on it ("" for none) and,
// when barcode is given, a receipt's Code128 beside it.
func cardFrame(t testing.TB, payload, barcode string) *image.Gray {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 640, 480))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.Gray{90}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(150, 80, 490, 400), image.NewUniform(color.Gray{245}), image.Point{}, draw.Src) // the card
	if payload != "" {
		hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_CHARACTER_SET: "UTF-8"}
		m, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 260, 260, hints)
		if err != nil {
			t.Fatal(err)
		}
		draw.Draw(img, image.Rect(190, 110, 450, 370), m, image.Point{}, draw.Src)
	}
	if barcode != "" {
		m, err := oned.NewCode128Writer().Encode(barcode, gozxing.BarcodeFormat_CODE_128, 600, 70, nil)
		if err != nil {
			t.Fatal(err)
		}
		draw.Draw(img, image.Rect(20, 405, 620, 475), m, image.Point{}, draw.Src)
	}
	return img
}

func pngBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeY4M writes img as a YUV4MPEG2 (4:2:0) file of frames frames, which
// Chromium's fake camera plays in a loop: the luma is the picture, the
// chroma neutral grey.
func writeY4M(t testing.TB, path string, img *image.Gray, frames int) {
	t.Helper()
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w%2 != 0 || h%2 != 0 {
		t.Fatalf("y4m: %d×%d: 4:2:0 needs even sides", w, h)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	out := bufio.NewWriter(f)
	fmt.Fprintf(out, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\n", w, h)
	chroma := bytes.Repeat([]byte{128}, w/2*h/2)
	for range frames {
		out.WriteString("FRAME\n")
		for y := range h {
			out.Write(img.Pix[y*img.Stride : y*img.Stride+w])
		}
		out.Write(chroma) // U
		out.Write(chroma) // V
	}
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// postFrame sends a camera request as kiosk k1 or k2: the ticket part
// (JSON, "" for none) and the frame part (nil for none).
func postFrame(t *testing.T, base, kiosk, ticket string, frame []byte) issueAnswer {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if ticket != "" {
		if err := mw.WriteField("ticket", ticket); err != nil {
			t.Fatal(err)
		}
	}
	if frame != nil {
		fw, err := mw.CreateFormFile("frame", "frame.jpg")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(frame)
	}
	mw.Close()
	return sendFrame(t, base, kiosk, mw.FormDataContentType(), body.Bytes())
}

func sendFrame(t *testing.T, base, kiosk, contentType string, body []byte) issueAnswer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/tickets/image", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if kiosk != "" {
		req.Header.Set("Authorization", "Bearer demo-kiosk-"+kiosk)
	}
	return doAnswer(t, req)
}

// doAnswer sends req and decodes the answer.
func doAnswer(t *testing.T, req *http.Request) issueAnswer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		ID, Number string
		Error      struct{ Code, Message string }
	}
	json.Unmarshal(raw, &out)
	return issueAnswer{status: resp.StatusCode, number: out.Number, id: out.ID, code: out.Error.Code, message: out.Error.Message, raw: string(raw)}
}

// TestKioskCameraFrames: POST /api/v1/tickets/image takes the number for
// the card a camera frame shows, as its scan would (the same person, the
// same caps); a frame without a card, a broken or oversized one, or a
// request that is no frame is refused with a clear code and takes no
// number; the lookup's camera and scans drop a card unread; nothing of the
// card reaches the logs, events, files or answers.
func TestKioskCameraFrames(t *testing.T) {
	dir := t.TempDir()
	var logs syncBuffer
	var events []queue.Event
	var mu sync.Mutex
	svc, hs := identityCenter(t, dir, &logs, &events, &mu)

	blank := jpegBytes(t, cardFrame(t, "", ""))
	receipt := pngBytes(t, cardFrame(t, "", "000.00.14.H56-200203-0118"))
	for _, tc := range []struct {
		name, kiosk, ticket, contentType string
		body                             []byte // sent as is when contentType is set
		frame                            []byte
		status                           int
		code                             string
	}{
		{name: "no card in the frame", kiosk: "k1", ticket: `{"service":"A"}`, frame: blank, status: 422, code: "no_code_found"},
		{name: "a receipt's barcode, no card", kiosk: "k1", ticket: `{"service":"A"}`, frame: receipt, status: 422, code: "no_code_found"},
		{name: "not an image", kiosk: "k1", ticket: `{"service":"A"}`, frame: []byte("GIF89a but not really"), status: 400, code: "invalid_image"},
		{name: "no frame part", kiosk: "k1", ticket: `{"service":"A"}`, status: 400, code: "invalid_image"},
		{name: "a frame over 4 MiB", kiosk: "k1", ticket: `{"service":"A"}`, frame: bytes.Repeat([]byte{0xff}, 4<<20+1), status: 413, code: "image_too_large"},
		{name: "JSON instead of a frame", kiosk: "k1", contentType: "application/json", body: []byte(`{"service":"A"}`), status: 415, code: "unsupported_media_type"},
		{name: "a bare JPEG body", kiosk: "k1", contentType: "image/jpeg", body: blank, status: 415, code: "unsupported_media_type"},
		{name: "the payload beside the frame", kiosk: "k1", ticket: `{"service":"A","citizen_id":"001099012345"}`, frame: blank, status: 400, code: "unknown_field"},
		{name: "no field", kiosk: "k1", ticket: `{}`, frame: blank, status: 400, code: "missing_service"},
		{name: "another kiosk named", kiosk: "k1", ticket: `{"service":"A","kiosk":"k2"}`, frame: blank, status: 403, code: "forbidden"},
		{name: "no kiosk credential", ticket: `{"service":"A"}`, frame: blank, status: 401, code: "device_unpaired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a issueAnswer
			if tc.contentType != "" {
				a = sendFrame(t, hs.URL, tc.kiosk, tc.contentType, tc.body)
			} else {
				a = postFrame(t, hs.URL, tc.kiosk, tc.ticket, tc.frame)
			}
			if a.status != tc.status || a.code != tc.code || a.message == "" {
				t.Fatalf("got %d %q %q, want %d %q", a.status, a.code, a.message, tc.status, tc.code)
			}
		})
	}

	// The card: the first number of the day (nothing above took one).
	a := postFrame(t, hs.URL, "k1", `{"service":"A","kiosk":"k1"}`, pngBytes(t, cardFrame(t, testCard, "")))
	if a.status != 201 || a.number != "A001" {
		t.Fatalf("the card's frame: %+v", a)
	}
	// The same card as JPEG at the other kiosk, with a receipt beside it:
	// the card wins; the same person as scanned and typed.
	if a := postFrame(t, hs.URL, "k2", `{"service":"B"}`, jpegBytes(t, cardFrame(t, testCard, "000.00.14.H56-200203-0118"))); a.status != 201 || a.number != "B001" {
		t.Fatalf("the card's JPEG frame: %+v", a)
	}
	if a := takeWith(t, hs.URL, "k2", "A", "001099012345"); a.status != 409 || a.code != "person_cap" {
		t.Fatalf("the typed number after the camera's: %+v", a)
	}
	a = postFrame(t, hs.URL, "k1", `{"service":"C"}`, pngBytes(t, cardFrame(t, testCard, "")))
	if a.status != 409 || a.code != "person_cap" || !strings.Contains(a.message, "A001, B001") {
		t.Fatalf("a third number through the camera: %+v", a)
	}
	if a := postFrame(t, hs.URL, "k1", `{"service":"C"}`, pngBytes(t, cardFrame(t, testOtherCard, ""))); a.status != 201 || a.number != "C001" {
		t.Fatalf("another person's card: %+v", a)
	}
	// The lookup's camera and scans drop a card unread.
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/scans/image", bytes.NewReader(jpegBytes(t, cardFrame(t, testCard, ""))))
	req.Header.Set("Content-Type", "image/jpeg")
	if a := doAnswer(t, req); a.status != 422 || a.code != "id_card" {
		t.Fatalf("a card's frame at the lookup: %+v", a)
	}
	body, _ := json.Marshal(map[string]string{"payload": testOtherCard})
	req, _ = http.NewRequest(http.MethodPost, hs.URL+"/api/v1/scans", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if a := doAnswer(t, req); a.status != 422 || a.code != "id_card" {
		t.Fatalf("a card scanned at the lookup: %+v", a)
	}
	hs.Close()
	svc.close()

	// Nothing of the cards in the data directory, the log or the events.
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(path) == "center.yaml" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, p := range testCardParts {
			if bytes.Contains(b, []byte(p)) {
				t.Errorf("%s holds %q", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	evs, _ := json.Marshal(events)
	mu.Unlock()
	log := logs.String()
	if !strings.Contains(log, "no_code_found") || !strings.Contains(log, "person_cap") {
		t.Fatalf("the refusals are not in the debug log:\n%s", log)
	}
	for _, p := range testCardParts {
		if strings.Contains(log, p) {
			t.Errorf("the log holds %q", p)
		}
		if bytes.Contains(evs, []byte(p)) {
			t.Errorf("the events hold %q", p)
		}
	}
}

// BenchmarkCameraFrameToTicket is the identity step through the kiosk's
// camera, the service's part: a 640×480 JPEG frame holding a CCCD's QR
// code in POST /api/v1/tickets/image, decoded (gozxing), the card read,
// hashed, checked against the person's caps, issued and committed before
// the 201; one after another, each by another person, at kiosk k2 (no
// printer). It reports the p50 and p99 of one request (docs/BENCHMARKS.md).
func BenchmarkCameraFrameToTicket(b *testing.B) {
	hs := identityBenchCenter(b)
	fields := []string{"A", "B", "C", "D"}
	took := make([]time.Duration, 0, b.N)
	for i := range b.N {
		card := fmt.Sprintf("0010%08d|123456789|Nguyễn Văn An|15081999|Nam|Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|20042021", i+1)
		body, contentType := frameRequest(b, `{"service":"`+fields[i%4]+`"}`, jpegBytes(b, cardFrame(b, card, "")))
		start := time.Now()
		status := postBench(b, hs, contentType, body)
		took = append(took, time.Since(start))
		if status != http.StatusCreated {
			b.Fatalf("frame %d: %d", i, status)
		}
	}
	reportLatency(b, took)
}

// BenchmarkCameraFrameNoCard is what the kiosk's camera costs the service
// while nobody holds a card up (about three frames a second per kiosk at
// the identity step): a 640×480 JPEG frame without a code, answered
// 422 no_code_found.
func BenchmarkCameraFrameNoCard(b *testing.B) {
	hs := identityBenchCenter(b)
	body, contentType := frameRequest(b, `{"service":"A"}`, jpegBytes(b, cardFrame(b, "", "")))
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		status := postBench(b, hs, contentType, body)
		took = append(took, time.Since(start))
		if status != http.StatusUnprocessableEntity {
			b.Fatalf("frame %d: %d", i, status)
		}
	}
	reportLatency(b, took)
}

// frameRequest is the multipart body of a camera request and its type.
func frameRequest(b *testing.B, ticket string, frame []byte) ([]byte, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("ticket", ticket)
	fw, err := mw.CreateFormFile("frame", "frame.jpg")
	if err != nil {
		b.Fatal(err)
	}
	fw.Write(frame)
	mw.Close()
	return body.Bytes(), mw.FormDataContentType()
}

// postBench sends a camera request as kiosk k2 and returns the status.
func postBench(b *testing.B, hs *httptest.Server, contentType string, body []byte) int {
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/tickets/image", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer demo-kiosk-k2")
	resp, err := hs.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestKioskCameraChecksInAnOnlineNumber: an online number's QR code held
// up to the camera at the identity step checks it in, as its scan would;
// held up again, it is refused as used.
func TestKioskCameraChecksInAnOnlineNumber(t *testing.T) {
	c, signed := onlineCenter(t, identityYAML)
	// gozxing does not read about one online number's QR code in a hundred
	// in any frame (zbarimg reads them: docs/hardware.md, "Kiosk camera"):
	// the test takes a booking whose code it reads, as the scanner would
	// have taken the other.
	var frame []byte
	for i := 1; ; i++ {
		frame = pngBytes(t, cardFrame(t, signed(fmt.Sprintf("%016x", 0xc0+i), "B", "001099012345"), ""))
		if codes, err := lookup.DecodeImage(bytes.NewReader(frame), lookup.DefaultMaxImageBytes); err == nil && len(codes) == 1 {
			break
		}
		if i == 20 {
			t.Fatal("gozxing reads none of 20 online numbers' QR codes")
		}
	}
	a := postFrame(t, c.url, "k2", `{"service":"A"}`, frame)
	if a.status != 201 || a.number != "B001" || !strings.Contains(a.raw, `"online":true`) {
		t.Fatalf("the online number's frame: %+v", a)
	}
	if a := postFrame(t, c.url, "k2", `{"service":"A"}`, frame); a.status != 409 || a.code != "booking_used" || !strings.Contains(a.message, "B001") {
		t.Fatalf("the same online number again: %+v", a)
	}
	if n := tickets(t, c); n != 1 {
		t.Fatalf("%d tickets, want 1", n)
	}
}
