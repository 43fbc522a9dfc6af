//go:build !unix

package host

// openFileLimit is 0, no known limit: these systems have no RLIMIT_NOFILE.
func openFileLimit() uint64 { return 0 }
