//go:build unix

package main

import (
	"fmt"
	"syscall"
)

// raiseOpenFileLimit lifts the soft limit on open files to the hard one. The servers and
// the load generator inherit it: 10k clients need 10k descriptors on each side. (Go raises
// its own limit at start but restores the old one for children unless we set it ourselves.)
func raiseOpenFileLimit() error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("getrlimit: %w", err)
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("setrlimit: %w", err)
	}
	return nil
}
