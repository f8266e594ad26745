package display_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/display"
	"motcua/display/browsertest"
	"motcua/display/voice"
	"motcua/internal/msg"
	"motcua/queue"
)

// server is an HTTP server that can go away and come back on the same
// address, as the service does when it restarts.
type server struct {
	t    *testing.T
	addr string
	h    http.Handler
	srv  *http.Server
}

func (s *server) up() {
	s.t.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.srv = &http.Server{Handler: s.h}
	go func() { _ = s.srv.Serve(ln) }()
}

func (s *server) down() { _ = s.srv.Close() }

// ticketAPI stands in for the service's GET /api/v1/tickets/{id}.
func ticketAPI(e *queue.Engine) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, err := e.Ticket(r.Context(), r.PathValue("id"))
		if errors.Is(err, queue.ErrNotFound) {
			http.Error(w, `{"error":{"code":"not_found"}}`, http.StatusNotFound)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		var waitS any
		var waitText string
		if in.WaitKnown {
			waitS, waitText = int(in.EstimatedWait.Seconds()), msg.Wait(in.EstimatedWait).VI
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": in.ID, "number": in.Number, "service": in.Service, "service_name": in.ServiceName,
			"priority": in.Priority, "state": in.State, "issued_at": in.IssuedAt.Format(time.RFC3339),
			"ahead": in.Ahead, "estimated_wait_s": waitS, "counter": in.Counter,
			"estimated_wait_text": waitText,
			"track_url":           "/t/" + in.ID, "print": map[string]string{"state": string(in.Print)},
		})
	}
}

// shoot saves a screenshot when DISPLAY_SCREENSHOTS names a folder.
func shoot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("DISPLAY_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(1500*time.Millisecond), browsertest.Screenshot(filepath.Join(dir, name+".png"))); err != nil {
		t.Error(err)
	}
}

