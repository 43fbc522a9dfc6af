package engineio

import (
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tankarena/internal/memtest"
	"tankarena/internal/wstest"
)

// BenchmarkIdleWebSocketMemory opens b.N websocket sessions that then sit idle, and reports
// the Go heap and stack they hold per connection. The clients are bare TCP connections in
// the same process (a hand-written handshake, no goroutine, no buffers), so the figure is
// the server's cost plus a few hundred bytes of client socket. It is measured once the
// connections are parked (Linux), as idle ones are half a second after their last message.
// Run with e.g.
// -bench IdleWebSocketMemory -benchtime 2000x.
func BenchmarkIdleWebSocketMemory(b *testing.B) {
	eio := NewServer(Options{
		MaxConnections:      1 << 30,
		MaxConnectionsPerIP: 1 << 30, // every client is 127.0.0.1
		Logger:              slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	srv := httptest.NewServer(eio)
	defer srv.Close()
	defer eio.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	before := memtest.InUse()
	b.ReportAllocs()
	wstest.OpenIdle(b, b.N, func() (net.Conn, error) { return dialIdleClient(addr) })
	b.StopTimer()
	if eio.Count() != b.N {
		b.Fatalf("%d sessions open, want %d", eio.Count(), b.N)
	}
	// Idle means parked, where connections can be: wait for their readers to give up.
	memtest.WaitIdle(10*time.Second, func() bool { return !parkingSupported || eio.parker.count() >= b.N })
	memtest.ReportPer(b, before, b.N, "idle-conn")
}

// dialIdleClient opens a websocket by hand, reads the open packet and returns the bare
// connection.
func dialIdleClient(addr string) (net.Conn, error) {
	c, br, err := wstest.Dial(addr, "/socket.io/?EIO=4&transport=websocket")
	if err != nil {
		return nil, err
	}
	if _, err := wstest.ReadShortFrame(br); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
