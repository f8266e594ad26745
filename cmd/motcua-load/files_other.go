//go:build !unix

package main

import "errors"

// raiseFiles has nothing to raise on this system.
func raiseFiles() {}

// setPriority cannot change a process's priority on this system.
func setPriority(int, int) error { return errors.New("not on this system") }
