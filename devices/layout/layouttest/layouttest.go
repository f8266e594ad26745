// Package layouttest reads back what devices/layout prints: Zbar decodes
// every barcode and QR code of a PNG preview with zbarimg (Debian
// zbar-tools, installed by make test-deps), as a scanner at the kiosk would.
//
// Wear models the wear of a printed symbol (dot gain, blur, dead head
// elements) and ReadCode128 and ReadQR decode it with gozxing.
//
// It is for tests only; it imports nothing of motcua, so the layout package's
// own tests can use it too.
package layouttest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Zbar returns the text of every symbol zbarimg reads in the image file at
// path, one per symbol. It skips the test when zbarimg is not installed and
// fails it when zbarimg cannot read the file or finds nothing.
func Zbar(t testing.TB, path string) []string {
	t.Helper()
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg missing: run make test-deps (apt-get install zbar-tools)")
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", path).Output()
	if err != nil {
		t.Fatalf("zbarimg %s: %v", path, err)
	}
	var codes []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			codes = append(codes, l)
		}
	}
	return codes
}

// Golden compares got with the golden file at path, after writing got there
// when update is set (go test -update); a missing file says how to make it.
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes differ from the golden %d bytes (go test -update after checking the previews)", filepath.Base(path), len(got), len(want))
	}
}
