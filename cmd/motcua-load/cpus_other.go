//go:build !linux

package main

import "errors"

func pinSelf(int) bool { return false }

func pinProcess(int, int, bool) error { return errors.New("not on this system") }

func others(int) string { return "" }
