//go:build unix

package host

import "syscall"

// openFileLimit is the process's limit on open files (RLIMIT_NOFILE; the Go runtime has
// already raised its soft limit to the hard one), or 0 if it cannot be read.
func openFileLimit() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	return lim.Cur
}
