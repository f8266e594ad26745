package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	goserial "go.bug.st/serial"

	"motcua/devices/counterboard"
	"motcua/devices/counterboard/boardtest"
	"motcua/devices/serialtest"
	"motcua/internal/clock/clocktest"
	"motcua/province/wire"
)

// hardwareCenter is the demo center with two Modbus boards on one bus, a
// QSystem board on another, a call-button receiver and a rating box, each
// on a socat cable whose device end the test plays.
type hardwareCenter struct {
	*center
	clk    *clocktest.Fake
	modbus *boardtest.Modbus
	qsys   *boardtest.QSystem
	rx     *os.File
	box    *os.File
	admin  string
}

func startHardwareCenter(t *testing.T) *hardwareCenter {
	t.Helper()
	bus, qbus, rx, box := serialtest.New(t), serialtest.New(t), serialtest.New(t), serialtest.New(t)
	openDev := func(c *serialtest.Cable) *os.File {
		f, err := c.OpenDevice()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	h := &hardwareCenter{clk: clocktest.New(time.Now())}
	h.modbus = boardtest.ServeModbus(t, openDev(bus), false, 1, 2)
	h.qsys = boardtest.ServeQSystem(t, openDev(qbus), 0)
	h.rx, h.box = openDev(rx), openDev(box)
	h.center = startCenterWith(t, serviceOpts{apiClock: h.clk}, false, func(y string) string {
		return y + `
boards:
  - {name: bang1, path: ` + bus.Port + `, protocol: modbus, address: 1, counter: "1", modbus: {timeout: 1s}}
  - {name: bang2, path: ` + bus.Port + `, protocol: modbus, address: 2, counter: "2", modbus: {timeout: 1s}}
  - {name: bang3, path: ` + qbus.Port + `, protocol: qsystem, address: 3, counter: "3"}
buttons:
  window: 2s
  receivers:
    - {name: thu1, path: ` + rx.Port + `}
rating_boxes:
  - {name: hop2, counter: "2", path: ` + box.Port + `}
`
	})
	h.admin = staffToken(t, h.center, "quantri")
	eventually(t, "receiver and box connected", func() bool {
		var hz struct {
			Buttons map[string]struct{ Connected bool }
		}
		h.get(t, "/healthz", &hz)
		return hz.Buttons["thu1"].Connected && hz.Buttons["hop2"].Connected
	})
	return h
}

func (h *hardwareCenter) get(t *testing.T, path string, out any) {
	t.Helper()
	if code := call(t, h.center, h.admin, "GET", path, nil, out); code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, code)
	}
}

