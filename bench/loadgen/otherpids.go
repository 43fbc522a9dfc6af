package main

import (
	"time"

	"tankarena/bench/procstat"
)

// cpuOf sums the CPU time the processes have used so far: the other nodes of a cluster and
// its Redis (-other-pids), whose cost is part of what a cluster's broadcast costs.
func cpuOf(pids []int) (time.Duration, error) {
	var total time.Duration
	for _, pid := range pids {
		d, err := procstat.CPU(pid)
		if err != nil {
			return 0, err
		}
		total += d
	}
	return total, nil
}
