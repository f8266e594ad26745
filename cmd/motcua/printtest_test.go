package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/devices/escpos"
	"motcua/devices/layout/layouttest"
	"motcua/devices/printer/printertest"
	"motcua/devices/serialtest"
)

// printTestConfig writes a small center's config with the given printers
// (YAML list items) and its data directory in a temporary folder.
func printTestConfig(t *testing.T, printers ...string) (path, data string) {
	t.Helper()
	dir := t.TempDir()
	data = filepath.Join(dir, "data")
	yaml := fmt.Sprintf(`center: {name: "UBND phường Bến Thành"}
data_dir: %q
fields: [{code: A, name: "Hộ tịch"}]
counters: [{id: "1", name: "Quầy 1", services: [A]}]
printers:
  - %s
`, data, strings.Join(printers, "\n  - "))
	path = filepath.Join(dir, "center.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, data
}

func TestPrintTestFilePrinter(t *testing.T) {
	cfg, data := printTestConfig(t,
		"{name: kiosk1, transport: file, dir: prints}",
		"{name: quay1, transport: file, dir: quay, width: 58}")
	stdout, err := runCmd(t, "", "print-test", "--config", cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	want := fmt.Sprintf("kiosk1  online  giấy: ok  nắp: đóng  (file %s)\n", filepath.Join(data, "prints")) +
		fmt.Sprintf("quay1   online  giấy: ok  nắp: đóng  (file %s)\n", filepath.Join(data, "quay"))
	if stdout != want {
		t.Fatalf("stdout\n%s\nwant\n%s", stdout, want)
	}
	base := filepath.Join(data, "prints", "000000-test-kiosk1")
	bin, err := os.ReadFile(base + ".bin")
	if err != nil || !bytes.HasPrefix(bin, []byte{escpos.ESC, '@'}) {
		t.Fatalf("test page bytes: %v", err)
	}
	if codes := layouttest.Zbar(t, base+".png"); !slices.Contains(codes, "https://motcua.example/test") {
		t.Fatalf("zbarimg read %q on the test page", codes)
	}

	t.Run("one printer by name", func(t *testing.T) {
		stdout, err := runCmd(t, "", "print-test", "--config", cfg, "--printer", "quay1")
		if err != nil || !strings.HasPrefix(stdout, "quay1  online") || strings.Count(stdout, "\n") != 1 {
			t.Fatalf("%q, %v", stdout, err)
		}
	})
	t.Run("unknown printer", func(t *testing.T) {
		_, err := runCmd(t, "", "print-test", "--config", cfg, "--printer", "kiosk9")
		if err == nil || err.Error() != `print-test: unknown printer "kiosk9"; configured: kiosk1, quay1` {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("folder replaced by a file", func(t *testing.T) {
		dir := filepath.Join(data, "quay")
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, err := runCmd(t, "", "print-test", "--config", cfg)
		if err == nil || err.Error() != "print-test: 1 of 2 printers failed" {
			t.Fatalf("err = %v", err)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "kiosk1  online") || !strings.HasPrefix(lines[1], "quay1   mất kết nối (offline): ") {
			t.Fatalf("stdout\n%s", stdout)
		}
	})
}

// TestPrintTestSerial drives a fake ESC/POS printer on a socat
// pseudo-terminal that answers DLE EOT with the status the case sets.
func TestPrintTestSerial(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status escpos.Status
		line   string // after the name
		failed bool
	}{
		{"online", escpos.Status{}, "online  giấy: ok  nắp: đóng", false},
		{"paper near end", escpos.Status{PaperNearEnd: true}, "online  giấy: sắp hết (near end)  nắp: đóng", false},
		{"paper out", escpos.Status{Offline: true, PaperEndStop: true, PaperEnd: true, PaperNearEnd: true},
			"hết giấy (paper out)  giấy: hết (out)  nắp: đóng", true},
		{"cover open", escpos.Status{Offline: true, CoverOpen: true}, "nắp đang mở (cover open)  giấy: ok  nắp: mở (open)", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pty := serialtest.New(t)
			end, err := pty.OpenDevice()
			if err != nil {
				t.Fatal(err)
			}
			dev := printertest.NewDevice(end)
			defer dev.Close()
			dev.SetStatus(tc.status)
			cfg, _ := printTestConfig(t, fmt.Sprintf("{name: kiosk1, transport: serial, path: %q, baud: 115200}", pty.Port))

			stdout, err := runCmd(t, "", "print-test", "--config", cfg, "--timeout", "20s")
			want := fmt.Sprintf("kiosk1  %s  (serial %s 115200)\n", tc.line, pty.Port)
			if stdout != want {
				t.Fatalf("stdout\n%q\nwant\n%q", stdout, want)
			}
			if tc.failed {
				if err == nil || err.Error() != "print-test: 1 of 1 printers failed" {
					t.Fatalf("err = %v, want a failure", err)
				}
				if got := dev.Received(); len(got) != 0 {
					t.Fatalf("a printer that cannot print got %d bytes", len(got))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := dev.WaitCuts(ctx, 1); err != nil {
				t.Fatalf("no test page cut: %v", err)
			}
			got := dev.Received()
			cmds, err := escpos.Parse(got)
			if err != nil || !bytes.HasPrefix(got, []byte{escpos.ESC, '@'}) {
				t.Fatalf("test page of %d bytes: %v", len(got), err)
			}
			var qr, barcode bool
			for _, c := range cmds {
				qr = qr || c.Name == "GS ( k" && bytes.Contains(c.Raw, []byte("https://motcua.example/test"))
				barcode = barcode || c.Name == "GS k"
			}
			if !qr || !barcode {
				t.Fatalf("test page without its native QR code (%v) or Code128 (%v)", qr, barcode)
			}
		})
	}
}

// --probe asks a serial printer what it is, prints nothing, and suggests
// its profile: an Epson TM-T20III names itself; a clone that answers
// status but not GS I gets generic.
func TestPrintTestProbe(t *testing.T) {
	for _, tc := range []struct {
		name string
		id   *printertest.Identity
		want []string
	}{
		{"Epson TM-T20III", &printertest.EpsonTMT20III, []string{
			"  DLE EOT 1-4: online, giấy: ok, nắp: đóng",
			"  GS r 1: trả lời (answers): jobs can be confirmed",
			"  GS I 1/2/3: model ID 0x20, type ID 0x02, ROM ID 0x41",
			`  GS I 65/66/67: maker "EPSON", model "TM-T20III", firmware "30.01 ESC/POS"`,
			"  profile: tm-t20iii (model: tm-t20iii); configured: generic",
		}},
		{"clone", nil, []string{
			"  DLE EOT 1-4: online, giấy: ok, nắp: đóng",
			"  GS r 1: trả lời (answers): jobs can be confirmed",
			"  GS I 1/2/3: không trả lời (no answer)",
			"  GS I 65/66/67: không trả lời (no answer)",
			"  profile: generic (model: generic), the printer does not name its model: set model: yourself if it is in docs/hardware.md",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pty := serialtest.New(t)
			end, err := pty.OpenDevice()
			if err != nil {
				t.Fatal(err)
			}
			dev := printertest.NewDevice(end)
			defer dev.Close()
			dev.Identify(tc.id)
			cfg, _ := printTestConfig(t,
				fmt.Sprintf("{name: kiosk1, transport: serial, path: %q, baud: 115200}", pty.Port),
				"{name: quay1, transport: file}")
			stdout, err := runCmd(t, "", "print-test", "--config", cfg, "--probe", "--printer", "kiosk1", "--timeout", "20s")
			if err != nil {
				t.Fatalf("%v\n%s", err, stdout)
			}
			want := fmt.Sprintf("kiosk1  (serial %s 115200)\n", pty.Port) + strings.Join(tc.want, "\n") + "\n"
			if stdout != want {
				t.Fatalf("stdout\n%s\nwant\n%s", stdout, want)
			}
			if got := dev.Received(); len(got) != 0 || dev.Cuts() != 0 {
				t.Fatalf("the probe printed %q", got)
			}
		})
	}
	t.Run("file printer", func(t *testing.T) {
		cfg, _ := printTestConfig(t, "{name: quay1, transport: file}")
		stdout, err := runCmd(t, "", "print-test", "--config", cfg, "--probe")
		if err == nil || err.Error() != "print-test: 1 of 1 printers could not be probed" ||
			!strings.Contains(stdout, "a file printer cannot be asked anything") {
			t.Fatalf("%q, %v", stdout, err)
		}
	})
}
