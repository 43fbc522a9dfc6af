//go:build !unix

package engineio

import "syscall"

// writeNonBlocking writes nothing where sockets are not plain file descriptors: every write
// goes through the session's writer goroutine.
func writeNonBlocking(syscall.RawConn, []byte) int { return 0 }
