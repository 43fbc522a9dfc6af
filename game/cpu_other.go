//go:build !unix

package game

import "time"

// processCPU is not measured here: admission goes by the rooms' own measures only.
func processCPU() (time.Duration, bool) { return 0, false }
