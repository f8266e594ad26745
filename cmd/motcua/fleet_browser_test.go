package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/cmd/motcua/internal/config"
	"motcua/display/browsertest"
	"motcua/internal/pgtest"
	"motcua/province/fleet"
	"motcua/province/pgstore"
	"motcua/province/wire"
)

// TestFleetPagesInTheBrowser signs in at the hub as the province's IT team
// would, finds the centers needing attention first, opens one and has a bad
// configuration refused with its key and line, in Vietnamese; axe-core finds
// nothing serious on either page.
func TestFleetPagesInTheBrowser(t *testing.T) {
	ctx := context.Background()
	db, err := pgstore.Open(ctx, pgtest.URL(t), pgstore.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := fleet.New(fleet.Opts{DB: db, Province: "Tỉnh Thử", Location: time.FixedZone("ICT", 7*3600),
		Centers: []fleet.Center{{ID: "c1", Name: "Xã Một"}, {ID: "c2", Name: "Xã Hai"}, {ID: "c3", Name: "Xã Ba"}},
		Staff: []fleet.Account{{Username: "quantri", Name: "Quản trị tỉnh", Role: fleet.RoleProvinceAdmin,
			PasswordHash: "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK"}},
		SessionSecret: []byte(strings.Repeat("k", 32)), CheckConfig: config.CheckPublished,
		Notify: func(string, wire.Notice) error { return nil }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Enroll(ctx); err != nil {
		t.Fatal(err)
	}
	st := f.HubStore()
	now := time.Now()
	st.SetStatus(ctx, "c1", wire.Status{Software: "v1"}, now.Add(-30*time.Minute))
	st.SetStatus(ctx, "c2", wire.Status{Software: "v1", Printers: map[string]wire.Printer{"kiosk1": {State: "offline", Paper: "out"}}}, now)
	st.SetStatus(ctx, "c3", wire.Status{Software: "v1", Printers: map[string]wire.Printer{"kiosk1": {State: "online", Paper: "ok"}},
		Notify: []wire.NotifyCount{{Channel: "zns", State: "sent", N: 12}, {Channel: "sms", State: "failed", N: 1}}}, now)
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	axe := axeSource(t)

	b := browsertest.New(t, browsertest.Opts{Width: 1366, Height: 768, Lang: "vi-VN", Timeout: 3 * time.Minute})
	do(t, b, chromedp.Navigate(srv.URL+"/"))
	// Not signed in: the page sends the visitor to the sign-in.
	do(t, b, chromedp.WaitVisible(chromedp.CSS("#login")))
	checkAxe(t, b, axe, "hub sign-in")
	do(t, b,
		chromedp.SendKeys(chromedp.CSS("#username"), "quantri"),
		chromedp.SendKeys(chromedp.CSS("#password"), "sai"),
		chromedp.Click(chromedp.CSS(`#login button[type=submit]`)),
		waitContains("#error", "Tên đăng nhập hoặc mật khẩu không đúng"))
	eval[bool](t, b, `(document.querySelector("#password").value = "", true)`)
	do(t, b,
		chromedp.SendKeys(chromedp.CSS("#password"), "demo"),
		chromedp.Click(chromedp.CSS(`#login button[type=submit]`)))
	afterNavigation(t, b, `document.querySelectorAll("#centers tr").length === 3`)
	rows := eval[[]string](t, b, `[...document.querySelectorAll("#centers tr")].map(r => r.innerText)`)
	if !strings.Contains(rows[0]+rows[1], "Xã Một") || !strings.Contains(rows[0]+rows[1], "Xã Hai") || !strings.Contains(rows[2], "Xã Ba") {
		t.Fatalf("the centers needing attention are not first:\n%s", strings.Join(rows, "\n"))
	}
	alerts := eval[string](t, b, `document.querySelector("#alerts").innerText`)
	if !strings.Contains(alerts, "Xã Hai: Máy in kiosk1 hết giấy") || !strings.Contains(alerts, "Xã Một: Mất kết nối 30 phút") || !strings.Contains(rows[0]+rows[1], now.In(time.FixedZone("ICT", 7*3600)).Add(-30*time.Minute).Format("15:04")) {
		t.Fatalf("alerts:\n%s", alerts)
	}
	do(t, b, waitContains("#messages-summary", "Đã đến người dân 12 tin, thất bại 1"))
	checkAxe(t, b, axe, "hub fleet page")
	fleetShot(t, b, "hub-fleet")

	do(t, b, chromedp.Click(chromedp.CSS(`#centers a[href="/centers/c3"]`)))
	afterNavigation(t, b, `document.querySelector("#name").textContent === "Xã Ba"`)
	do(t, b, waitContains("#messages", "Zalo"), waitContains("#messages-summary", "Đã đến người dân 12 tin, thất bại 1"))
	setYAML := func(y string) { eval[bool](t, b, fmt.Sprintf(`(document.querySelector("#yaml").value = %q, true)`, y)) }
	setYAML("center:\n  name: Xã Ba\nfields:\n  - { code: A, name: Hộ tịch }\ncounters:\n  - { id: \"1\", name: Quầy 1, services: [Z] }\n")
	do(t, b,
		chromedp.Click(chromedp.CSS("#publish")),
		waitContains("#config-result", "Không gửi: config:6: counters[0].services[0]"))
	setYAML("center:\n  name: Xã Ba\nfields:\n  - { code: A, name: Hộ tịch }\ncounters:\n  - { id: \"1\", name: Quầy 1, services: [A] }\n")
	do(t, b,
		chromedp.Click(chromedp.CSS("#publish")),
		waitContains("#config-result", "Đã kiểm tra và gửi phiên bản 1"),
		browsertest.WaitTrue(`document.querySelectorAll("#versions tr").length === 1`))
	checkAxe(t, b, axe, "hub center page")
	fleetShot(t, b, "hub-center")
}

// fleetShot writes the page to MOTCUA_SCREENS (make screens), if set.
func fleetShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("MOTCUA_SCREENS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitContains polls until the element's text holds text.
func waitContains(selector, text string) chromedp.Action[chromedp.Void] {
	return browsertest.WaitTrue(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q); })()`, selector, text))
}

// afterNavigation waits for cond on the page a click is loading.
func afterNavigation(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool]("(() => { try { return "+cond+"; } catch (e) { return false; } })()"))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not after 20 s: %s (%v)", cond, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
