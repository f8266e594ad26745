package printer

import (
	"os"

	"golang.org/x/sys/unix"
)

// setRTSCTS turns on hardware flow control of the tty at path.
// go.bug.st/serial has no setting for it and clears it when it opens a port;
// termios settings belong to the tty, not to a descriptor, so setting them
// through a second descriptor affects the open port.
func setRTSCTS(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Cflag |= unix.CRTSCTS
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}
