package printer

import (
	"fmt"
	"os"
	"time"
)

// USBOpts open a USB printer-class device.
type USBOpts struct {
	Name string
	// Path is /dev/usb/lp0 or a stable udev link.
	Path          string
	StatusTimeout time.Duration
}

// OpenUSB opens a USB printer-class device (usblp) read-write. Status works
// when the printer is bidirectional and the device can time out a read;
// otherwise it returns ErrNoStatus.
func OpenUSB(o USBOpts) (*Conn, error) {
	f, err := os.OpenFile(o.Path, os.O_RDWR, 0)
	if err != nil {
		return nil, offline(o.Name, fmt.Errorf("open %s: %w", o.Path, err))
	}
	return NewConn(f, ConnOpts{Name: o.Name, StatusTimeout: o.StatusTimeout}), nil
}
