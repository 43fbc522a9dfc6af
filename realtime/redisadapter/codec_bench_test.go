package redisadapter

import (
	"context"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime"
	"tankarena/realtime/parser"
)

// benchPackets are the broadcasts the codec benchmarks carry: a 260-byte JSON event like
// make bench's fan-out "tick", and a game-like event with a 300-byte binary attachment.
func benchPackets(b *testing.B) map[string]*parser.Packet {
	b.Helper()
	out := map[string]*parser.Packet{}
	for name, args := range map[string][]any{
		"json-260B":   {"tick", map[string]any{"t": 1764000000000000, "seq": 123456, "pad": strings.Repeat("x", 209)}},
		"binary-300B": {"snapshot", 42, make([]byte, 300)},
	} {
		data, atts, err := parser.MarshalArgs(args...)
		if err != nil {
			b.Fatal(err)
		}
		out[name] = &parser.Packet{Type: parser.Event, Namespace: "/", Data: data, Attachments: atts}
	}
	return out
}

// BenchmarkBroadcastEncode is what the publisher does for each broadcast before it goes to
// Redis: the packet to the reference's tree, then MessagePack [uid, packet, opts]. It runs on
// the publisher goroutine, never the broadcaster's. Reported: the message's size on the wire.
func BenchmarkBroadcastEncode(b *testing.B) {
	opts := remoteOpts{Rooms: []string{"arena-1"}, Except: []string{"s1"}, Volatile: true}
	for name, pkt := range benchPackets(b) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				tree, err := packetTree(pkt, "/")
				if err != nil {
					b.Fatal(err)
				}
				msg, err := encodeBroadcast("node-a", tree, opts)
				if err != nil {
					b.Fatal(err)
				}
				size = len(msg)
			}
			b.SetBytes(int64(size))
			b.ReportMetric(float64(size), "wire-B/msg")
		})
	}
}

// BenchmarkBroadcastDecode is what a receiving node does with each broadcast of another node
// before delivering it to its sockets (other), and with its own, which its pattern
// subscription hears too and skips after the uid (own).
func BenchmarkBroadcastDecode(b *testing.B) {
	opts := remoteOpts{Rooms: []string{"arena-1"}, Except: []string{"s1"}, Volatile: true}
	for name, pkt := range benchPackets(b) {
		tree, err := packetTree(pkt, "/")
		if err != nil {
			b.Fatal(err)
		}
		msg, err := encodeBroadcast("node-a", tree, opts)
		if err != nil {
			b.Fatal(err)
		}
		for _, whose := range []string{"other", "own"} {
			self := map[string]string{"other": "node-b", "own": "node-a"}[whose]
			b.Run(name+"/"+whose, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(msg)))
				for b.Loop() {
					if _, err := decodeBroadcast(msg, self); err != nil && err != errOwn {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkBroadcastThroughput sends broadcasts from one node to another through a real
// redis-server, as fast as the publisher takes them: each op is one broadcast enqueued on node
// A, and the clock stops when node B has decoded them all (delivered to no socket, so only the
// adapter's path is measured). The allocations are both nodes'. Reported: broadcasts a second
// end to end, and how many the publish queue dropped (0 when the pacing below works).
func BenchmarkBroadcastThroughput(b *testing.B) {
	redis := testenv.Redis(b)
	pkt := benchPackets(b)["json-260B"]
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(10*time.Second))
	defer cancel()
	nodes := make([]*Node, 2)
	adapters := make([]*Adapter, 2)
	for i := range nodes {
		n, err := New(ctx, Options{URL: redis.URL(), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { n.Close() })
		nodes[i], adapters[i] = n, n.NewAdapter(fakeLocal{}).(*Adapter)
	}
	a, recv := nodes[0], nodes[1]
	for {
		count, err := a.ServerCount(ctx, "/")
		if err != nil {
			b.Fatal(err)
		}
		if count == 2 {
			break
		}
		if ctx.Err() != nil {
			b.Fatal("the second node never subscribed")
		}
		runtime.Gosched() // polling a condition, with a deadline
	}
	b.ReportAllocs()
	before, dropped := recv.Stats().Received, a.Stats().Dropped
	b.ResetTimer()
	start := time.Now()
	// b.N rather than b.Loop: the wait for node B below belongs in the time and allocations.
	for range b.N {
		// Keep the queue under half full, so the publisher, not the queue bound, sets the pace.
		for len(a.out) > cap(a.out)/2 {
			runtime.Gosched()
		}
		adapters[0].Broadcast(pkt, realtime.BroadcastOptions{})
	}
	lost := a.Stats().Dropped - dropped
	want := before + uint64(b.N) - lost
	deadline := time.Now().Add(testenv.Patience(30 * time.Second))
	for recv.Stats().Received < want {
		if time.Now().After(deadline) {
			b.Fatalf("node B decoded %d of %d broadcasts", recv.Stats().Received-before, uint64(b.N)-lost)
		}
		runtime.Gosched() // polling a condition, with a deadline
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "broadcasts/s")
	b.ReportMetric(float64(lost), "dropped")
}
