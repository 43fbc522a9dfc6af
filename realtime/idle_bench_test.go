package realtime

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"tankarena/internal/memtest"
	"tankarena/internal/wstest"
	"tankarena/realtime/engineio"
)

// BenchmarkIdleSocketMemory opens b.N websocket connections that each join "/" and then sit
// idle, and reports the Go heap and goroutine stacks they hold per connection, engine and
// Socket.IO layers together. The clients are bare TCP connections in the same process (a
// hand-written handshake and CONNECT, no goroutine, no buffers), so the figure is the server's
// cost plus a few hundred bytes of client socket. Run with e.g.
// -bench IdleSocketMemory -benchtime 2000x.
func BenchmarkIdleSocketMemory(b *testing.B) {
	srv := NewServer(Options{
		Engine: engineio.Options{
			MaxConnections:      1 << 30,
			MaxConnectionsPerIP: 1 << 30, // every client is 127.0.0.1
			Logger:              slog.New(slog.NewTextHandler(io.Discard, nil)),
		},
		DisableClientScript: true,
	})
	var joined sync.WaitGroup
	srv.OnConnection(func(s *Socket) {
		s.On("input", func(*Event) {}) // as an application would: one handler per socket
		joined.Done()
	})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Close()
	addr := strings.TrimPrefix(hs.URL, "http://")

	before := memtest.InUse()
	b.ReportAllocs()
	joined.Add(b.N)
	wstest.OpenIdle(b, b.N, func() (net.Conn, error) { return dialIdleSocket(addr) })
	joined.Wait()
	b.StopTimer()
	if n := len(srv.main.Sockets()); n != b.N {
		b.Fatalf("%d sockets in /, want %d", n, b.N)
	}
	// Idle means parked where the engine can park connections (Linux): their reader
	// goroutines end half a second after the last message.
	memtest.WaitIdle(10*time.Second, func() bool { return runtime.NumGoroutine() <= b.N/20+50 })
	memtest.ReportPer(b, before, b.N, "conn")
	b.ReportMetric(float64(runtime.NumGoroutine())/float64(b.N), "goroutines/conn")
}

// dialIdleSocket opens a websocket by hand, reads the Engine.IO open packet, joins "/" with a
// CONNECT packet, reads the answer and returns the bare connection.
func dialIdleSocket(addr string) (net.Conn, error) {
	c, br, err := wstest.Dial(addr, "/socket.io/?EIO=4&transport=websocket")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (net.Conn, error) {
		c.Close()
		return nil, err
	}
	if _, err := wstest.ReadShortFrame(br); err != nil { // the open packet
		return fail(err)
	}
	// "40" in a masked text frame; a zero mask key leaves the payload as it is.
	if _, err := c.Write([]byte{0x81, 0x80 | 2, 0, 0, 0, 0, '4', '0'}); err != nil {
		return fail(err)
	}
	answer, err := wstest.ReadShortFrame(br)
	if err != nil {
		return fail(err)
	}
	if !strings.HasPrefix(string(answer), "40{") {
		return fail(fmt.Errorf("CONNECT answered %q", answer))
	}
	return c, nil
}
