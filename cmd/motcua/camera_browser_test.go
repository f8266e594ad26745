package main

import (
	"context"
	"image"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/display/browsertest"
	"motcua/kiosk/lookup"
	"motcua/kiosk/web"
)

// cameraBrowser is browser with a fake camera that shows frame.
func cameraBrowser(t *testing.T, frame *image.Gray) context.Context {
	t.Helper()
	path := filepath.Join(t.TempDir(), "camera.y4m")
	writeY4M(t, path, frame, 2)
	return browsertest.New(t, browsertest.Opts{Width: 1366, Height: 768, Lang: "vi-VN", Timeout: 8 * time.Minute, FakeCamera: path})
}

// cameraKiosk turns kiosk k1's camera on.
func cameraKiosk(y string) string {
	return strings.Replace(y, "{ id: k1, ", "{ id: k1, camera: true, ", 1)
}

// cameraOnD asks for the ID card in field D only (optional), at kiosk k1
// with its camera: the kiosk screens' tests reach the camera there.
func cameraOnD(y string) string {
	y = strings.Replace(y, `{ code: D, name: "Kinh doanh" }`, `{ code: D, name: "Kinh doanh", identity: optional }`, 1)
	return cameraKiosk(y) + "\nidentity: {mode: off, secret: demo-province-identity-secret-000000}\n"
}

// spyCamera records the streams the page opens (window.camStreams), and
// makes the next ones fail with errName when given.
func spyCamera(t *testing.T, kiosk context.Context, errName string) {
	t.Helper()
	eval[bool](t, kiosk, `((errName) => {
		const md = navigator.mediaDevices;
		window.camStreams = window.camStreams || [];
		md.realGetUserMedia = md.realGetUserMedia || md.getUserMedia.bind(md);
		md.getUserMedia = async c => {
			if (errName) throw new DOMException("refused by the test", errName);
			const s = await md.realGetUserMedia(c);
			window.camStreams.push(s);
			return s;
		};
		return true;
	})(`+"`"+errName+"`"+`)`)
}

// camerasOff is true once every stream the page opened has all its
// tracks ended.
const camerasOff = `window.camStreams.length > 0 && window.camStreams.every(s => s.getTracks().every(k => k.readyState === "ended"))`

