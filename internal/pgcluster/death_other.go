//go:build unix && !linux

package pgcluster

import "syscall"

// withDeathSignal returns a as it is: this system has no parent-death signal, so a
// server whose owner was killed runs on until stopped (Sweep leaves its
// directory while it runs).
func withDeathSignal(a *syscall.SysProcAttr) *syscall.SysProcAttr { return a }
