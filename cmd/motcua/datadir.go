package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// lockDataDir takes DATA/motcua.lock for this process, so that a second
// motcua on the same data directory stops instead of sharing its database
// and printers; the file says which pid holds it. The lock goes with the
// process (even on SIGKILL) or with unlock.
func lockDataDir(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, "motcua.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("serve: data directory %s: %w", dir, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			b, _ := io.ReadAll(io.LimitReader(f, 32))
			pid := strings.TrimSpace(string(b))
			if pid == "" {
				pid = "unknown"
			}
			return nil, fmt.Errorf("serve: another motcua is running on data directory %s, pid %s", dir, pid)
		}
		return nil, fmt.Errorf("serve: cannot lock %s: %w", path, err)
	}
	err = f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("serve: %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
