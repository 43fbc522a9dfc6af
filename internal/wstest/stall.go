package wstest

import (
	"context"
	"net"

	"github.com/gorilla/websocket"
)

// SmallSendBuffers wraps a server's listener so that every accepted TCP connection has a
// kernel send buffer of 8 KiB: a client that stops reading stalls the server's writes after
// kilobytes instead of megabytes.
type SmallSendBuffers struct{ net.Listener }

// Accept accepts the next connection and shrinks its send buffer.
func (l SmallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(8 << 10)
	}
	return c, err
}

// StallingDialer dials websockets whose kernel receive buffer is 4 KiB, for clients that stop
// reading.
var StallingDialer = &websocket.Dialer{
	NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4 << 10)
		}
		return c, err
	},
}
