//go:build !linux

package printer

import "errors"

func setRTSCTS(string) error { return errors.New("RTS/CTS flow control is supported on Linux only") }
