package voice_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/display/voice"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		ticket, counter, name, want string
	}{
		{"A013", "3", "Quầy 3", "Mời công dân có số, a, không, một, ba, đến quầy số ba."},
		{"B120", "10", "", "Mời công dân có số, bê, một, hai, không, đến quầy số mười."},
		{"C005", "15", "", "Mời công dân có số, xê, không, không, năm, đến quầy số mười lăm."},
		{"D1", "21", "", "Mời công dân có số, đê, một, đến quầy số hai mươi mốt."},
		{"A1", "30", "", "Mời công dân có số, a, một, đến quầy số ba mươi."},
		{"A1", "11", "", "Mời công dân có số, a, một, đến quầy số mười một."},
		{"A1", "45", "", "Mời công dân có số, a, một, đến quầy số bốn mươi lăm."},
		{"A1", "105", "", "Mời công dân có số, a, một, đến quầy số một, không, năm."},
		{"A1", "tuphap", "Quầy Tư pháp", "Mời công dân có số, a, một, đến Quầy Tư pháp."},
	} {
		w, err := voice.Words(tc.ticket, tc.counter, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if got := voice.Text(w); got != tc.want {
			t.Errorf("%s to %s:\n got %s\nwant %s", tc.ticket, tc.counter, got, tc.want)
		}
	}
	for _, bad := range [][2]string{{"A01;rm -rf /", "3"}, {"a013", "3"}, {"", "3"}, {"A013", "3; ls"}, {"A013", ""}, {"-v", "3"}} {
		if _, err := voice.Words(bad[0], bad[1], ""); err == nil {
			t.Errorf("Words(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

func TestWAVRoundTripAndJoin(t *testing.T) {
	c := voice.Chime(22050, 1)
	if d := c.Duration(); d < time.Second || d > 2*time.Second {
		t.Errorf("chime lasts %v", d)
	}
	p, err := voice.ParseWAV(c.WAV())
	if err != nil || p.Rate != 22050 || p.Channels != 1 || len(p.Data) != len(c.Data) {
		t.Fatalf("round trip: %v %+v", err, p.Rate)
	}
	// A header written to a pipe has placeholder sizes.
	b := c.WAV()
	copy(b[40:], []byte{0xff, 0xff, 0xff, 0x7f})
	if p, err := voice.ParseWAV(b); err != nil || len(p.Data) != len(c.Data) {
		t.Errorf("placeholder size: %v", err)
	}
	if _, err := voice.Join(c, voice.Chime(16000, 1)); err == nil {
		t.Error("joined two rates")
	}
	if _, err := voice.ParseWAV([]byte("RIFF....WAVEjunk")); err == nil {
		t.Error("parsed junk")
	}
}

// writeClips records a tone per clip name, all in one format.
func writeClips(t *testing.T, names ...string) string {
	dir := t.TempDir()
	for _, n := range names {
		p := voice.Silence(voice.PCM{Rate: 16000, Channels: 1}, 200*time.Millisecond)
		if err := os.WriteFile(filepath.Join(dir, n+".wav"), p.WAV(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestClips(t *testing.T) {
	dir := writeClips(t, "moi", "letter_a", "0", "1", "3", "den_quay")
	s, err := voice.New(voice.Opts{Clips: dir, Espeak: "off"})
	if err != nil {
		t.Fatal(err)
	}
	wav, err := s.Announce(context.Background(), "A013", "3", "Quầy 3")
	if err != nil {
		t.Fatal(err)
	}
	p, err := voice.ParseWAV(wav)
	if err != nil || p.Rate != 16000 {
		t.Fatalf("announcement: %v, %d Hz", err, p.Rate)
	}
	// chime 1.4 s + 0.3 s + 7 clips of 0.2 s with gaps + 0.2 s
	if d := p.Duration(); d < 3*time.Second || d > 5*time.Second {
		t.Errorf("announcement lasts %v", d)
	}
	if _, err := s.Announce(context.Background(), "B013", "3", ""); err == nil {
		t.Error("said a letter with no clip and no espeak-ng")
	}
	// A clip for the whole counter replaces "đến quầy số …".
	dir2 := writeClips(t, "moi", "letter_a", "0", "1", "3", "counter_12")
	s2, err := voice.New(voice.Opts{Clips: dir2, Espeak: "off"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Announce(context.Background(), "A013", "12", ""); err != nil {
		t.Errorf("counter clip: %v", err)
	}
	// Clips of two formats are refused at start.
	odd := voice.Silence(voice.PCM{Rate: 44100, Channels: 2}, time.Second)
	if err := os.WriteFile(filepath.Join(dir, "zz.wav"), odd.WAV(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := voice.New(voice.Opts{Clips: dir, Espeak: "off"}); err == nil || !strings.Contains(err.Error(), "zz.wav") {
		t.Errorf("mixed formats: %v", err)
	}
}

func TestEspeak(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng is not installed (apt-get install espeak-ng)")
	}
	s, err := voice.New(voice.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Available() {
		t.Fatal("espeak-ng not found")
	}
	ctx := context.Background()
	results := make(chan []byte, 4)
	for range 4 { // four screens ask at once: one synthesis
		go func() {
			wav, err := s.Announce(ctx, "A013", "3", "Quầy 3")
			if err != nil {
				t.Error(err)
			}
			results <- wav
		}()
	}
	var first []byte
	for range 4 {
		wav := <-results
		if first == nil {
			first = wav
		} else if &wav[0] != &first[0] {
			t.Error("the same announcement was synthesised twice")
		}
	}
	p, err := voice.ParseWAV(first)
	if err != nil {
		t.Fatal(err)
	}
	if d := p.Duration(); d < 3*time.Second || d > 15*time.Second {
		t.Errorf("announcement lasts %v", d)
	}
}

// together are four calls made at once at the demo center's counters.
var together = []voice.Call{
	{Ticket: "A001", CounterID: "1", CounterName: "Quầy 1", Field: "Hộ tịch"},
	{Ticket: "B001", CounterID: "2", CounterName: "Quầy 2", Field: "Đất đai"},
	{Ticket: "C001", CounterID: "3", CounterName: "Quầy 3", Field: "Xây dựng"},
	{Ticket: "D001", CounterID: "4", CounterName: "Quầy 4", Field: "Kinh doanh"},
}

func TestPartWords(t *testing.T) {
	for _, tc := range []struct {
		call voice.Call
		want string
	}{
		{voice.Call{Ticket: "A013", CounterID: "3", CounterName: "Quầy 3", Field: "Hộ tịch"}, "a, không, một, ba, Hộ tịch, quầy ba."},
		{voice.Call{Ticket: "B120", CounterID: "15", Field: "Đất đai"}, "bê, một, hai, không, Đất đai, quầy mười lăm."},
		{voice.Call{Ticket: "C5", CounterID: "tuphap", CounterName: "Quầy Tư pháp", Field: "Tư pháp"}, "xê, năm, Tư pháp, đến Quầy Tư pháp."},
	} {
		w, err := voice.PartWords(tc.call)
		if err != nil {
			t.Fatal(err)
		}
		if got := voice.Text(w); got != tc.want {
			t.Errorf("%+v:\n got %s\nwant %s", tc.call, got, tc.want)
		}
	}
	if _, err := voice.PartWords(voice.Call{Ticket: "A1", CounterID: "1"}); err == nil {
		t.Error("a part without its field was accepted")
	}
}

// checkTogether checks an announcement of the four calls: one part per
// call in order, shorter than four announcements; with within10s, the last
// call is heard (its part starts) within 10 s of its call, counting the
// lobby's gathering of calls made together (0.3 s).
func checkTogether(t *testing.T, s *voice.Speaker, within10s bool) {
	t.Helper()
	wav, parts, err := s.AnnounceMany(context.Background(), together)
	if err != nil {
		t.Fatal(err)
	}
	p, err := voice.ParseWAV(wav)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 4 {
		t.Fatalf("parts at %v, want four", parts)
	}
	for i := 1; i < 4; i++ {
		if parts[i] <= parts[i-1] {
			t.Fatalf("parts at %v: not in order", parts)
		}
	}
	const gather = 300 * time.Millisecond
	if last := gather + parts[3]; within10s && last > 10*time.Second {
		t.Errorf("the fourth call is heard %v after it was made (parts at %v), want within 10 s", last, parts)
	}
	lone, err := s.Announce(context.Background(), "D001", "4", "Quầy 4")
	if err != nil {
		t.Fatal(err)
	}
	one, _ := voice.ParseWAV(lone)
	if d := p.Duration(); d >= 4*one.Duration() {
		t.Errorf("four calls together last %v, four alone %v: not shorter", d, 4*one.Duration())
	}
	t.Logf("four calls together: %v, parts at %v; one alone %v", p.Duration(), parts, one.Duration())
}

func TestAnnounceManyClips(t *testing.T) {
	// Clips of a human voice: each word about 0.35 s.
	names := []string{"moi", "quay", "den_quay", "field_a", "field_b", "field_c", "field_d", "letter_a", "letter_b", "letter_c", "letter_d", "0", "1", "2", "3", "4"}
	dir := t.TempDir()
	for _, n := range names {
		p := voice.Silence(voice.PCM{Rate: 16000, Channels: 1}, 350*time.Millisecond)
		if n == "moi" || strings.HasPrefix(n, "field_") {
			p = voice.Silence(p, 700*time.Millisecond) // several syllables
		}
		if err := os.WriteFile(filepath.Join(dir, n+".wav"), p.WAV(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := voice.New(voice.Opts{Clips: dir, Espeak: "off"})
	if err != nil {
		t.Fatal(err)
	}
	// How soon the last is heard depends on the center's recordings.
	checkTogether(t, s, false)
	// A field without its clip, and no espeak-ng: the server cannot say it.
	if _, _, err := s.AnnounceMany(context.Background(), []voice.Call{{Ticket: "E001", CounterID: "1", Field: "Tư pháp"}}); err == nil {
		t.Error("said a call whose words have no clip")
	}
	if _, _, err := s.AnnounceMany(context.Background(), append(together, together[0])); err == nil {
		t.Error("said five calls in one announcement")
	}
}

func TestAnnounceManyEspeak(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng is not installed (apt-get install espeak-ng)")
	}
	s, err := voice.New(voice.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	checkTogether(t, s, true)
}
