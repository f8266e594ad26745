package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"motcua/devices/escpos"
	"motcua/devices/layout"
	"motcua/devices/layout/layouttest"
	"motcua/devices/profile"
)

const samples = "../../configs/samples"

// runCmd runs a motcua command line as main would.
func runCmd(t *testing.T, stdin string, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

// checkOutputs decodes the PNG, reads its symbols with zbarimg, and checks
// the ESC/POS bytes: ESC @ first, a native QR code of qrData (none asked for
// when qrData is empty: a printer that gets its QR codes as images).
func checkOutputs(t *testing.T, pngPath, binPath, qrData string, wantCodes ...string) {
	t.Helper()
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatalf("%s is not a PNG: %v", pngPath, err)
	}
	codes := layouttest.Zbar(t, pngPath)
	for _, want := range wantCodes {
		if !slices.Contains(codes, want) {
			t.Errorf("zbarimg read %q in %s, want %q", codes, filepath.Base(pngPath), want)
		}
	}
	bin, err := os.ReadFile(binPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(bin, []byte{escpos.ESC, '@'}) {
		t.Fatalf("%s starts with % x, want ESC @", filepath.Base(binPath), bin[:min(len(bin), 2)])
	}
	cmds, err := escpos.Parse(bin)
	if err != nil {
		t.Fatalf("%s does not parse: %v", filepath.Base(binPath), err)
	}
	stored := false
	for _, c := range cmds {
		// GS ( k pL pH 49 80 48 data: store the QR code's data.
		if c.Name == "GS ( k" && len(c.Raw) > 8 && c.Raw[6] == 'P' && string(c.Raw[8:]) == qrData {
			stored = true
		}
	}
	if !stored && qrData != "" {
		t.Errorf("%s has no native GS ( k storing %q", filepath.Base(binPath), qrData)
	}
}

func readSample[T any](t *testing.T, name string) T {
	t.Helper()
	var v T
	b, err := os.ReadFile(filepath.Join(samples, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func TestRenderSamples(t *testing.T) {
	ticket := readSample[layout.TicketJob](t, "ticket.json")
	receipt := readSample[layout.ReceiptJob](t, "receipt.json")
	dir := t.TempDir()
	for _, tc := range []struct {
		kind, sample, width string
		qr                  string
		codes               []string
	}{
		{"ticket", "ticket.json", "576", ticket.URL(), []string{ticket.URL()}},
		{"ticket", "ticket.json", "384", ticket.URL(), []string{ticket.URL()}},
		{"receipt", "receipt.json", "576", receipt.LookupURL, []string{receipt.DossierCode, receipt.LookupURL}},
	} {
		t.Run(tc.kind+"-"+tc.width, func(t *testing.T) {
			out := filepath.Join(dir, tc.kind+tc.width+".png")
			bin := filepath.Join(dir, tc.kind+tc.width+".bin")
			stdout, err := runCmd(t, "", "render", tc.kind, "--in", filepath.Join(samples, tc.sample),
				"--out", out, "--bin", bin, "--width", tc.width)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(stdout, tc.kind+": "+out) {
				t.Errorf("stdout %q", stdout)
			}
			checkOutputs(t, out, bin, tc.qr, tc.codes...)
		})
	}

	t.Run("priority ticket from stdin", func(t *testing.T) {
		j := ticket
		j.Priority = true
		in, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		out, bin := filepath.Join(dir, "p.png"), filepath.Join(dir, "p.bin")
		if _, err := runCmd(t, string(in), "render", "ticket", "--in", "-", "--out", out, "--bin", bin); err != nil {
			t.Fatal(err)
		}
		checkOutputs(t, out, bin, ticket.URL(), ticket.URL())
		if st, err := os.Stat(bin); err != nil || st.Size() >= 4600 {
			t.Fatalf("80 mm priority ticket: %v bytes (want under 4,600), %v", st.Size(), err)
		}
	})

	t.Run("test page without --bin", func(t *testing.T) {
		out := filepath.Join(dir, "test.png")
		if _, err := runCmd(t, `{"printer":"kiosk1","at":"2026-11-21T08:15:00+07:00"}`, "render", "test", "--in", "-", "--out", out); err != nil {
			t.Fatal(err)
		}
		if codes := layouttest.Zbar(t, out); !slices.Contains(codes, "https://motcua.example/test") {
			t.Fatalf("zbarimg read %q", codes)
		}
	})
}

func TestRenderBadInput(t *testing.T) {
	sample := filepath.Join(samples, "ticket.json")
	for _, tc := range []struct {
		name  string
		stdin string
		args  func(dir string) []string
		want  string
	}{
		{"malformed JSON", `{"number": "A001",`, func(d string) []string {
			return []string{"ticket", "--in", "-", "--out", filepath.Join(d, "x.png"), "--bin", filepath.Join(d, "x.bin")}
		}, "render: stdin: layout: ticket job: unexpected EOF"},
		{"empty input", "", func(d string) []string {
			return []string{"ticket", "--in", "-", "--out", filepath.Join(d, "x.png")}
		}, "render: stdin is empty"},
		{"job the layout refuses", `{"number": "", "track_url": "https://a.example/t/1"}`, func(d string) []string {
			return []string{"ticket", "--in", "-", "--out", filepath.Join(d, "x.png")}
		}, `render: stdin: layout: ticket number ""`},
		{"unknown kind", "", func(d string) []string {
			return []string{"label", "--in", sample, "--out", filepath.Join(d, "x.png")}
		}, `render: unknown kind "label"`},
		{"wrong width", "", func(d string) []string {
			return []string{"ticket", "--in", sample, "--out", filepath.Join(d, "x.png"), "--width", "500"}
		}, "render: --width 500"},
		{"missing input file", "", func(d string) []string {
			return []string{"ticket", "--in", filepath.Join(d, "none.json"), "--out", filepath.Join(d, "x.png")}
		}, "render: open "},
		{"unwritable output", "", func(d string) []string {
			return []string{"ticket", "--in", sample, "--out", filepath.Join(d, "x.png"), "--bin", filepath.Join(d, "no", "x.bin")}
		}, "render: cannot write "},
		{"output is a folder", "", func(d string) []string {
			return []string{"ticket", "--in", sample, "--out", d}
		}, "is a folder"},
		{"no --out", "", func(d string) []string {
			return []string{"ticket", "--in", sample}
		}, "render: --out FILE.png is required"},
		{"unknown model", "", func(d string) []string {
			return []string{"ticket", "--in", sample, "--out", filepath.Join(d, "x.png"), "--model", "tm-u220"}
		}, `render: --model "tm-u220": not a known printer model; use one of generic, `},
		{"a paper the model does not take", "", func(d string) []string {
			return []string{"ticket", "--in", sample, "--out", filepath.Join(d, "x.png"), "--model", "xp-58iih", "--paper", "80"}
		}, "render: --paper 80: the xp-58iih does not take 80 mm paper"},
		{"width with a model", "", func(d string) []string {
			return []string{"ticket", "--in", sample, "--out", filepath.Join(d, "x.png"), "--model", "tm-t88v", "--width", "576"}
		}, "render: --width is the generic profile's"},
		{"paper without a model", "", func(d string) []string {
			return []string{"ticket", "--in", sample, "--out", filepath.Join(d, "x.png"), "--paper", "58"}
		}, "render: --paper goes with --model"},
		{"unknown flag", "", func(d string) []string {
			return []string{"ticket", "--in", sample, "--out", filepath.Join(d, "x.png"), "--colour"}
		}, "render: flag provided but not defined: -colour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := runCmd(t, tc.stdin, append([]string{"render"}, tc.args(dir)...)...)
			if err == nil {
				t.Fatal("accepted")
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q, want one line with %q", msg, tc.want)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Fatalf("left %v behind", left)
			}
		})
	}

	t.Run("a failed render keeps the old output", func(t *testing.T) {
		dir := t.TempDir()
		out := filepath.Join(dir, "x.png")
		if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := runCmd(t, `{"number":`, "render", "ticket", "--in", "-", "--out", out); err == nil {
			t.Fatal("accepted")
		}
		if b, _ := os.ReadFile(out); string(b) != "old" {
			t.Fatalf("output changed to %d bytes", len(b))
		}
		if left, _ := os.ReadDir(dir); len(left) != 1 {
			t.Fatalf("left %v behind", left)
		}
	})
}

// --model renders as the printer of that profile would print: its paper
// in the preview (80 mm at the TM-T88V's 180 dpi is 568 dots, 58 mm at 203
// dpi 464), its bytes the layout's for that profile (the XPrinters' QR
// codes as images).
func TestRenderForAModel(t *testing.T) {
	receipt := readSample[layout.ReceiptJob](t, "receipt.json")
	raw, err := os.ReadFile(filepath.Join(samples, "receipt.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := layout.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		model string
		paper []string
		mm    int
		dots  int // printable
		sheet int // the preview: the paper
		qr    string
	}{{"tm-t88v", nil, 80, 512, 568, receipt.LookupURL}, {"xp-58iih", nil, 58, 384, 464, ""},
		{"xp-80c", []string{"--paper", "58"}, 58, 384, 464, ""}} {
		t.Run(tc.model, func(t *testing.T) {
			out, bin := filepath.Join(dir, tc.model+".png"), filepath.Join(dir, tc.model+".bin")
			args := append([]string{"render", "receipt", "--in", filepath.Join(samples, "receipt.json"),
				"--out", out, "--bin", bin, "--model", tc.model}, tc.paper...)
			if _, err := runCmd(t, "", args...); err != nil {
				t.Fatal(err)
			}
			checkOutputs(t, out, bin, tc.qr, receipt.DossierCode, receipt.LookupURL)
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if w := img.Bounds().Dx(); w != tc.sheet {
				t.Errorf("preview %d dots wide, want %d", w, tc.sheet)
			}
			prof, _ := profile.Lookup(tc.model)
			want, err := r.Render(layout.KindReceipt, raw, prof.Layout(tc.mm))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(bin)
			if !bytes.Equal(got, want.Bytes) {
				t.Errorf("%d bytes, not the %s profile's %d", len(got), tc.model, len(want.Bytes))
			}
			generic, _ := r.Render(layout.KindReceipt, raw, layout.Opts{Width: tc.dots})
			if bytes.Equal(got, generic.Bytes) {
				t.Errorf("the same bytes as the generic profile at %d dots: the test shows nothing", tc.dots)
			}
		})
	}
}
