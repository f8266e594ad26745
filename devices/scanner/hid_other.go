//go:build !linux

package scanner

import (
	"errors"
	"io"
)

func openInput(string) (io.ReadCloser, error) {
	return nil, errors.New("HID scanners are read from Linux input devices only")
}
