//go:build unix && !linux

package game

import (
	"syscall"
	"time"
)

// cpuDemand returns the CPU time this process has used so far, user and system, all its
// threads: what the connections' readers and writers cost as well as the rooms' ticks. (On
// Linux it also counts the time the threads waited for a CPU: cpu_linux.go.)
func cpuDemand() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
