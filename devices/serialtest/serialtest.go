// Package serialtest makes a "null-modem cable" for tests of serial devices:
// two linked pseudo-terminals made by socat. The code under test opens Port
// as its serial port; the test, acting as the printer or the scanner, opens
// Device. Killing socat is what unplugging the cable looks like to both ends.
//
// A Cable is safe for concurrent use; socat runs until Kill or the end of
// the test.
package serialtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Cable is a pair of linked pseudo-terminals: what is written to one end is
// read from the other.
type Cable struct {
	// Port is the end the code under test opens; Device the end the test's
	// fake device opens.
	Port, Device string
	cmd          *exec.Cmd
	done         chan struct{}
}

// New makes a cable with its links in a temporary directory. It skips the
// test when socat is not installed (make test-deps installs it).
func New(t testing.TB) *Cable {
	t.Helper()
	dir := t.TempDir()
	return NewAt(t, filepath.Join(dir, "port"), filepath.Join(dir, "device"))
}

// NewAt is New with the links at the given paths: a test plugs a "new
// cable" in at the same paths after killing the first, as udev would.
func NewAt(t testing.TB, port, device string) *Cable {
	t.Helper()
	bin, err := exec.LookPath("socat")
	if err != nil {
		t.Skip("socat is not installed: run `make test-deps` (apt-get install socat) for the serial tests")
	}
	os.Remove(port) // a node that is gone, as udev removes it
	os.Remove(device)
	c := &Cable{Port: port, Device: device, done: make(chan struct{})}
	c.cmd = exec.Command(bin, "-d", "-d", "pty,raw,echo=0,link="+port, "pty,raw,echo=0,link="+device)
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("serialtest: socat: %v", err)
	}
	go func() { c.cmd.Wait(); close(c.done) }()
	t.Cleanup(c.Kill)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, e1 := os.Stat(port)
		_, e2 := os.Stat(device)
		if e1 == nil && e2 == nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("serialtest: socat made no pty links in 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Kill ends socat at once: both ends' reads and writes fail, and both
// links are gone, as when the cable is pulled and udev removes the nodes.
// It is idempotent.
func (c *Cable) Kill() {
	select {
	case <-c.done:
	default:
		c.cmd.Process.Kill()
		<-c.done
	}
	os.Remove(c.Port) // socat killed at once leaves its links behind
	os.Remove(c.Device)
}

// OpenDevice opens the device's end.
func (c *Cable) OpenDevice() (*os.File, error) {
	f, err := os.OpenFile(c.Device, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("serialtest: %w", err)
	}
	return f, nil
}
