package printertest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// PTY is a pair of linked pseudo-terminals made by socat: what is written
// to one end is read from the other, like a null-modem cable.
type PTY struct {
	// Host is the end the code under test opens as its serial port;
	// Printer the end the fake printer opens.
	Host, Printer string
	cmd           *exec.Cmd
	done          chan struct{}
}

// NewPTY starts `socat pty,raw,echo=0,link=… pty,raw,echo=0,link=…` in a
// temporary directory and waits for both links. It skips the test when socat
// is not installed (make test-deps installs it). The pair is removed when the
// test ends.
func NewPTY(t testing.TB) *PTY {
	t.Helper()
	dir := t.TempDir()
	return NewPTYAt(t, filepath.Join(dir, "host"), filepath.Join(dir, "printer"))
}

// NewPTYAt is NewPTY with the links at the given paths: a test plugs a
// "new cable" in at the same paths after killing the first pair.
func NewPTYAt(t testing.TB, host, printer string) *PTY {
	t.Helper()
	bin, err := exec.LookPath("socat")
	if err != nil {
		t.Skip("socat is not installed: run `make test-deps` (apt-get install socat) for the serial tests")
	}
	p := &PTY{Host: host, Printer: printer, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "-d", "-d",
		"pty,raw,echo=0,link="+p.Host, "pty,raw,echo=0,link="+p.Printer)
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("printertest: socat: %v", err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(p.Kill)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, e1 := os.Stat(p.Host)
		_, e2 := os.Stat(p.Printer)
		if e1 == nil && e2 == nil {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("printertest: socat made no pty links in 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Kill ends socat, which is what unplugging the cable looks like to both
// ends: their reads and writes fail. It is idempotent.
func (p *PTY) Kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Kill()
	<-p.done
}

// OpenPrinterEnd opens the printer's end for a Device.
func (p *PTY) OpenPrinterEnd() (*os.File, error) {
	f, err := os.OpenFile(p.Printer, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("printertest: %w", err)
	}
	return f, nil
}