func (h *hardwareCenter) metrics(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(h.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// frameFor skips frames until one to address shows text.
func frameFor(t *testing.T, next func(testing.TB) boardtest.Frame, address int, text string) boardtest.Frame {
	t.Helper()
	for {
		f := next(t)
		if f.Address == address && f.Text == text {
			return f
		}
	}
}

func (h *hardwareCenter) current(counter string) string {
	for _, c := range h.engine.Snapshot().Counters {
		if c.ID == counter && c.Current != nil {
			return c.Current.Number
		}
	}
	return ""
}

// TestCallButtonsAndBoards: an unknown code does nothing; a code learned
// in the admin API calls the next number at its counter, once however
// often the remote repeats it, and the number reaches the counter's
// Modbus board with the right bytes; a recall flashes it; the QSystem
// board shows its counter's call; a board that stops answering is
// reported; the rating box rates the visit just completed, once.
func TestCallButtonsAndBoards(t *testing.T) {
	h := startHardwareCenter(t)
	ctx := t.Context()
	issueN(t, h.center, "A", 3)

	// An unknown code: logged, listed for learning, nothing called.
	h.rx.Write([]byte("77AA01\r\n"))
	var st struct {
		Bindings []struct{ Code, Counter, Action string }
		Unknown  []struct{ Code string }
		Learning *struct{ Counter string }
	}
	eventually(t, "the unknown code listed", func() bool {
		h.get(t, "/api/v1/buttons", &st)
		return len(st.Unknown) == 1 && st.Unknown[0].Code == "77AA01"
	})
	if n := h.current("2"); n != "" {
		t.Fatalf("an unknown code called %s", n)
	}

	// Learn it as counter 2's "next"; the learning press acts on nothing.
	if code := call(t, h.center, h.admin, "POST", "/api/v1/buttons/learn", map[string]string{"counter": "2", "action": "next"}, &st); code != http.StatusAccepted || st.Learning == nil {
		t.Fatalf("learn: %d %+v", code, st)
	}
	if code := call(t, h.center, h.admin, "POST", "/api/v1/buttons/learn", map[string]string{"counter": "2", "action": "jump"}, nil); code != http.StatusBadRequest {
		t.Errorf("learning a bad action: %d", code)
	}
	if code := call(t, h.center, staffToken(t, h.center, "canbo2"), "POST", "/api/v1/buttons/learn", map[string]string{"counter": "2", "action": "next"}, nil); code != http.StatusForbidden {
		t.Errorf("a clerk arming the learn mode: %d", code)
	}
	h.clk.Advance(3 * time.Second)
	h.rx.Write([]byte("77AA01\r\n"))
	eventually(t, "the code learned", func() bool {
		h.get(t, "/api/v1/buttons", &st)
		return len(st.Bindings) == 1 && st.Bindings[0].Code == "77AA01" && st.Bindings[0].Counter == "2" && st.Bindings[0].Action == "next" && st.Learning == nil
	})
	if n := h.current("2"); n != "" {
		t.Fatalf("the learning press called %s", n)
	}

	// Pressed (and repeated by the remote): one call.
	h.clk.Advance(3 * time.Second)
	h.rx.Write([]byte("77AA01\r\n77AA01\r\n"))
	f := frameFor(t, h.modbus.Next, 2, "A001")
	if want := counterboard.AppendCRC([]byte{2, 0x10, 0, 0, 0, 4, 8, 0, 'A', 0, '0', 0, '0', 0, '1'}); !bytes.Equal(f.Raw, want) {
		t.Errorf("board 2 got % X, want % X", f.Raw, want)
	}
	eventually(t, "one press acted, one repeated", func() bool {
		m := h.metrics(t)
		return strings.Contains(m, `motcua_button_presses_total{kind="call",result="acted"} 1`) &&
			strings.Contains(m, `motcua_button_presses_total{kind="call",result="repeated"} 1`)
	})
	if n := h.current("2"); n != "A001" {
		t.Fatalf("counter 2 holds %q after one press", n)
	}
	if w := h.engine.Snapshot().Waiting["A"]; w != 2 {
		t.Errorf("%d waiting after one press, want 2", w)
	}

	// A recall (the console's) flashes the number on the board.
	if _, err := h.engine.Recall(ctx, "2"); err != nil {
		t.Fatal(err)
	}
	frameFor(t, h.modbus.Next, 2, "    ")
	frameFor(t, h.modbus.Next, 2, "A001")

	// The QSystem board follows counter 3.
	if _, err := h.engine.Next(ctx, "3"); err != nil {
		t.Fatal(err)
	}
	if f := frameFor(t, h.qsys.Next, 3, "A002"); !bytes.Equal(f.Raw, []byte("\x01\x03A002\x07")) {
		t.Errorf("QSystem board got % X", f.Raw)
	}

	// Board 1 stops answering: reported on /healthz and in the metrics.
	h.modbus.Silence(1, true)
	if _, err := h.engine.Next(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "board 1 reported silent", func() bool {
		var hz struct {
			Boards map[string]counterboard.State
		}
		h.get(t, "/healthz", &hz)
		b := hz.Boards["bang1"]
		return !b.Answering && b.Errors > 0 && b.Connected && b.Pending && hz.Boards["bang2"].Answering
	})
	if m := h.metrics(t); !strings.Contains(m, `motcua_board_answering{board="bang1",bus=`) || !strings.Contains(m, `motcua_board_connected{board="bang2",bus=`) {
		t.Errorf("metrics lack the boards")
	}
	h.modbus.Silence(1, false)
	frameFor(t, h.modbus.Next, 1, "A003") // retried until it answers

	// The rating box rates the visit counter 2 just completed, once.
	done, err := h.engine.Complete(ctx, "2")
	if err != nil {
		t.Fatal(err)
	}
	frameFor(t, h.modbus.Next, 2, "    ") // the counter holds nothing: blank
	h.box.Write([]byte("3\r\n"))
	eventually(t, "the visit rated 3", func() bool {
		info, err := h.engine.Ticket(ctx, done.ID)
		return err == nil && info.Ticket.Rating == 3
	})
	h.clk.Advance(3 * time.Second)
	h.box.Write([]byte("1\r\n"))
	eventually(t, "the second rating refused", func() bool {
		return strings.Contains(h.metrics(t), `motcua_button_presses_total{kind="rating",result="refused"} 1`)
	})
	if info, _ := h.engine.Ticket(ctx, done.ID); info.Ticket.Rating != 3 {
		t.Errorf("rating changed to %d", info.Ticket.Rating)
	}
}

// TestLearnedButtonsSurviveARestart: a learned code is in the data
// directory's buttons.json, and forgetting it there is kept too.
func TestLearnedButtonsSurviveARestart(t *testing.T) {
	h := startHardwareCenter(t)
	call(t, h.center, h.admin, "POST", "/api/v1/buttons/learn", map[string]string{"counter": "1", "action": "complete"}, nil)
	h.rx.Write([]byte("B0B0\r\n"))
	eventually(t, "learned", func() bool {
		data, err := os.ReadFile(h.data + "/buttons.json")
		return err == nil && bytes.Contains(data, []byte(`"B0B0"`))
	})
	var f struct {
		Bindings []struct{ Code, Counter, Action string }
	}
	data, _ := os.ReadFile(h.data + "/buttons.json")
	if err := json.Unmarshal(data, &f); err != nil || len(f.Bindings) != 1 || f.Bindings[0].Action != "complete" {
		t.Fatalf("buttons.json %s (%v)", data, err)
	}
	if code := call(t, h.center, h.admin, "POST", "/api/v1/buttons/forget", map[string]string{"code": "NOPE"}, nil); code != http.StatusNotFound {
		t.Errorf("forgetting an unknown code: %d", code)
	}
	if code := call(t, h.center, h.admin, "POST", "/api/v1/buttons/forget", map[string]string{"code": "B0B0"}, nil); code != http.StatusOK {
		t.Errorf("forget: %d", code)
	}
	data, _ = os.ReadFile(h.data + "/buttons.json")
	if bytes.Contains(data, []byte("B0B0")) {
		t.Errorf("forgotten code still in the file: %s", data)
	}
}

// TestLearnButtonInTheBrowser: the administrator learns a call button on
// /admin/hardware, sees it listed, and sees the boards and receivers; the
// page passes axe-core in each state.
func TestLearnButtonInTheBrowser(t *testing.T) {
	h := startHardwareCenter(t)
	axe := axeSource(t)
	page := tab(t, browser(t), 1440, 900)
	open(t, page, h.url+"/admin/hardware")
	waitFor(t, page, "the login", `document.body.dataset.ready === "1" && `+visible("login"))
	checkAxe(t, page, axe, "hardware login")
	login(t, page, "quantri")
	waitFor(t, page, "the devices", `document.querySelector('#devices tr[data-device="bang1"]') && document.querySelector('#devices tr[data-device="thu1"]')`)
	do(t, page, chromedp.SetValue(chromedp.CSS("#counter"), "3"), chromedp.SetValue(chromedp.CSS("#action"), "recall"))
	click(t, page, "#learn")
	waitFor(t, page, "waiting for a press", visible("learning"))
	checkAxe(t, page, axe, "hardware learning")
	h.rx.Write([]byte("C0FFEE\r\n"))
	waitFor(t, page, "the code learned", visible("learned")+` && document.getElementById("learned").textContent.includes("C0FFEE") && document.querySelector('#bindings tr[data-code="C0FFEE"]') && document.getElementById("learning").hidden`)
	checkAxe(t, page, axe, "hardware learned")
	if got := eval[string](t, page, `document.querySelector('#bindings tr[data-code="C0FFEE"]').textContent`); !strings.Contains(got, "Quầy 3") || !strings.Contains(got, "Gọi lại") {
		t.Errorf("learned row %q", got)
	}
	if b, ok := h.keymapLookup(t, "C0FFEE"); !ok || b != "3 recall" {
		t.Errorf("binding %q %v", b, ok)
	}
}

func (h *hardwareCenter) keymapLookup(t *testing.T, code string) (string, bool) {
	t.Helper()
	var st struct {
		Bindings []struct{ Code, Counter, Action string }
	}
	h.get(t, "/api/v1/buttons", &st)
	for _, b := range st.Bindings {
		if b.Code == code {
			return b.Counter + " " + b.Action, true
		}
	}
	return "", false
}

// The center tells its hub which board stops answering and which receiver
// is unplugged (wire.Status: the province's alerts).
func TestHardwareInTheHubStatus(t *testing.T) {
	cable := serialtest.New(t)
	dev, err := cable.OpenDevice()
	if err != nil {
		t.Fatal(err)
	}
	boardtest.ServeModbus(t, dev, false, 2) // unit 1 is off
	m, _ := counterboard.NewModbus(counterboard.ModbusOpts{Timeout: 100 * time.Millisecond})
	bus, err := counterboard.Start(t.Context(), counterboard.BusOpts{Name: cable.Port, Boards: []counterboard.Board{
		{Name: "bang1", Address: 1, Driver: m}, {Name: "bang2", Address: 2, Driver: m}},
		Open: func() (counterboard.Port, error) { return goserial.Open(cable.Port, &goserial.Mode{BaudRate: 9600}) }})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	bus.Show("bang1", counterboard.Display{Text: "A1"})
	bus.Show("bang2", counterboard.Display{Text: "A2"})
	hw := &hardware{buses: []*counterboard.Bus{bus}}
	eventually(t, "bang1 silent, bang2 answering", func() bool {
		var st wire.Status
		hw.wireStatus(&st)
		return st.Boards["bang1"].State == "silent" && st.Boards["bang1"].Errors > 0 && st.Boards["bang2"].State == "answering"
	})
	var none wire.Status
	(*hardware)(nil).wireStatus(&none)
	if none.Boards != nil || none.Buttons != nil {
		t.Errorf("a center without hardware reports %+v", none)
	}
}
