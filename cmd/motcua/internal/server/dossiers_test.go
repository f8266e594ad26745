package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/display"
	"motcua/internal/database"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
	"motcua/kiosk/web"
	"motcua/queue"
	"motcua/queue/queuetest"
)

const code = "000.00.14.H56-261121-0007"

func newLookupEnv(t *testing.T) (*httptest.Server, *registry.Registry, []byte) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse([]byte(`center: {name: X, public_base_url: "https://motcua.example.gov.vn"}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}]
kiosks: [{id: k1, token: kiosk-one-token}]
staff:
  - {username: quantri, role: admin, password_hash: "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK"}
  - {username: canbo1, counters: ["1"], password_hash: "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK"}
dossiers: {push_token: "tinh-token"}
`))
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg, err := registry.Open(ctx, db, registry.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("receipt-secret")
	parser, _ := lookup.NewParser(lookup.ParserOpts{PublicBaseURL: cfg.BaseURL(), Secret: secret,
		ReceiptPrefix: web.ReceiptPrefix, TicketPrefix: display.PhonePrefix})
	look, err := lookup.New(lookup.Opts{Parser: parser, Source: reg, Limiter: lookup.NewRateLimiter(lookup.RateOpts{})})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := queue.New(ctx, queue.Opts{Fields: cfg.QueueFields(), Counters: cfg.QueueCounters(), Store: queuetest.NewStore()})
	s := New(Opts{Config: cfg, Engine: e, Store: pingOK{}, Sessions: testSessions(t, nil), Lookup: look, Registry: reg})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	if err := reg.Record(ctx, registry.ReceiptInfo{Code: code, Procedure: "Đăng ký khai sinh",
		Applicant: "Nguyễn Thị Hoa", ReceivedAt: time.Now(), DueAt: time.Now().Add(72 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return hs, reg, secret
}

func call(t *testing.T, method, url, auth, ctype, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if ctype == "" && body != "" {
		ctype = "application/json"
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// kioskAuth is the credential of newLookupEnv's kiosk.
const kioskAuth = "Bearer kiosk-one-token"

// Lookups are counted against the kiosk a credential proves, else the
// socket's address: neither a forged X-Forwarded-For nor ?kiosk= buys a
// fresh bucket (the issue enumerated 1,000 codes/s so).
func TestLookupRateKeyedOnCredential(t *testing.T) {
	hs, _, _ := newLookupEnv(t)
	lookup := func(query, auth string, hdr map[string]string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", hs.URL+"/api/v1/dossiers/"+code+query, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	passed := 0
	for i := range 30 {
		if lookup("", "", map[string]string{"X-Forwarded-For": fmt.Sprintf("10.0.%d.%d", i, i+1)}) == 200 {
			passed++
		}
	}
	if passed != lookupBurst {
		t.Fatalf("%d of 30 lookups with rotating X-Forwarded-For passed, want the burst of %d", passed, lookupBurst)
	}
	if st := lookup("?kiosk=k1", "", nil); st != 429 {
		t.Fatalf("naming a kiosk without its credential: %d, want 429", st)
	}
	if st := lookup("", kioskAuth, nil); st != 200 {
		t.Fatalf("the kiosk's credential: %d, want 200 (its own bucket)", st)
	}
}

// lookupBurst is lookup's default burst.
const lookupBurst = lookup.DefaultBurst

func TestDossierLookupMasksUnlessSigned(t *testing.T) {
	hs, _, secret := newLookupEnv(t)
	code200, d := call(t, "GET", hs.URL+"/api/v1/dossiers/"+code, kioskAuth, "", "")
	if code200 != 200 || d["status"].(float64) != 2 || d["applicant"] != "N*** T*** H***" {
		t.Fatalf("bare code: %d %v", code200, d)
	}
	sig := lookup.Signature(secret, code)
	if st, d := call(t, "GET", hs.URL+"/api/v1/dossiers/"+code+"?sig="+sig, "", "", ""); st != 200 || d["applicant"] != "Nguyễn Thị Hoa" {
		t.Fatalf("signed: %d %v", st, d)
	}
	if st, d := call(t, "GET", hs.URL+"/api/v1/dossiers/"+code+"?sig=AAAAAAAAAAAAAAAAAAAAAA", "", "", ""); st != 422 || errCode(d) != "bad_signature" {
		t.Fatalf("forged signature: %d %v", st, d)
	}
	if st, d := call(t, "GET", hs.URL+"/api/v1/dossiers/khong-phai-ma", "", "", ""); st != 400 || errCode(d) != "invalid_code" {
		t.Fatalf("invalid code: %d %v", st, d)
	}
	if st, d := call(t, "GET", hs.URL+"/api/v1/dossiers/000.00.14.H56-261121-9999", "", "", ""); st != 404 || errCode(d) != "not_found" {
		t.Fatalf("unknown code: %d %v", st, d)
	}
	// The receipt's QR code scanned at a kiosk verifies and shows the name.
	url := lookup.Sign("https://motcua.example.gov.vn"+web.ReceiptPrefix, secret, code)
	st, r := call(t, "POST", hs.URL+"/api/v1/scans", kioskAuth, "", `{"kiosk":"k1","payload":"`+url+`"}`)
	if st != 200 || r["verified"] != true || r["dossier"].(map[string]any)["applicant"] != "Nguyễn Thị Hoa" {
		t.Fatalf("signed scan: %d %v", st, r)
	}
	altered := strings.Replace(url, "0007", "0008", 1)
	if st, r := call(t, "POST", hs.URL+"/api/v1/scans", kioskAuth, "", `{"kiosk":"k1","payload":"`+altered+`"}`); st != 422 || errCode(r) != "bad_signature" {
		t.Fatalf("altered scan: %d %v", st, r)
	}
	if st, r := call(t, "POST", hs.URL+"/api/v1/scans", kioskAuth, "", `{"kiosk":"k1","payload":"8934567890123"}`); st != 422 || errCode(r) != "not_our_receipt" {
		t.Fatalf("a product barcode: %d %v", st, r)
	}
	if st, r := call(t, "POST", hs.URL+"/api/v1/scans/image", "", "image/png", "not an image"); st != 400 || errCode(r) != "invalid_image" {
		t.Fatalf("garbage image: %d %v", st, r)
	}
}

func TestMainSystemPushesAndImports(t *testing.T) {
	hs, _, _ := newLookupEnv(t)
	push := hs.URL + "/api/v1/dossiers/" + code + "/status"
	if st, _ := call(t, "POST", push, "", "", `{"status":4}`); st != 401 {
		t.Fatalf("push without a token: %d", st)
	}
	if st, _ := call(t, "POST", push, "Bearer wrong", "", `{"status":4}`); st != 401 {
		t.Fatalf("push with a wrong token: %d", st)
	}
	if st, r := call(t, "POST", push, "Bearer tinh-token", "", `{"status":4,"at":"21/11/2026"}`); st != 400 || errCode(r) != "invalid_field" {
		t.Fatalf("bad time: %d %v", st, r)
	}
	if st, r := call(t, "POST", push, "Bearer tinh-token", "", `{"status":42}`); st != 400 || errCode(r) != "invalid_dossier" {
		t.Fatalf("bad status: %d %v", st, r)
	}
	if st, _ := call(t, "POST", push, "Bearer tinh-token", "", `{"status":4,"unit":"Phòng Tư pháp"}`); st != 204 {
		t.Fatalf("push: %d", st)
	}
	if _, d := call(t, "GET", hs.URL+"/api/v1/dossiers/"+code, "", "", ""); d["status"].(float64) != 4 || d["status_label"] != "Đang xử lý" {
		t.Fatalf("after the push: %v", d)
	}
	if st, r := call(t, "POST", hs.URL+"/api/v1/dossiers/000.00.14.H56-261121-0999/status", "Bearer tinh-token", "", `{"status":4}`); st != 404 || errCode(r) != "not_found" {
		t.Fatalf("push of an unknown dossier: %d %v", st, r)
	}
	csv := "code,status,procedure,applicant,received_at,due_at,unit,status_at\n" +
		"000.00.14.H56-261120-0001,2,Cấp phép xây dựng,Trần Văn Bình,2026-11-20 08:00,2026-12-05,Phòng Kinh tế,\n" +
		"sai-ma,2,x,y,2026-11-20 08:00,,,\n"
	if st, r := call(t, "POST", hs.URL+"/api/v1/dossiers", "Bearer tinh-token", "text/csv", csv); st != 400 || errCode(r) != "invalid_import" || len(r["error"].(map[string]any)["lines"].([]any)) != 1 {
		t.Fatalf("import with a bad line: %d %v", st, r)
	}
	if st, _ := call(t, "GET", hs.URL+"/api/v1/dossiers/000.00.14.H56-261120-0001", "", "", ""); st != 404 {
		t.Fatalf("a refused import wrote something: %d", st)
	}
	good := strings.Split(csv, "sai-ma")[0]
	if st, r := call(t, "POST", hs.URL+"/api/v1/dossiers", "Bearer tinh-token", "text/csv", good); st != 200 || r["created"].(float64) != 1 {
		t.Fatalf("import: %d %v", st, r)
	}
	// A clerk is not the main system.
	_, login := call(t, "POST", hs.URL+"/api/v1/auth/login", "", "", `{"username":"canbo1","password":"demo"}`)
	if st, _ := call(t, "POST", push, "Bearer "+login["token"].(string), "", `{"status":9}`); st != 403 {
		t.Fatalf("a clerk pushing: %d", st)
	}
	_, admin := call(t, "POST", hs.URL+"/api/v1/auth/login", "", "", `{"username":"quantri","password":"demo"}`)
	if st, _ := call(t, "POST", push, "Bearer "+admin["token"].(string), "", `{"status":9}`); st != 204 {
		t.Fatalf("the administrator pushing: %d", st)
	}
}

// A clerk's token is refused before the handler runs: the registry is as
// it was, and the answer is one JSON error object.
func TestClerkCannotWriteTheRegistry(t *testing.T) {
	hs, reg, _ := newLookupEnv(t)
	ctx := context.Background()
	_, login := call(t, "POST", hs.URL+"/api/v1/auth/login", "", "application/json", `{"username":"canbo1","password":"demo"}`)
	clerk := "Bearer " + login["token"].(string)
	before, err := reg.Lookup(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	csv := "code,status,procedure,applicant,received_at,due_at,unit,status_at\n" +
		"000.00.14.H56-261120-0001,2,Cấp phép xây dựng,Trần Văn Bình,2026-11-20 08:00,2026-12-05,Phòng Kinh tế,\n"
	for _, tc := range []struct{ name, path, ctype, body string }{
		{"status", "/api/v1/dossiers/" + code + "/status", "application/json", `{"status":9}`},
		{"import", "/api/v1/dossiers", "text/csv", csv},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", hs.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Authorization", clerk)
			req.Header.Set("Content-Type", tc.ctype)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			dec := json.NewDecoder(resp.Body)
			var first map[string]any
			if err := dec.Decode(&first); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 403 || errCode(first) != "forbidden" || dec.More() {
				t.Fatalf("a clerk: %d %v (more JSON: %v)", resp.StatusCode, first, dec.More())
			}
		})
	}
	after, err := reg.Lookup(ctx, code)
	if err != nil || after.Status != before.Status || len(after.History) != len(before.History) {
		t.Fatalf("the clerk's push changed the dossier: %+v -> %+v (%v)", before, after, err)
	}
	if _, err := reg.Lookup(ctx, "000.00.14.H56-261120-0001"); err == nil {
		t.Fatal("the clerk's import wrote a dossier")
	}
}

func TestImportOfAnotherTypeIsRefused(t *testing.T) {
	hs, reg, _ := newLookupEnv(t)
	csv := "code,status,procedure,applicant,received_at,due_at,unit,status_at\n" +
		"000.00.14.H56-261120-0001,2,Cấp phép xây dựng,Trần Văn Bình,2026-11-20 08:00,2026-12-05,Phòng Kinh tế,\n"
	for _, ctype := range []string{"text/plain", "application/x-www-form-urlencoded", "none"} {
		if ctype == "none" {
			ctype = ""
		}
		req, _ := http.NewRequest("POST", hs.URL+"/api/v1/dossiers", strings.NewReader(csv))
		req.Header.Set("Authorization", "Bearer tinh-token")
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType || errCode(out) != "unsupported_media_type" {
			t.Fatalf("import as %q: %d %v", ctype, resp.StatusCode, out)
		}
	}
	if _, err := reg.Lookup(context.Background(), "000.00.14.H56-261120-0001"); err == nil {
		t.Fatal("a refused import wrote a dossier")
	}
}
