//go:build !unix

package main

import "errors"

// raiseNoFile has no limit to raise on this system.
func raiseNoFile() (soft, hard uint64, err error) {
	return 0, 0, errors.New("no RLIMIT_NOFILE on this system")
}
