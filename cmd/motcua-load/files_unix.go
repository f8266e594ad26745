//go:build unix

package main

import "syscall"

// raiseFiles lets the flood hold as many connections as the hard limit on
// open files allows.
func raiseFiles() {
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) == nil && rl.Cur < rl.Max {
		rl.Cur = rl.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
}
