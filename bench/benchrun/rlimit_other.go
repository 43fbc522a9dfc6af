//go:build !unix

package main

// raiseOpenFileLimit has nothing to raise where there are no POSIX resource limits; the
// benchmark itself needs Linux (taskset, /proc) to measure anything.
func raiseOpenFileLimit() error { return nil }
