package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminShowsRatingsPerOfficer: canbo1 serves A001 at counter 1 and
// hands over a result (T); the citizen taps "Rất hài lòng" on the tablet;
// the administrator's report shows canbo1's rating with its dossier, and
// links the CSVs of the officers and of the province's export.
func TestAdminShowsRatingsPerOfficer(t *testing.T) {
	c := startCenter(t, false)
	issueN(t, c, "A", 1)
	b := browser(t)
	console := consoleAt(t, c, 1366, 768, "canbo1")
	key(t, console, "n")
	waitFor(t, console, "the ticket at the counter", curNumber+` === "A001"`)
	click(t, console, "#act-collect")
	waitFor(t, console, "the result box", visible("collect-box"))
	do(t, console, chromedp.SendKeys(chromedp.CSS("#c-code"), "000.00.14.H56-261120-0007"))
	click(t, console, `#collect-box button[type=submit]`)
	waitFor(t, console, "the result recorded", `document.getElementById("collect-msg").dataset.state === "done"`)

	tablet := tab(t, b, 1280, 800)
	open(t, tablet, c.url+"/rating?counter=1&pair=demo-tablet-1")
	click(t, console, "#act-complete")
	waitFor(t, tablet, "the question", visible("ask"))
	click(t, tablet, `button[data-rating="3"]`)
	waitFor(t, tablet, "the thanks", visible("thanks"))

	admin := tab(t, b, 1440, 900)
	do(t, admin, chromedp.Navigate(c.url+"/admin"))
	waitFor(t, admin, "ready", `document.body.dataset.ready === "1"`)
	login(t, admin, "quantri")
	row := `document.querySelector('#t-officers tr[data-clerk="canbo1"]')`
	waitFor(t, admin, "canbo1's ratings", row)
	if got := eval[string](t, admin, `[...`+row+`.cells].map(c => c.textContent).join("|")`); got != "Cán bộ Quầy 1|1|1|0|0|3.00|100%|1" {
		t.Fatalf("canbo1's row: %q", got)
	}
	for id, want := range map[string]string{"csv-officers": "/api/v1/reports/officers?from=", "csv-ratings": "/api/v1/reports/ratings?from="} {
		if href := eval[string](t, admin, `document.getElementById("`+id+`").getAttribute("href")`); len(href) < len(want) || href[:len(want)] != want {
			t.Errorf("%s links %q", id, href)
		}
	}
}
