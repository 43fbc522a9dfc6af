package engineio

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
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

	heapBefore, stackBefore := inUse()
	conns := make([]net.Conn, 0, b.N)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	b.ReportAllocs()
	for range b.N {
		c, err := dialIdleClient(addr)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
	}
	b.StopTimer()
	if eio.Count() != b.N {
		b.Fatalf("%d sessions open, want %d", eio.Count(), b.N)
	}
	// Idle means parked, where connections can be: wait for their readers to give up.
	for deadline := time.Now().Add(10 * time.Second); eio.parker.count() < b.N && parkingSupported && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	heapAfter, stackAfter := inUse()
	b.ReportMetric(float64(heapAfter-heapBefore+stackAfter-stackBefore)/float64(b.N), "bytes/idle-conn")
	b.ReportMetric(float64(stackAfter-stackBefore)/float64(b.N), "stack-bytes/idle-conn")
}

// inUse returns the heap and goroutine stack memory in use after a full collection.
func inUse() (heap, stack int64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse), int64(m.StackInuse)
}

// dialIdleClient performs a websocket handshake by hand, reads the open packet and returns
// the bare connection.
func dialIdleClient(addr string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	_, err = io.WriteString(c, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: "+addr+
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	if err != nil {
		c.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(c, 512)
	resp, err := http.ReadResponse(br, nil)
	if err == nil && resp.StatusCode != http.StatusSwitchingProtocols {
		err = fmt.Errorf("websocket handshake answered %s", resp.Status)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	header := make([]byte, 2) // FIN+opcode, then the (short, unmasked) payload length
	if _, err := io.ReadFull(br, header); err != nil {
		c.Close()
		return nil, err
	}
	if _, err := io.ReadFull(br, make([]byte, header[1]&0x7f)); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
