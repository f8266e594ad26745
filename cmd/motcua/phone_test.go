package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/web"
)

// TestReceiptPageFollowsTheDossier: a phone keeps the receipt page open;
// the main system records that the dossier moved on; the page shows the new
// status, the unit now holding it and the new step of its history without
// being reloaded.
func TestReceiptPageFollowsTheDossier(t *testing.T) {
	c := startCenter(t, false)
	signed, _ := printReceipt(t, c)
	b := browser(t)
	phone := tab(t, b, 390, 844)
	open(t, phone, signed)
	waitFor(t, phone, "the dossier", `document.body.dataset.state === "shown" && document.getElementById("status").textContent === "Được tiếp nhận"`)
	// A mark the page keeps until it is reloaded.
	eval[bool](t, phone, `(window.sameLoad = true)`)

	admin := staffToken(t, c, "quantri")
	body := map[string]any{"status": 5, "unit": "Phòng Tư pháp"}
	if code := call(t, c, admin, "POST", "/api/v1/dossiers/"+receiptCode+"/status", body, nil); code != http.StatusNoContent {
		t.Fatalf("status push: %d", code)
	}
	// The page asks again every 30 s: wait for it a little longer.
	deadline := time.Now().Add(45 * time.Second)
	for eval[string](t, phone, `document.getElementById("status").textContent`) != "Yêu cầu bổ sung giấy tờ" {
		if time.Now().After(deadline) {
			t.Fatalf("the open page still says %q; it says:\n%s",
				eval[string](t, phone, `document.getElementById("status").textContent`), eval[string](t, phone, `document.body.innerText`))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := eval[string](t, phone, `document.getElementById("unit").textContent`); got != "Phòng Tư pháp" {
		t.Errorf("unit %q after the change", got)
	}
	if n := eval[int](t, phone, `document.querySelectorAll("#history li").length`); n != 2 {
		t.Errorf("history has %d steps after the change, want 2", n)
	}
	if !eval[bool](t, phone, `window.sameLoad === true`) {
		t.Error("the page was reloaded")
	}
	if n := c.requests.count("GET " + web.ReceiptPrefix + receiptCode); n != 1 {
		t.Errorf("the page was served %d times, want 1", n)
	}
	if got := eval[string](t, phone, `document.getElementById("updated").textContent`); !strings.Contains(got, "tự cập nhật") {
		t.Errorf("the page does not say it refreshes itself: %q", got)
	}
}
