//go:build unix

package realtime

import (
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tankarena/realtime/engineio"
)

// BenchmarkBroadcastWebSocket broadcasts a 260-byte message to 500 real websocket clients in the
// same process, end to end: encoding, the sessions' queues and writers, frames and syscalls.
// The clients only count the bytes they receive, and each broadcast waits for every copy to
// arrive, so ns/msg (wall time per delivered message, both sides on the same CPUs) compares
// write paths rather than measuring the server alone; cpu-ns/msg is the CPU time both sides
// spent per delivered message, the figure to compare on a busy machine.
func BenchmarkBroadcastWebSocket(b *testing.B) {
	const clients = 500
	srv := NewServer(Options{
		Engine: engineio.Options{
			MaxConnections:      1 << 30,
			MaxConnectionsPerIP: 1 << 30,
			Logger:              slog.New(slog.NewTextHandler(io.Discard, nil)),
		},
		DisableClientScript: true,
	})
	var joined sync.WaitGroup
	srv.OnConnection(func(*Socket) { joined.Done() })
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Close()
	addr := strings.TrimPrefix(hs.URL, "http://")

	// Each broadcast sets target to the byte count at which every client has its copy; the
	// reader whose bytes reach it reports on arrived.
	var received, target atomic.Int64
	target.Store(-1)
	arrived := make(chan struct{}, 1)
	joined.Add(clients)
	conns := make([]net.Conn, 0, clients)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range clients {
		c, err := dialIdleSocket(addr)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
		go func() {
			buf := make([]byte, 4096)
			for {
				n, err := c.Read(buf)
				total := received.Add(int64(n))
				if t := target.Load(); t > 0 && total >= t && total-int64(n) < t {
					arrived <- struct{}{}
				}
				if err != nil {
					return
				}
			}
		}()
	}
	joined.Wait()
	payload := struct {
		T   int64  `json:"t"`
		Seq int64  `json:"seq"`
		Pad string `json:"pad"`
	}{T: 1764000000000000, Seq: 123456, Pad: strings.Repeat("x", 209)} // 260 bytes, as make bench
	const frame = 4 + 260 // a 260-byte text message with its extended-length frame header
	b.ReportAllocs()
	cpuBefore := processCPU()
	for b.Loop() {
		target.Store(received.Load() + clients*frame)
		if err := srv.Emit("tick", payload); err != nil {
			b.Fatal(err)
		}
		<-arrived
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*clients), "ns/msg")
	// CPU time, unlike wall time, hardly depends on what else the (shared) machine runs.
	b.ReportMetric(float64((processCPU()-cpuBefore).Nanoseconds())/float64(b.N*clients), "cpu-ns/msg")
}

// processCPU returns the user and system CPU time this process has used: server and clients.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
