//go:build unix && !linux

package game

import "time"

// threadsDemand is Linux's: elsewhere the CPU share is the time used alone (cpuDemand).
func threadsDemand() (time.Duration, bool) { return 0, false }
