package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nkeys"

	"motcua/internal/database"
	"motcua/internal/pgtest"
	"motcua/province/hub/hubtest"
	"motcua/province/pgstore"
	"motcua/queue"
	"motcua/queue/sqlite"
)

// provinceFiles writes a hub's and n centers' configurations into dir: the
// demo center's file with its own id, data and key, linked to natsURL(id).
func provinceFiles(t *testing.T, dir, pgURL, natsAddr string, ids []string, natsURL func(id string) string) {
	t.Helper()
	demoYAML, err := os.ReadFile(bench)
	if err != nil {
		t.Fatal(err)
	}
	var centers strings.Builder
	for _, id := range ids {
		kp, _ := nkeys.CreateUser()
		seed, _ := kp.Seed()
		pub, _ := kp.PublicKey()
		if err := os.WriteFile(filepath.Join(dir, id+".nk"), seed, 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&centers, "  - { id: %s, name: \"Trung tâm %s\", nkey: %s }\n", id, id, pub)
		c := strings.Replace(string(demoYAML), "data_dir: data", "data_dir: "+filepath.Join(dir, "data-"+id), 1)
		c = strings.Replace(c, "procedures: procedures.sample.yaml", "procedures: "+filepath.Join(mustAbs(t, "../../configs"), "procedures.sample.yaml"), 1)
		c += fmt.Sprintf("\nhub:\n  center: %s\n  urls: [%s]\n  credentials: %s.nk\n", id, natsURL(id), id)
		if err := os.WriteFile(filepath.Join(dir, id+".yaml"), []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	hub := fmt.Sprintf(`demo: true
province: "Tỉnh Thử"
data_dir: %s
database: %s
nats:
  embedded: %s
offline_after: 5s
alert_after: 10s
session_secret: "demo-test-session-secret-0123456789abcdef"
centers:
%sstaff:
  - { username: quantri, name: "Quản trị tỉnh", role: province_admin, password_hash: "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK" }
  - { username: canbotinh, name: "Cán bộ tăng cường", role: clerk, centers: [c1, c2], counters: ["1"], password_hash: "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK" }
`, filepath.Join(dir, "hub-data"), pgURL, natsAddr, centers.String())
	if err := os.WriteFile(filepath.Join(dir, "hub.yaml"), []byte(hub), 0o600); err != nil {
		t.Fatal(err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// req sends body (JSON unless it is []byte) and decodes a 2xx answer into
// out; it returns the status and the body.
func req(t *testing.T, method, url, token string, body, out any) (int, string) {
	t.Helper()
	var rd io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ct = bytes.NewReader(b), "application/yaml"
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	r, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", ct)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(r)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, raw)
		}
	}
	return resp.StatusCode, string(raw)
}

func within(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestProvinceKeepsEveryTicketThroughKillsAndCutsAndPublishesConfigLive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a hub and three centers")
	}
	dir := t.TempDir()
	natsAddr := freeAddr(t)
	proxy := hubtest.NewProxy(t, natsAddr) // c3's link, to be cut
	ids := []string{"c1", "c2", "c3"}
	pgURL := pgtest.URL(t)
	provinceFiles(t, dir, pgURL, natsAddr, ids, func(id string) string {
		if id == "c3" {
			return proxy.URL()
		}
		return "nats://" + natsAddr
	})
	hubAddr := freeAddr(t)
	startHub := func() *child {
		return startChild(t, "hub", "--config", filepath.Join(dir, "hub.yaml"), "--addr", hubAddr)
	}
	h := startHub()
	centers := map[string]*child{}
	startCenter := func(id string) *child {
		c := startChild(t, "serve", "--config", filepath.Join(dir, id+".yaml"), "--addr", "127.0.0.1:0")
		centers[id] = c
		return c
	}
	for _, id := range ids {
		startCenter(id)
	}
	var mu sync.Mutex
	acked := map[string]map[string]string{} // center → ticket id → number
	for _, id := range ids {
		acked[id] = map[string]string{}
	}
	load := func(d time.Duration) {
		var wg sync.WaitGroup
		for _, id := range ids {
			base := centers[id].base
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				end := time.Now().Add(d)
				for i := 0; time.Now().Before(end); i++ {
					tk, code, err := postTicket(client, base, string(rune('A'+i%4)), "")
					if err == nil && code == http.StatusCreated {
						mu.Lock()
						acked[id][tk.ID] = tk.Number
						mu.Unlock()
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
		}
		wg.Wait()
	}
	load(time.Second)
	h.kill() // the hub dies: centers go on
	load(time.Second)
	proxy.Cut() // c3's link breaks
	h = startHub()
	load(time.Second)
	centers["c2"].kill() // a center dies, maybe mid-send
	startCenter("c2")
	load(time.Second)
	proxy.Mend()
	load(500 * time.Millisecond)

	var tok struct {
		Token string `json:"token"`
	}
	if code, body := req(t, "POST", "http://"+hubAddr+"/api/v1/auth/login", "", map[string]string{"username": "quantri", "password": "demo"}, &tok); code != 200 {
		t.Fatalf("hub login: %d %s", code, body)
	}
	day := time.Now().In(time.FixedZone("ICT", 7*3600)).Format(time.DateOnly)
	for _, id := range ids {
		if len(acked[id]) < 10 {
			t.Fatalf("%s acknowledged only %d tickets", id, len(acked[id]))
		}
		var got []struct{ ID, Number string }
		within(t, id+": every acknowledged ticket at the hub", 60*time.Second, func() bool {
			got = nil
			code, _ := req(t, "GET", "http://"+hubAddr+"/api/v1/centers/"+id+"/tickets?day="+day, tok.Token, nil, &got)
			return code == 200 && len(got) >= len(acked[id])
		})
		seen := map[string]bool{}
		for _, tk := range got {
			if seen[tk.ID] {
				t.Errorf("%s: ticket %s twice at the hub", id, tk.Number)
			}
			seen[tk.ID] = true
		}
		for tid, n := range acked[id] {
			if !seen[tid] {
				t.Errorf("%s: acknowledged ticket %s missing at the hub", id, n)
			}
		}
	}

	// A configuration published to the three: applied live, waiting tickets kept.
	published := publishedYAML(t, strings.Replace(mustRead(t, demo), `"Hộ tịch"`, `"Hộ tịch - Chứng thực"`, 1))
	for _, id := range ids {
		var before []struct {
			Code    string `json:"code"`
			Waiting int    `json:"waiting"`
		}
		req(t, "GET", centers[id].base+"/api/v1/services", "", nil, &before)
		body := published
		if id == "c2" { // with its procedures catalogue
			body += "---\nprocedures:\n  - { code: \"1.001193\", field: A, name: \"Đăng ký khai sinh (tỉnh)\", documents: [\"Tờ khai\"] }\n"
		}
		var v struct{ Version int }
		if code, body := req(t, "PUT", "http://"+hubAddr+"/api/v1/centers/"+id+"/config", tok.Token, []byte(body), &v); code != 200 || v.Version != 1 {
			t.Fatalf("%s: publish: %d %s", id, code, body)
		}
		within(t, id+" runs version 1", 30*time.Second, func() bool {
			var svcs []struct {
				Code, Name string
				Waiting    int
			}
			req(t, "GET", centers[id].base+"/api/v1/services", "", nil, &svcs)
			return len(svcs) == 4 && svcs[0].Name == "Hộ tịch - Chứng thực" && svcs[0].Waiting == before[0].Waiting
		})
	}
	if code, body := req(t, "GET", centers["c2"].base+"/api/v1/procedures", "", nil, nil); code != 200 || !strings.Contains(body, "Đăng ký khai sinh (tỉnh)") || strings.Contains(body, "Đăng ký kết hôn") {
		t.Fatalf("c2's procedures after the hub published its catalogue: %d %s", code, body)
	}
	// A bad one is refused at the hub with its key and line.
	bad := strings.Replace(published, "services: [A, B, C, D], printer: quay1", "services: [Z], printer: quay1", 1)
	if code, body := req(t, "PUT", "http://"+hubAddr+"/api/v1/centers/c1/config", tok.Token, []byte(bad), nil); code != 400 ||
		!strings.Contains(body, `counters[0].services[0]: unknown field \"Z\"`) || !regexp.MustCompile(`config:\d+:`).MatchString(body) {
		t.Fatalf("bad config: %d %s", code, body)
	}
	// One the center refuses: counter 1 removed while it serves a citizen.
	staff := centerLogin(t, centers["c1"].base, "canbo1")
	if code, body := req(t, "POST", centers["c1"].base+"/api/v1/counters/1/next", staff, nil, nil); code != 200 {
		t.Fatalf("next at c1: %d %s", code, body)
	}
	noCounter1 := regexp.MustCompile(`(?m)^  - \{ id: "1".*\n`).ReplaceAllString(published, "")
	noCounter1 = regexp.MustCompile(`(?m)^  - \{ username: canbo1.*\n`).ReplaceAllString(noCounter1, "")
	if code, body := req(t, "PUT", "http://"+hubAddr+"/api/v1/centers/c1/config", tok.Token, []byte(noCounter1), nil); code != 200 {
		t.Fatalf("config without counter 1: %d %s", code, body)
	}
	within(t, "c1's refusal at the hub", 30*time.Second, func() bool {
		var out struct {
			Center struct {
				ConfigVersion int `json:"config_version"`
				Refused       *struct {
					Version int
					Reason  string
				}
			}
		}
		req(t, "GET", "http://"+hubAddr+"/api/v1/centers/c1", tok.Token, nil, &out)
		return out.Center.ConfigVersion == 1 && out.Center.Refused != nil && out.Center.Refused.Version == 2 &&
			strings.Contains(out.Center.Refused.Reason, "counter 1 is serving")
	})

	// The province's clerk signs in at c1 and c2, not at c3; disabled at
	// the hub, the session ends at c1 as soon as the change reaches it.
	var clerk string
	within(t, "the province's clerk at c1", 30*time.Second, func() bool {
		var out struct{ Token string }
		code, _ := req(t, "POST", centers["c1"].base+"/api/v1/auth/login", "", map[string]string{"username": "canbotinh", "password": "demo"}, &out)
		clerk = out.Token
		return code == 200
	})
	if code, _ := req(t, "POST", centers["c3"].base+"/api/v1/auth/login", "", map[string]string{"username": "canbotinh", "password": "demo"}, nil); code != 401 {
		t.Fatalf("the clerk of c1 and c2 signed in at c3: %d\n%s", code, centers["c3"].logs)
	}
	if code, body := req(t, "GET", centers["c1"].base+"/api/v1/auth/me", clerk, nil, nil); code != 200 {
		t.Fatalf("clerk session at c1: %d %s", code, body)
	}
	hubYAML := mustRead(t, filepath.Join(dir, "hub.yaml"))
	os.WriteFile(filepath.Join(dir, "hub.yaml"), []byte(strings.Replace(hubYAML, `role: clerk,`, `role: clerk, disabled: true,`, 1)), 0o600)
	h.stop(t)
	h = startHub()
	within(t, "the disabled clerk's session ended at c1", 30*time.Second, func() bool {
		code, _ := req(t, "GET", centers["c1"].base+"/api/v1/auth/me", clerk, nil, nil)
		return code == 401
	})
	if code, _ := req(t, "POST", centers["c1"].base+"/api/v1/auth/login", "", map[string]string{"username": "canbotinh", "password": "demo"}, nil); code != 401 {
		t.Fatalf("a disabled clerk signed in: %d", code)
	}

	// Every event each center committed is at the hub once, in its order.
	for _, id := range ids {
		centers[id].stop(t)
	}
	h.stop(t)
	db, err := pgstore.Open(context.Background(), pgURL, pgstore.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, id := range ids {
		sq, err := database.Open(filepath.Join(dir, "data-"+id, "motcua.db"))
		if err != nil {
			t.Fatal(err)
		}
		st, _ := sqlite.NewStore(context.Background(), sq)
		want, err := st.Events(context.Background(), 0, 0)
		sq.Close()
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.CenterEvents(context.Background(), id, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := sameLog(got, want); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

// sameLog tells how the hub's log of a center differs from the center's.
func sameLog(got, want []queue.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("hub holds %d events, the center committed %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Seq != want[i].Seq || got[i].Type != want[i].Type || got[i].Ticket.ID != want[i].Ticket.ID {
			return fmt.Errorf("event %d: hub %d %s %s, center %d %s %s", i, got[i].Seq, got[i].Type, got[i].Ticket.Number,
				want[i].Seq, want[i].Type, want[i].Ticket.Number)
		}
	}
	return nil
}

func mustRead(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// publishedYAML is a center's file without the keys only the center sets.
func publishedYAML(t *testing.T, file string) string {
	var out []string
	skip := false
	top := regexp.MustCompile(`^([a-z_]+):`)
	for _, line := range strings.Split(file, "\n") {
		if m := top.FindStringSubmatch(line); m != nil {
			switch m[1] {
			case "demo", "listen", "data_dir", "security", "tls", "limits", "hub":
				skip = true
			default:
				skip = false
			}
		}
		if !skip {
			out = append(out, line)
		}
	}
	s := strings.Join(out, "\n")
	return strings.Replace(s, "procedures: procedures.sample.yaml", "procedures: "+filepath.Join(mustAbs(t, "../../configs"), "procedures.sample.yaml"), 1)
}

// centerLogin signs a demo clerk in at a center.
func centerLogin(t *testing.T, base, user string) string {
	var out struct{ Token string }
	if code, body := req(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": user, "password": "demo"}, &out); code != 200 {
		t.Fatalf("login %s: %d %s", user, code, body)
	}
	return out.Token
}

// stop ends a child with SIGTERM and waits for it.
func (c *child) stop(t *testing.T) {
	t.Helper()
	c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		c.kill()
		t.Errorf("did not stop within 30 s:\n%s", c.logs)
	}
}
