package redisadapter

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime"
	"tankarena/realtime/client"
)

// BenchmarkBroadcastLatency measures how long a room broadcast takes from Emit on one node to
// a client of another node (cross-node: through Redis), against the same broadcast to a client
// of the emitting node (local, which also publishes it), and to a client of a server without
// Redis (memory), in one run. One broadcast is in flight at a time; reported are
// the p50 and p99 of the delivery time in microseconds.
func BenchmarkBroadcastLatency(b *testing.B) {
	redis := testenv.Redis(b)
	for _, mode := range []string{"memory", "local", "cross-node"} {
		b.Run(mode, func(b *testing.B) {
			var ns *realtime.Namespace
			var url string
			switch mode {
			case "memory":
				ns, url = memoryServer(b)
			case "local":
				n := startNode(b, redis.URL())
				ns, url = n.ns, n.url
			case "cross-node":
				n1, n2 := startNode(b, redis.URL()), startNode(b, redis.URL())
				waitServers(b, 2, n1, n2)
				ns, url = n1.ns, n2.url
			}
			got := make(chan time.Time, 1)
			listen(b, url, got)
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				ns.To("bench").Emit("tick", 1, "a payload of a few bytes")
				lat = append(lat, (<-got).Sub(start))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// memoryServer is a server on the default in-memory adapter whose clients join room "bench".
func memoryServer(b *testing.B) (*realtime.Namespace, string) {
	srv := realtime.NewServer(realtime.Options{})
	srv.OnConnection(func(s *realtime.Socket) {
		s.Join("bench")
		s.On("ready", func(ev *realtime.Event) { ev.Ack(s.ID()) })
	})
	hs := httptest.NewServer(srv)
	b.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return srv.Of("/"), hs.URL
}

// listen connects a client to room "bench" that reports when each "tick" arrives.
func listen(b *testing.B, url string, got chan<- time.Time) {
	b.Helper()
	m, err := client.NewManager(url, client.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(m.Close)
	s, err := m.Socket("/", map[string]any{"rooms": []string{"bench"}})
	if err != nil {
		b.Fatal(err)
	}
	s.On("tick", func(*client.Event) { got <- time.Now() })
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(10*time.Second))
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := s.EmitWithAck(ctx, "ready"); err != nil {
		b.Fatal(err)
	}
}
