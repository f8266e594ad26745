package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"motcua/queue"
)

// A page on another port of the same host (same site, so the SameSite
// cookie rides along) makes the clerk's browser post to the counter while
// no console holds it (the clerk left it, still logged in): the service
// refuses it, and the ticket stays waiting.
func TestAnotherPortCannotActWithTheClerksCookie(t *testing.T) {
	c := startCenter(t, false)
	b := browser(t)
	console := tab(t, b, 1366, 768)
	open(t, console, c.url+"/counter")
	login(t, console, "canbo1")
	waitFor(t, console, "the counter", visible("work"))
	eval[bool](t, console, `motcua.api("POST", "/api/v1/counters/1/release").then(() => { document.body.dataset.released = "1"; }) !== null`)
	waitFor(t, console, "the counter released", `document.body.dataset.released === "1"`)
	if _, err := c.engine.Issue(context.Background(), queue.IssueRequest{Service: "A"}); err != nil {
		t.Fatal(err)
	}
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><body><script>
fetch(` + "`" + c.url + `/api/v1/counters/1/next` + "`" + `, {method: "POST", credentials: "include", mode: "no-cors"})
  .finally(() => { document.body.dataset.sent = "1"; document.body.dataset.ready = "1"; });
</script></body>`))
	}))
	defer evil.Close()
	before := c.requests.count("POST /api/v1/counters/1/next")
	page := tab(t, b, 800, 600)
	open(t, page, evil.URL)
	waitFor(t, page, "the forged request sent", `document.body.dataset.sent === "1"`)
	if n := c.requests.count("POST /api/v1/counters/1/next"); n != before+1 {
		t.Fatalf("the forged request did not reach the service (%d)", n-before)
	}
	if n := c.engine.Snapshot().Waiting["A"]; n != 1 {
		t.Fatalf("the page on another port called the ticket: %d waiting", n)
	}
	// The clerk's own page still acts.
	eval[bool](t, console, `motcua.api("POST", "/api/v1/counters/1/next").then(() => { document.body.dataset.called = "1"; }) !== null`)
	waitFor(t, console, "A001 called from the console", `document.body.dataset.called === "1"`)
	if n := c.engine.Snapshot().Waiting["A"]; n != 0 {
		t.Fatalf("the console's own call: %d waiting", n)
	}
}

// "Đăng xuất mọi máy" on /admin ends the clerk's session: the console's
// next action takes it back to the login, saying why.
func TestLogOutEverywhereEndsTheConsole(t *testing.T) {
	c := startCenter(t, false)
	b := browser(t)
	console := tab(t, b, 1366, 768)
	open(t, console, c.url+"/counter")
	login(t, console, "canbo2")
	waitFor(t, console, "the counter", visible("work"))

	admin := tab(t, b, 1440, 900)
	open(t, admin, c.url+"/admin")
	login(t, admin, "quantri")
	waitFor(t, admin, "the report", visible("report"))
	waitFor(t, admin, "the button", visible("logout-all"))
	eval[bool](t, admin, `(window.confirm = () => true) !== null`)
	click(t, admin, "#logout-all")
	waitFor(t, admin, "the admin's own login", visible("login"))

	click(t, console, "#act-next")
	waitFor(t, console, "the console's login", visible("login"))
	waitFor(t, console, "why", `document.getElementById("login-error").textContent.includes("đăng nhập")`)
}
