//go:build !unix

package main

// openFileLimit is 0, no known limit: these systems have no RLIMIT_NOFILE.
func openFileLimit() uint64 { return 0 }
