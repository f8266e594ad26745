//go:build !linux

package printer

import "errors"

func setFlow(string, string) error {
	return errors.New("RTS/CTS and XON/XOFF flow control are supported on Linux only")
}
