package client_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"tankarena/realtime/client"
)

// BenchmarkIdleConnectionMemory opens conns connected clients to the official
// server (its memory is another process's) and reports the Go heap and stack
// they hold while idle, per connection.
func BenchmarkIdleConnectionMemory(b *testing.B) {
	baseURL := startNodeServer(b, "PING_INTERVAL=25000")
	const conns = 200
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var perConn float64
	for b.Loop() {
		before := inUse()
		managers := make([]*client.Manager, 0, conns)
		for range conns {
			m, err := client.NewManager(baseURL, client.Options{})
			if err != nil {
				b.Fatal(err)
			}
			managers = append(managers, m)
			s, err := m.Socket("/", nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := s.Connect(ctx); err != nil {
				b.Fatal(err)
			}
		}
		perConn = float64(inUse()-before) / conns
		for _, m := range managers {
			m.Close()
		}
	}
	b.ReportMetric(perConn, "bytes/conn")
}

// inUse returns live heap plus goroutine stacks after a collection.
func inUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc + ms.StackInuse)
}

// BenchmarkEchoRoundTrip measures one EmitWithAck round trip over loopback
// to the official server and to tankarena/realtime (in this process).
func BenchmarkEchoRoundTrip(b *testing.B) {
	for _, server := range []struct {
		name  string
		start func(testing.TB) string
	}{
		{"node", func(tb testing.TB) string { return startNodeServer(tb) }},
		{"go", startGoServer},
	} {
		b.Run(server.name, func(b *testing.B) {
			m, err := client.NewManager(server.start(b), client.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			s, err := m.Socket("/", nil)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if err := s.Connect(ctx); err != nil {
				b.Fatal(err)
			}
			payload := map[string]any{"x": 1.5, "y": 2, "angle": 90}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.EmitWithAck(ctx, "echo", payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
