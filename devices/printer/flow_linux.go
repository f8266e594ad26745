package printer

import (
	"os"

	"golang.org/x/sys/unix"
)

// setFlow turns on the flow control of the tty at path: FlowRTSCTS (the
// CTS line) or FlowXonXoff (the printer's XOFF and XON bytes stop and
// restart what we send). go.bug.st/serial has no setting for either and
// clears them when it opens a port; termios settings belong to the tty, not
// to a descriptor, so setting them through a second descriptor affects the
// open port.
func setFlow(path, flow string) error {
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
	switch flow {
	case FlowRTSCTS:
		t.Cflag |= unix.CRTSCTS
	case FlowXonXoff:
		// Honour the printer's XOFF/XON; send none ourselves, and restart
		// only on XON (not on any byte: status answers are bytes too).
		t.Iflag |= unix.IXON
		t.Iflag &^= unix.IXOFF | unix.IXANY
	}
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}
