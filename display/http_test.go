package display_test

import (
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"motcua/display"
	"motcua/display/voice"
)

func get(t *testing.T, en *env, path string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(en.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestPages(t *testing.T) {
	sp, err := voice.New(voice.Opts{Espeak: "off"})
	if err != nil {
		t.Fatal(err)
	}
	en := start(t, display.Opts{Voice: sp, Screens: []display.Screen{{Name: "lobby"}, {Name: "land", Fields: []string{"B"}}}})
	for _, tc := range []struct {
		path, typ string
		status    int
		contains  string
	}{
		{"/display", "text/html", 200, `"screen":"lobby"`},
		{"/display?screen=land", "text/html", 200, `"screen":"land"`},
		{"/display?counter=3", "text/html", 200, `"counter":"3"`},
		{"/display?screen=nowhere", "", 404, ""},
		{"/display?screen=land&counter=1", "", 404, ""},
		{"/display?counter=99", "", 404, ""},
		{"/t/0123abcd", "text/html", 200, `"ticket":"0123abcd"`},
		{"/t/a%3Cscript%3E", "", 404, ""},
		{"/display/static/lobby.js", "text/javascript", 200, "silence.wav"},
		{"/display/static/common.js", "text/javascript", 200, "serverNow"},
		{"/display/static/board.js", "text/javascript", 200, "since"},
		{"/display/static/phone.js", "text/javascript", 200, "ticket_api"},
		{"/display/static/lobby.css", "text/css", 200, "orientation: portrait"},
		{"/display/static/font-bold.ttf", "font/ttf", 200, ""},
		{"/display/chime.wav", "audio/wav", 200, "RIFF"},
		{"/display/silence.wav", "audio/wav", 200, "RIFF"},
		{"/display/voice?ticket=A013&counter=3", "application/json", 503, "no_voice"},
		{"/display/voice?ticket=A013;ls&counter=3", "application/json", 400, "bad_ticket"},
		{"/display/voice?ticket=A013&counter=9", "application/json", 400, "bad_counter"},
		{"/display/voice?call=A013:3:A&call=B002:1:B", "application/json", 503, "no_voice"},
		{"/display/voice?call=a013:3:A&call=B002:1:B", "application/json", 400, "bad_ticket"},
		{"/display/voice?call=A013:9:A&call=B002:1:B", "application/json", 400, "bad_counter"},
		{"/display/voice?call=A013:3:Z&call=B002:1:B", "application/json", 400, "bad_counter"},
		{"/display/voice?call=A1:1:A&call=A2:2:A&call=A3:3:A&call=A4:4:A&call=A5:1:A", "application/json", 400, "bad_ticket"},
	} {
		resp, body := get(t, en, tc.path)
		if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.typ) || !strings.Contains(body, tc.contains) {
			t.Errorf("%s: %d %s, want %d %s containing %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.status, tc.typ, tc.contains)
		}
		if tc.typ == "text/html" && !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: no CSP", tc.path)
		}
	}
	// Files only: a folder answers 404, never the list of its files.
	for _, path := range []string{"/display/static/", "/display/static", "/display/static/.", "/display/static//", "/display/static/index.html"} {
		resp, body := get(t, en, path)
		if resp.StatusCode == 200 || strings.Contains(body, "lobby.js") {
			t.Errorf("%s: %d, lists the files: %v", path, resp.StatusCode, strings.Contains(body, "lobby.js"))
		}
	}
	if _, err := exec.LookPath("espeak-ng"); err == nil {
		sp, _ := voice.New(voice.Opts{})
		en := start(t, display.Opts{Voice: sp})
		resp, body := get(t, en, "/display/voice?ticket=A013&counter=3")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/wav" || len(body) < 50000 {
			t.Errorf("espeak-ng voice: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
		resp, body = get(t, en, "/display/voice?call=A013:3:A&call=B002:1:B")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/wav" || len(strings.Split(resp.Header.Get("Voice-Parts"), ",")) != 2 || len(body) < 50000 {
			t.Errorf("two calls together: %d %s, parts %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Voice-Parts"), len(body))
		}
		if _, body := get(t, en, "/display"); !strings.Contains(body, `"voice":"server"`) {
			t.Error("page not told of the server voice")
		}
	}
}
