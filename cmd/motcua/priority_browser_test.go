package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"motcua/queue"
)

// priorityYAML gives the demo priority categories, confirmed by the lobby
// staff's PIN at the kiosk.
func priorityYAML(yaml string) string {
	return yaml + `
priority:
  check: staff
  staff_pin: "246810"
  categories:
    - { code: elderly, name: "Người cao tuổi" }
    - { code: disabled, name: "Người khuyết tật" }
    - { code: merit, name: "Người có công" }
security: {kiosk_tickets: {burst: 100, every: 1ms}, address_tickets: {burst: 100, every: 1ms}}
`
}

// TestPriorityCategoryOnEveryScreen: a priority number is taken for one of
// the center's categories and confirmed by the lobby staff's PIN at the
// kiosk (a wrong PIN issues nothing); its category is then shown on the
// kiosk's ticket, the ticket's phone page, in the console's calling order
// and current ticket, and on the lobby screen. Checked with axe-core.
func TestPriorityCategoryOnEveryScreen(t *testing.T) {
	c := startCenter(t, false, priorityYAML)
	b := browser(t)
	axe := axeSource(t)
	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the fields", `document.querySelectorAll("button.field").length === 4`)
	if _, err := c.engine.Issue(t.Context(), queue.IssueRequest{Service: "A"}); err != nil { // a citizen before: the priority number passes them
		t.Fatal(err)
	}

	pin := func(digits string) {
		for _, d := range digits {
			click(t, kiosk, `#pin-keypad [data-key="`+string(d)+`"]`)
		}
	}
	// A wrong PIN: no number.
	click(t, kiosk, `button.field[data-service="A"]`)
	click(t, kiosk, "#take-priority")
	waitFor(t, kiosk, "the categories", visible("prio")+` && document.querySelectorAll("#prio-cats button").length === 3`)
	checkAxe(t, kiosk, axe, "kiosk priority categories")
	click(t, kiosk, `#prio-cats [data-category="merit"]`)
	waitFor(t, kiosk, "the staff's check", visible("prio-check"))
	checkAxe(t, kiosk, axe, "kiosk staff check")
	pin("111111")
	if got := eval[string](t, kiosk, `document.getElementById("pin-box").textContent`); got != "••••••" {
		t.Fatalf("the PIN box shows %q", got)
	}
	click(t, kiosk, "#pin-ok")
	waitFor(t, kiosk, "the refusal", visible("home")+` && document.getElementById("status-msg").textContent.includes("cán bộ hướng dẫn tại sảnh xác nhận")`)
	if n := tickets(t, c); n != 1 {
		t.Fatalf("%d tickets after a wrong PIN, want 1", n)
	}

	// The right PIN.
	click(t, kiosk, `button.field[data-service="A"]`)
	click(t, kiosk, "#take-priority")
	click(t, kiosk, `#prio-cats [data-category="merit"]`)
	pin("246810")
	click(t, kiosk, "#pin-ok")
	waitFor(t, kiosk, "the ticket", visible("ticket")+` && document.getElementById("ticket-number").textContent === "A002"`)
	if got := eval[string](t, kiosk, `document.getElementById("ticket-priority").textContent`); got != "Số ưu tiên · Người có công" {
		t.Fatalf("the kiosk's ticket says %q", got)
	}
	tk := ticketByNumber(t, c, "A002")
	if !tk.Priority || tk.Category != "merit" {
		t.Fatalf("the ticket: %+v", tk)
	}
	phone := tab(t, b, 390, 844)
	do(t, phone, chromedp.Navigate(c.url+"/t/"+tk.ID))
	waitFor(t, phone, "the phone page names the category", `document.getElementById("priority").textContent === "Số ưu tiên · Người có công" && !document.getElementById("priority").hidden`)

	// Landscape: both steps fit the screen.
	wide := tab(t, b, 1920, 1080)
	open(t, wide, c.url+"/kiosk?pair=demo-kiosk-k1")
	click(t, wide, `button.field[data-service="B"]`)
	click(t, wide, "#take-priority")
	waitFor(t, wide, "the categories", visible("prio"))
	fits := `document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth`
	if !eval[bool](t, wide, fits) {
		t.Fatal("the categories overflow a landscape kiosk")
	}
	click(t, wide, `#prio-cats [data-category="elderly"]`)
	waitFor(t, wide, "the staff's check", visible("prio-check"))
	if !eval[bool](t, wide, fits) {
		t.Fatal("the staff's check overflows a landscape kiosk")
	}

	lobby := tab(t, b, 1920, 1080)
	do(t, lobby, chromedp.Navigate(c.url+"/display?screen=lobby"))
	console := tab(t, b, 1366, 768)
	open(t, console, c.url+"/counter")
	login(t, console, "canbo1")
	waitFor(t, console, "work", visible("work"))
	waitFor(t, console, "the calling order", `document.getElementById("order-next") && document.getElementById("order-next").textContent === "A002"`)
	if got := eval[string](t, console, `document.querySelector('#order-list .chip[data-number="A002"] .tag').textContent`); got != "Ưu tiên · Người có công" {
		t.Fatalf("the console's calling order says %q", got)
	}
	click(t, console, "#act-next")
	waitFor(t, console, "A002 called", `document.getElementById("cur-number").textContent === "A002"`)
	waitFor(t, console, "its category", `document.getElementById("cur-state").textContent.includes("Người có công")`)
	waitFor(t, lobby, "the call on the lobby", `document.getElementById("latest-ticket").textContent === "A002"`)
	got := eval[string](t, lobby, `document.getElementById("latest-priority").textContent + " | " + document.getElementById("counters").innerText`)
	if strings.Count(got, "Người có công") < 2 {
		t.Fatalf("the lobby says %q", got)
	}
	checkAxe(t, console, axe, "console with a priority category")
}

// TestKioskLaneTile: an agents' lane is a tile of its own at the kiosk,
// offering no priority number.
func TestKioskLaneTile(t *testing.T) {
	c := startCenter(t, false, func(y string) string {
		return priorityYAML(strings.Replace(y, `{ code: D, name: "Kinh doanh" }`, `{ code: D, name: "Đại lý, doanh nghiệp", lane: true }`, 1))
	})
	b := browser(t)
	kiosk := tab(t, b, 1080, 1920)
	open(t, kiosk, c.url+"/kiosk?pair=demo-kiosk-k1")
	waitFor(t, kiosk, "the lane's tile", `document.querySelector('button.field.lane[data-service="D"]')`)
	click(t, kiosk, `button.field[data-service="D"]`)
	waitFor(t, kiosk, "the confirmation", visible("confirm"))
	if !eval[bool](t, kiosk, `document.getElementById("take-priority").hidden`) {
		t.Fatal("a lane offers a priority number")
	}
	checkAxe(t, kiosk, axeSource(t), "kiosk lane confirmation")
	click(t, kiosk, "#take")
	waitFor(t, kiosk, "the ticket", `document.getElementById("ticket-number").textContent === "D001"`)
	click(t, kiosk, "#ticket-done")
	click(t, kiosk, `button.field[data-service="A"]`)
	waitFor(t, kiosk, "the confirmation", visible("confirm"))
	if eval[bool](t, kiosk, `document.getElementById("take-priority").hidden`) {
		t.Fatal("a citizens' field lost its priority button")
	}
}
