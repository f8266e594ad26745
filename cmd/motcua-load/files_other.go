//go:build !unix

package main

// raiseFiles has nothing to raise on this system.
func raiseFiles() {}
