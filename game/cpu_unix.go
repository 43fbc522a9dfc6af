//go:build unix

package game

import (
	"syscall"
	"time"
)

// cpuDemand returns the CPU time this process's threads have run so far, all of them: what
// the connections' readers and writers cost as well as the rooms' ticks; and, where the
// system tells it (Linux: threadsDemand), the time they waited, runnable, for a CPU.
func cpuDemand() (time.Duration, bool) {
	if d, ok := threadsDemand(); ok {
		return d, true
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
