package realtime

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
	"sync"
	"testing"
	"time"

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

	heapBefore, stackBefore := heapAndStackInUse()
	conns := make([]net.Conn, 0, b.N)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	b.ReportAllocs()
	joined.Add(b.N)
	for range b.N {
		c, err := dialIdleSocket(addr)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
	}
	joined.Wait()
	b.StopTimer()
	if n := len(srv.main.Sockets()); n != b.N {
		b.Fatalf("%d sockets in /, want %d", n, b.N)
	}
	// Idle means parked where the engine can park connections (Linux): their reader
	// goroutines end half a second after the last message.
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > b.N/20+50 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	heapAfter, stackAfter := heapAndStackInUse()
	b.ReportMetric(float64(heapAfter-heapBefore+stackAfter-stackBefore)/float64(b.N), "bytes/conn")
	b.ReportMetric(float64(stackAfter-stackBefore)/float64(b.N), "stack-bytes/conn")
	b.ReportMetric(float64(runtime.NumGoroutine())/float64(b.N), "goroutines/conn")
}

// heapAndStackInUse returns the heap and goroutine stack memory in use after full
// collections; the second one lets stacks shrink that the first found mostly unused.
func heapAndStackInUse() (heap, stack int64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse), int64(m.StackInuse)
}

// dialIdleSocket opens a websocket by hand, reads the Engine.IO open packet, joins "/" with a
// CONNECT packet, reads the answer and returns the bare connection.
func dialIdleSocket(addr string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (net.Conn, error) {
		c.Close()
		return nil, err
	}
	_, err = io.WriteString(c, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: "+addr+
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	if err != nil {
		return fail(err)
	}
	br := bufio.NewReaderSize(c, 512)
	resp, err := http.ReadResponse(br, nil)
	if err == nil && resp.StatusCode != http.StatusSwitchingProtocols {
		err = fmt.Errorf("websocket handshake answered %s", resp.Status)
	}
	if err != nil {
		return fail(err)
	}
	if _, err := readShortFrame(br); err != nil { // the open packet
		return fail(err)
	}
	// "40" in a masked text frame; a zero mask key leaves the payload as it is.
	if _, err := c.Write([]byte{0x81, 0x80 | 2, 0, 0, 0, 0, '4', '0'}); err != nil {
		return fail(err)
	}
	answer, err := readShortFrame(br)
	if err != nil {
		return fail(err)
	}
	if !strings.HasPrefix(string(answer), "40{") {
		return fail(fmt.Errorf("CONNECT answered %q", answer))
	}
	return c, nil
}

// readShortFrame reads one unmasked server frame of less than 126 bytes and returns its payload.
func readShortFrame(br *bufio.Reader) ([]byte, error) {
	header := make([]byte, 2) // FIN+opcode, then the payload length
	if _, err := io.ReadFull(br, header); err != nil {
		return nil, err
	}
	payload := make([]byte, header[1]&0x7f)
	if _, err := io.ReadFull(br, payload); err != nil {
		return nil, err
	}
	return payload, nil
}