func TestBrowserLobbyResumesAfterOutage(t *testing.T) {
	sp, err := voice.New(voice.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	en := start(t, display.Opts{Voice: sp, Title: "UBND Quận Cẩm Lệ – Bộ phận một cửa"})
	mux := http.NewServeMux()
	mux.Handle("/", en.hub.Handler())
	mux.HandleFunc("GET /api/v1/tickets/{id}", ticketAPI(en.e))
	srv := &server{t: t, addr: "127.0.0.1:0", h: mux}
	srv.up()
	t.Cleanup(srv.down)
	base := "http://" + srv.addr

	ctx := browsertest.New(t, browsertest.Opts{Autoplay: true})
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	do("open the lobby", chromedp.Navigate(base+"/display"),
		browsertest.WaitTrue(`document.querySelectorAll("#counters .tile").length === 4`))

	tickets := en.issue("A", 4)
	en.issue("B", 2)
	en.next("1")
	do("see A001 called", browsertest.WaitText("#latest-ticket", "A001"),
		browsertest.WaitText(`.tile[data-counter="1"] .num`, "A001"),
		browsertest.WaitText("#latest-counter", "Quầy 1"),
		browsertest.WaitTrue(`window.motcuaLobby.announced.length === 1`))

	// The server goes away: the page says so; a call is made meanwhile.
	srv.down()
	en.hub.CloseConnections()
	do("see the outage", browsertest.WaitTrue(`!document.getElementById("offline").hidden`))
	en.next("2")
	en.next("3")
	srv.up()
	do("see the calls made meanwhile", browsertest.WaitText("#latest-ticket", "B001"),
		browsertest.WaitText(`.tile[data-counter="2"] .num`, "A002"),
		browsertest.WaitTrue(`document.getElementById("offline").hidden`),
		browsertest.WaitText("#recent li:nth-child(3) .t", "A001"))

	// Each call announced once, in order, none cut off.
	do("hear the calls", browsertest.WaitTrue(`window.motcuaLobby.announced.length >= 3`))
	got, err := browsertest.Eval[[]struct{ Ticket, How string }](ctx, `window.motcuaLobby.announced`)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, a := range got {
		said = append(said, a.Ticket+"/"+a.How)
	}
	want := []string{"A001/server", "A002/server", "B001/server"}
	if len(said) != 3 || said[0] != want[0] || said[1] != want[1] || said[2] != want[2] {
		t.Errorf("announced %v, want %v", said, want)
	}
	shoot(t, ctx, "lobby-1920x1080")
	do("portrait", browsertest.Viewport(1080, 1920))
	shoot(t, ctx, "lobby-1080x1920")

	// A counter's own screen.
	do("open counter 2", browsertest.Viewport(1280, 720), chromedp.Navigate(base+"/display?counter=2"),
		browsertest.WaitText("#cv-ticket", "A002"), browsertest.WaitText("#cv-name", "Quầy 2"))
	shoot(t, ctx, "counter-1280x720")

	// A phone follows A004: two ahead, then called.
	do("open the phone page", browsertest.Viewport(390, 844), chromedp.Navigate(base+"/t/"+tickets[3].ID),
		browsertest.WaitText("#number", "A004"), browsertest.WaitText("#ahead", "1"))
	shoot(t, ctx, "phone-waiting-390x844")
	en.next("1")
	do("see A003 called", browsertest.WaitText("#ahead", "0"))
	en.next("1")
	do("see the call on the phone", browsertest.WaitTrue(`!document.getElementById("called").hidden`),
		browsertest.WaitText("#called-counter", "Quầy số 1"))
	shoot(t, ctx, "phone-called-390x844")
}

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// TestBrowserBoardFollowsFrames drives the engine at random, with an outage
// now and then, while a lobby follows: the board that board.js keeps from
// the frames (snapshot, then events and their queue edits) ends equal to
// the engine's queue.
func TestBrowserBoardFollowsFrames(t *testing.T) {
	en := start(t, display.Opts{})
	ctx := browsertest.New(t, browsertest.Opts{})
	if err := chromedp.Do(ctx, chromedp.Navigate(en.srv.URL+"/display?sound=0"),
		browsertest.WaitTrue(`!!(window.motcuaLobby.state.board && window.motcuaLobby.state.board.seq !== null)`)); err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	rng := rand.New(rand.NewPCG(7, 8))
	services, counters := []string{"A", "B", "C"}, []string{"1", "2", "3", "4"}
	for round := range 4 {
		for range 30 {
			c := counters[rng.IntN(4)]
			switch rng.IntN(8) {
			case 0, 1, 2:
				en.clock.Advance(time.Duration(rng.IntN(60)) * time.Second)
				_, _ = en.e.Issue(bg, queue.IssueRequest{Service: services[rng.IntN(3)], Priority: rng.IntN(4) == 0})
			case 3, 4:
				_, _ = en.e.Next(bg, c)
			case 5:
				_, _ = en.e.Transfer(bg, c, services[rng.IntN(3)])
			case 6:
				_, _ = en.e.Start(bg, c)
			case 7:
				_, _ = en.e.NoShow(bg, c)
			}
		}
		if round == 1 {
			en.hub.CloseConnections() // the page resumes with since=
		}
		want := en.e.Snapshot()
		if err := chromedp.Do(ctx, browsertest.WaitTrue(fmt.Sprintf(`window.motcuaLobby.state.board.seq === %d`, want.Seq))); err != nil {
			t.Fatalf("round %d: the page never reached seq %d: %v", round, want.Seq, err)
		}
		got, err := browsertest.Eval[string](ctx, `JSON.stringify({
			fields: window.motcuaLobby.state.board.fields.map(f => f.code + " " + f.waiting + ":" + f.tickets.map(t => t.number + (t.priority ? "!" : "")).join(",")),
			counters: window.motcuaLobby.state.board.counters.map(c => c.id + " " + c.serving + " " + c.service + " " + c.state + " " + (c.last ? c.last.number : "")),
		})`)
		if err != nil {
			t.Fatal(err)
		}
		var w struct {
			Fields   []string `json:"fields"`
			Counters []string `json:"counters"`
		}
		for _, f := range want.Fields {
			var nums []string
			for _, tk := range f.Waiting {
				n := tk.Number
				if tk.Priority {
					n += "!"
				}
				nums = append(nums, n)
			}
			w.Fields = append(w.Fields, fmt.Sprintf("%s %d:%s", f.Code, len(f.Waiting), strings.Join(nums, ",")))
		}
		for _, c := range want.Counters {
			s := c.ID + " "
			if c.Current != nil {
				s += c.Current.Number + " " + c.Current.Service + " " + string(c.Current.State)
			} else {
				s += "  "
			}
			s += " "
			if c.Last != nil {
				s += c.Last.Number
			}
			w.Counters = append(w.Counters, s)
		}
		wb, _ := json.Marshal(w)
		if got != string(wb) {
			t.Fatalf("round %d: the page's board\n %s\nthe engine's\n %s", round, got, wb)
		}
	}
}