// TestKioskIdentityCamera: at a kiosk with a camera, the identity step
// shows the live picture in a frame with its instruction and sends its
// frames, one at a time; the card held up takes the number for its person
// (the ticket issued, the person kept as a key), and the camera is off
// once the step is left. A camera refused leaves the keypad, with a
// message. Checked with axe-core on the camera screen.
func TestKioskIdentityCamera(t *testing.T) {
	c := startCenter(t, false, func(y string) string {
		return cameraKiosk(identityYAML(y)) + "security: {kiosk_tickets: {burst: 100, every: 1ms}, address_tickets: {burst: 100, every: 1ms}}\n"
	})
	b := cameraBrowser(t, cardFrame(t, testCard, ""))
	axe := axeSource(t)
	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)
	spyCamera(t, kiosk, "")

	// The first frame waits at the service's door: the camera screen as
	// the citizen sees it while the card is read.
	release := c.requests.hold(t, "POST /api/v1/tickets/image")
	click(t, kiosk, `button.field[data-service="A"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the camera's picture", visible("identity")+` && document.getElementById("camera").dataset.state === "on" && document.getElementById("cam-video").videoWidth === 640`)
	for c.requests.count("POST /api/v1/tickets/image") == 0 {
		time.Sleep(50 * time.Millisecond) // the first frame on its way
	}
	say := eval[string](t, kiosk, `document.getElementById("cam-say").textContent`)
	if say != "Đưa mặt thẻ CCCD có mã QR vào khung" {
		t.Fatalf("the camera's instruction says %q", say)
	}
	if hint := eval[string](t, kiosk, `document.getElementById("id-hint").textContent`); !strings.Contains(hint, "khung camera") {
		t.Fatalf("the step's hint does not name the camera: %q", hint)
	}
	for _, sel := range []string{"#cam-view", "#cam-say", "#id-keypad .key", "#identity [data-back]"} {
		for _, bx := range boxes(t, kiosk, sel) {
			if bx.Top < 0 || bx.Bottom > 1920 || bx.Right > 1080 {
				t.Fatalf("%s lies off screen: %+v", sel, bx)
			}
		}
	}
	checkAxe(t, kiosk, axe, "kiosk identity step with the camera")
	if n := c.requests.count("POST /api/v1/tickets/image"); n != 1 {
		t.Fatalf("%d frames in flight at once, want 1", n)
	}
	if n := tickets(t, c); n != 0 {
		t.Fatalf("%d tickets before the card was read", n)
	}
	// A number typed meanwhile waits for the frame's answer, and is
	// dropped when that answer is the ticket: one number, not two.
	for _, d := range "079203001122" {
		click(t, kiosk, `#id-keypad [data-key="`+string(d)+`"]`)
	}
	click(t, kiosk, "#id-ok")
	release()

	waitFor(t, kiosk, "the ticket", visible("ticket")+` && document.getElementById("ticket-number").textContent === "A001"`)
	waitFor(t, kiosk, "the camera off", camerasOff+` && document.getElementById("cam-video").srcObject === null`)
	noCard(t, kiosk, "the ticket")
	if n := c.requests.count("POST /api/v1/tickets"); n != 0 {
		t.Fatalf("the number typed during the frame went too (%d requests)", n)
	}
	day := c.engine.Day()
	issued, err := c.engine.History(t.Context(), day, day)
	if err != nil || len(issued) != 1 {
		t.Fatalf("issued %d tickets (%v), want 1", len(issued), err)
	}
	if p := issued[0].Person; len(p) != 64 || strings.Contains(testCard, p) {
		t.Fatalf("the ticket's person is %q, want the card's keyed hash", p)
	}
	// The same card through the camera at field B: the same person, who
	// now holds 2 numbers; a third is refused on the step, camera off.
	click(t, kiosk, "#ticket-done")
	click(t, kiosk, `button.field[data-service="B"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the second ticket", visible("ticket")+` && document.getElementById("ticket-number").textContent === "B001"`)
	click(t, kiosk, "#ticket-done")
	click(t, kiosk, `button.field[data-service="C"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the refusal", visible("identity")+` && `+visible("id-status"))
	if say := eval[string](t, kiosk, `document.getElementById("id-status").textContent`); !strings.Contains(say, "A001, B001") {
		t.Fatalf("the refusal says %q", say)
	}
	waitFor(t, kiosk, "the camera off after the refusal", camerasOff+` && document.getElementById("camera").hidden`)
	click(t, kiosk, "#identity [data-back]")
	waitFor(t, kiosk, "home", visible("home"))

	// The card held up to the lookup's camera: no receipt, said so; the
	// camera off.
	click(t, kiosk, "#go-lookup")
	waitFor(t, kiosk, "the card refused by the lookup", `document.querySelector('#lookup-result [data-error="id_card"]')`)
	waitFor(t, kiosk, "the lookup's camera off", camerasOff+` && document.getElementById("camera").hidden`)
	noCard(t, kiosk, "the lookup screen")
	if n := c.requests.count("POST /api/v1/scans/image"); n == 0 {
		t.Fatal("the lookup sent no frame")
	}
	click(t, kiosk, "#lookup [data-back]")
	waitFor(t, kiosk, "home", visible("home"))

	// A camera refused: the keypad, with a message in Vietnamese.
	spyCamera(t, kiosk, "NotAllowedError")
	posts := c.requests.count("POST /api/v1/tickets/image")
	click(t, kiosk, `button.field[data-service="C"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the camera's refusal", visible("identity")+` && document.getElementById("camera").dataset.state === "off" && !document.getElementById("camera").hidden`)
	if say := eval[string](t, kiosk, `document.getElementById("cam-say").textContent`); !strings.Contains(say, "không được phép dùng camera") || !strings.Contains(say, "bấm số định danh") {
		t.Fatalf("the refused camera says %q", say)
	}
	checkAxe(t, kiosk, axe, "kiosk identity step, camera refused")
	for _, d := range "079203001122" {
		click(t, kiosk, `#id-keypad [data-key="`+string(d)+`"]`)
	}
	click(t, kiosk, "#id-ok")
	waitFor(t, kiosk, "the typed number's ticket", visible("ticket")+` && document.getElementById("ticket-number").textContent === "C001"`)
	if n := c.requests.count("POST /api/v1/tickets/image"); n != posts {
		t.Fatalf("%d frames sent without a camera", n-posts)
	}
	noCard(t, kiosk, "the ticket")
}

// TestKioskCameraSeesNoCard: while the camera sees no card the step says
// nothing alarming and keeps trying, then how to hold the card; a number
// typed while a frame is on its way is sent once the frame's answer
// comes, and the camera is off on the ticket. The receipt it sees is
// looked up on the lookup screen.
func TestKioskCameraSeesNoCard(t *testing.T) {
	c := startCenter(t, true, func(y string) string { return cameraKiosk(identityYAML(y)) })
	// A receipt's QR code (to the demo's public address), no card.
	b := cameraBrowser(t, cardFrame(t, lookup.Sign("http://127.0.0.1:8080"+web.ReceiptPrefix, c.receiptKey, "000.00.14.H56-200203-0118"), ""))
	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)
	spyCamera(t, kiosk, "")
	click(t, kiosk, `button.field[data-service="A"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the camera's picture", `document.getElementById("camera").dataset.state === "on"`)
	for c.requests.count("POST /api/v1/tickets/image") < 3 {
		time.Sleep(50 * time.Millisecond) // frames answered "no code"
	}
	if eval[bool](t, kiosk, visible("id-status")) || !eval[bool](t, kiosk, visible("identity")) {
		t.Fatal("a frame without a card changed the step")
	}
	waitFor(t, kiosk, "the hint", `document.getElementById("cam-say").textContent.includes("Giữ thẻ yên trong khung")`)
	if n := tickets(t, c); n != 0 {
		t.Fatalf("%d tickets from frames without a card", n)
	}

	release := c.requests.hold(t, "POST /api/v1/tickets/image")
	held := c.requests.count("POST /api/v1/tickets/image")
	for c.requests.count("POST /api/v1/tickets/image") == held {
		time.Sleep(50 * time.Millisecond) // the next frame, now held
	}
	for _, d := range "001099012345" {
		click(t, kiosk, `#id-keypad [data-key="`+string(d)+`"]`)
	}
	click(t, kiosk, "#id-ok")
	release()
	waitFor(t, kiosk, "the typed number's ticket", visible("ticket")+` && document.getElementById("ticket-number").textContent === "A001"`)
	waitFor(t, kiosk, "the camera off", camerasOff)
	if n := c.requests.count("POST /api/v1/tickets"); n != 1 {
		t.Fatalf("%d requests for the typed number, want 1", n)
	}

	// The receipt held up to the lookup's camera: its dossier, the camera
	// off once it answered.
	click(t, kiosk, "#ticket-done")
	release = c.requests.hold(t, "POST /api/v1/scans/image")
	click(t, kiosk, "#go-lookup")
	waitFor(t, kiosk, "the lookup's camera", visible("lookup")+` && document.getElementById("camera").dataset.state === "on"`)
	if hint := eval[string](t, kiosk, `document.getElementById("lookup-hint").textContent`); !strings.Contains(hint, "khung camera") {
		t.Fatalf("the lookup's hint does not name the camera: %q", hint)
	}
	if say := eval[string](t, kiosk, `document.getElementById("cam-say").textContent`); say != "Đưa mã trên giấy hẹn vào khung" {
		t.Fatalf("the lookup's camera says %q", say)
	}
	checkAxe(t, kiosk, axeSource(t), "kiosk lookup with the camera")
	release()
	waitFor(t, kiosk, "the dossier", `document.querySelector("#lookup-result .dossier h2")`)
	waitFor(t, kiosk, "the lookup's camera off", camerasOff+` && document.getElementById("camera").hidden`)
	if code := eval[string](t, kiosk, `document.getElementById("code-text").textContent`); code != "000.00.14.H56-200203-0118" {
		t.Fatalf("the lookup shows the code %q", code)
	}
}
