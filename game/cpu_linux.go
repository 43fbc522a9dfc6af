package game

import (
	"bytes"
	"os"
	"strconv"
	"time"
)

// threadsDemand returns the CPU time this process's threads have run so far plus the time
// they waited, runnable, for a CPU (the kernel's schedstat of each thread; false without
// one). The wait is what tells a node whose CPU other work on the machine takes: its
// players' snapshots fall behind while the CPU time it gets stays low, and a measure of its
// use alone would keep seating players. A thread that exits takes its counts along; the
// meter takes a fall as no work.
func threadsDemand() (time.Duration, bool) {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return 0, false
	}
	var total time.Duration
	read := false
	for _, task := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + task.Name() + "/schedstat")
		if err != nil {
			continue // exited meanwhile
		}
		// "<ns on a CPU> <ns runnable, waiting for one> <time slices>"
		fields := bytes.Fields(b)
		if len(fields) < 2 {
			continue
		}
		run, err1 := strconv.ParseInt(string(fields[0]), 10, 64)
		wait, err2 := strconv.ParseInt(string(fields[1]), 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		total += time.Duration(run + wait)
		read = true
	}
	return total, read
}
