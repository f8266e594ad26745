package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestKioskIdentityStep: where a field asks who takes the number, the
// kiosk asks for the ID card after the field; a card scanned (the
// keyboard-wedge scanner, or the serial one through the service) or its
// number typed on the keypad takes the number; the digits are never shown;
// a person over the caps reads why and where to go; an optional field lets
// the citizen go on without; a card scanned on the start screen is dropped
// unread. Checked with axe-core at both kiosk sizes.
func TestKioskIdentityStep(t *testing.T) {
	c := startCenter(t, false, func(y string) string {
		y = strings.Replace(y, `{ code: B, name: "Đất đai" }`, `{ code: B, name: "Đất đai", identity: optional }`, 1)
		return identityYAML(y) + "security: {kiosk_tickets: {burst: 100, every: 1ms}, address_tickets: {burst: 100, every: 1ms}}\n"
	})
	b := browser(t)
	axe := axeSource(t)
	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)

	// A: the card through the keyboard-wedge scanner.
	click(t, kiosk, `button.field[data-service="A"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the identity step", visible("identity"))
	if !eval[bool](t, kiosk, `document.getElementById("id-skip").hidden`) {
		t.Fatal("a required field offers to go on without the card")
	}
	checkAxe(t, kiosk, axe, "kiosk identity step (portrait)")
	do(t, kiosk, chromedp.KeyEvent(testCard+"\r"))
	waitFor(t, kiosk, "the ticket", visible("ticket")+` && document.getElementById("ticket-number").textContent === "A001"`)
	noCard(t, kiosk, "the ticket")
	click(t, kiosk, "#ticket-done")

	// B is optional: its number typed, masked on screen.
	click(t, kiosk, `button.field[data-service="B"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the identity step", visible("identity"))
	if eval[bool](t, kiosk, `document.getElementById("id-skip").hidden`) {
		t.Fatal("an optional field offers no way on without the card")
	}
	for _, d := range "00109901234" {
		click(t, kiosk, `#id-keypad [data-key="`+string(d)+`"]`)
	}
	if !eval[bool](t, kiosk, `document.getElementById("id-ok").disabled`) {
		t.Fatal("11 digits can be sent")
	}
	click(t, kiosk, `#id-keypad [data-key="5"]`)
	if got := eval[string](t, kiosk, `document.getElementById("id-box").textContent`); got != strings.Repeat("•", 12) {
		t.Fatalf("the box shows %q", got)
	}
	noCard(t, kiosk, "the typed number")
	click(t, kiosk, "#id-ok")
	waitFor(t, kiosk, "the ticket", `document.getElementById("ticket-number").textContent === "B001"`)
	click(t, kiosk, "#ticket-done")

	// C: the same person's third number of the day, scanned on the serial
	// scanner: refused, and the kiosk says so on the identity step.
	click(t, kiosk, `button.field[data-service="C"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the identity step", visible("identity"))
	c.screens.hub.Push("k1", testCard)
	waitFor(t, kiosk, "the refusal", visible("id-status"))
	say := eval[string](t, kiosk, `document.getElementById("id-status").textContent`)
	if !strings.Contains(say, "A001, B001") || !strings.Contains(say, "tối đa 2 số mỗi ngày") {
		t.Fatalf("the refusal says %q", say)
	}
	checkAxe(t, kiosk, axe, "kiosk identity refused")
	if n := tickets(t, c); n != 2 {
		t.Fatalf("%d tickets issued, want 2", n)
	}
	click(t, kiosk, "#identity [data-back]")
	waitFor(t, kiosk, "home", visible("home"))

	// A card scanned on the start screen is dropped: no lookup, nothing shown.
	c.screens.hub.Push("k1", testOtherCard)
	waitFor(t, kiosk, "the hint", `document.getElementById("status-msg").textContent.includes("chọn lĩnh vực trước")`)
	noCard(t, kiosk, "the start screen")
	// On the lookup screen too: it says a card is no receipt.
	click(t, kiosk, "#go-lookup")
	waitFor(t, kiosk, "the lookup", visible("lookup"))
	do(t, kiosk, chromedp.KeyEvent(testOtherCard+"\r"))
	waitFor(t, kiosk, "the answer", `document.querySelector('#lookup-result [data-error="id_card"]')`)
	noCard(t, kiosk, "the lookup screen")
	if c.requests.count("POST /api/v1/scans") != 0 {
		t.Fatal("a card went to the dossier lookup")
	}
	click(t, kiosk, "#lookup [data-back]")
	waitFor(t, kiosk, "home", visible("home"))

	// B optional, without the card.
	click(t, kiosk, `button.field[data-service="B"]`)
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the identity step", visible("identity"))
	click(t, kiosk, "#id-skip")
	waitFor(t, kiosk, "the ticket", `document.getElementById("ticket-number").textContent === "B002"`)

	// Landscape: the step fits, every target on screen.
	wide := tab(t, b, 1920, 1080)
	open(t, wide, c.url+"/kiosk?pair=demo-kiosk-k1")
	click(t, wide, `button.field[data-service="D"]`)
	click(t, wide, "#take")
	waitFor(t, wide, "the identity step", visible("identity"))
	for _, bx := range boxes(t, wide, "#identity button") {
		if bx.Bottom > 1080 || bx.Right > 1920 {
			t.Fatalf("a button of the identity step lies off screen: %+v", bx)
		}
	}
	if cov := covered(t, wide, "#identity button"); len(cov) > 0 {
		t.Fatalf("covered: %v", cov)
	}
	checkAxe(t, wide, axe, "kiosk identity step (landscape)")
}

// noCard fails if the page shows any part of the test cards.
func noCard(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	text := eval[string](t, ctx, "document.body.innerText + document.body.innerHTML")
	for _, p := range testCardParts {
		if strings.Contains(text, p) {
			t.Fatalf("%s shows %q", where, p)
		}
	}
}
