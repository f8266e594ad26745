package scanner

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// evIOCGrab is EVIOCGRAB, _IOW('E', 0x90, int).
const evIOCGrab = 0x40044590

// openInput opens an input device and grabs it: while motcua holds it, its
// keystrokes reach no other program (the kiosk's browser, a desktop).
func openInput(path string) (io.ReadCloser, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.IoctlSetInt(int(f.Fd()), evIOCGrab, 1); err != nil {
		f.Close()
		return nil, fmt.Errorf("grab %s: %w", path, err)
	}
	return f, nil
}
