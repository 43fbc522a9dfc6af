package wstest

import (
	"net"
	"sync/atomic"
	"syscall"
)

// CountingWrites wraps a server's listener so that a test can count the writes the server
// makes through each connection's RawConn. That is how engineio writes a websocket when the
// socket has room: one RawConn write, one write(2), of every frame that goes out together.
// So a test can tell frames written together from frames written apart, which a client
// cannot: its reads return whatever has arrived.
//
// Each accepted TCP connection is sent on Accepted, in order, which must have room for every
// connection the test makes. Writes that wait for the peer (Write, and writev through
// net.Buffers) are not counted: a test that counts keeps the socket from filling.
type CountingWrites struct {
	net.Listener
	Accepted chan *CountedConn
}

// Accept accepts the next connection and hands it to the test as well.
func (l CountingWrites) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	tc, ok := c.(*net.TCPConn)
	if err != nil || !ok {
		return c, err
	}
	cc := &CountedConn{TCPConn: tc}
	l.Accepted <- cc
	return cc, nil
}

// CountedConn is an accepted connection whose RawConn writes are counted.
type CountedConn struct {
	*net.TCPConn
	rawWrites atomic.Int64
}

// RawWrites returns how many writes went through the connection's RawConn so far.
func (c *CountedConn) RawWrites() int64 { return c.rawWrites.Load() }

// SyscallConn returns the connection's RawConn, counting its writes.
func (c *CountedConn) SyscallConn() (syscall.RawConn, error) {
	raw, err := c.TCPConn.SyscallConn()
	if err != nil {
		return nil, err
	}
	return countedRawConn{RawConn: raw, writes: &c.rawWrites}, nil
}

type countedRawConn struct {
	syscall.RawConn
	writes *atomic.Int64
}

func (r countedRawConn) Write(f func(fd uintptr) bool) error {
	r.writes.Add(1)
	return r.RawConn.Write(f)
}
