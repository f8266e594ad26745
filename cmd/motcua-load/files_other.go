//go:build !unix

package main

import "errors"

// raiseFiles has nothing to raise on this system.
func raiseFiles() {}

// lowerPriority cannot lower a process's priority on this system.
func lowerPriority(int) error { return errors.New("not on this system") }
