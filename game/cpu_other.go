//go:build !unix

package game

import "time"

// cpuDemand is not measured here: admission goes by the rooms' own measures only.
func cpuDemand() (time.Duration, bool) { return 0, false }
