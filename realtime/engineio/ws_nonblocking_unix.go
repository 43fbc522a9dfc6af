//go:build unix

package engineio

import "syscall"

// writeNonBlocking writes as much of b to raw's socket as it takes right now and returns
// the count. The runtime keeps network sockets in non-blocking mode and the callback
// reports it is done whatever happened, so this never waits: EAGAIN (buffer full), an
// error or a connection already closed all just end the attempt, and the session's writer
// goroutine, which waits and sees errors, takes over.
func writeNonBlocking(raw syscall.RawConn, b []byte) int {
	n := 0
	_ = raw.Write(func(fd uintptr) bool {
		for n < len(b) {
			m, err := syscall.Write(int(fd), b[n:])
			if err == syscall.EINTR {
				continue
			}
			if err != nil || m <= 0 {
				break
			}
			n += m
		}
		return true
	})
	return n
}
