//go:build linux

package main

import (
	"path/filepath"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// pinSelf puts every thread of this process (and so the processes it starts
// after, which inherit it) on CPU cpu; false when the machine has one CPU or
// the call is refused.
func pinSelf(cpu int) bool {
	if runtime.NumCPU() < 2 {
		return false
	}
	tids, err := filepath.Glob("/proc/self/task/*")
	if err != nil {
		return false
	}
	var set unix.CPUSet
	set.Set(cpu)
	ok := true
	for _, t := range tids {
		tid, err := strconv.Atoi(filepath.Base(t))
		if err == nil && unix.SchedSetaffinity(tid, &set) != nil {
			ok = false
		}
	}
	return ok
}

// others are the CPUs but cpu, as taskset takes them ("1" or "1-3").
func others(cpu int) string {
	n := runtime.NumCPU()
	if cpu == 0 {
		if n == 2 {
			return "1"
		}
		return "1-" + strconv.Itoa(n-1)
	}
	return "0"
}
