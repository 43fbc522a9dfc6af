package main

import (
	"context"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime"
	"tankarena/realtime/engineio"
)

// TestEpollReceiverTicksAndPings connects epoll clients to a real realtime server that pings
// every 50 ms and drops a client that has not answered within 1 s (stretched with the load,
// so that a client starved of CPU is not taken for a silent one), broadcasts ticks for three
// of those ping timeouts, and checks that every tick arrived, none was lost and no client
// was dropped: the sessions outlived dozens of ping rounds, so the pings were answered.
func TestEpollReceiverTicksAndPings(t *testing.T) {
	const pingInterval = 50 * time.Millisecond
	pingTimeout := testenv.Patience(time.Second)
	io := realtime.NewServer(realtime.Options{
		Engine: engineio.Options{
			Transports:   []string{engineio.TransportWebSocket},
			PingInterval: pingInterval,
			PingTimeout:  pingTimeout,
		},
		DisableClientScript: true,
	})
	// The server answers CONNECT before the socket joins "/"; its connection handlers run
	// once it has, so ticks are sent only after every client is in the broadcast.
	var inBroadcast atomic.Int64
	io.OnConnection(func(*realtime.Socket) { inBroadcast.Add(1) })
	srv := httptest.NewServer(io)
	t.Cleanup(func() { io.Close(); srv.Close() })

	f, err := newFleet(srv.URL, receiverEpoll, 0, stampKernel)
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(20*time.Second))
	defer cancel()
	const clients = 20
	if failed, _ := f.grow(ctx, clients, 4, testenv.Patience(30*time.Second)); failed != 0 {
		t.Fatalf("%d of %d clients failed to connect", failed, clients)
	}

	for inBroadcast.Load() < clients && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	const ticks = 60
	for seq := range ticks {
		if err := io.Emit("tick", map[string]any{"t": time.Now().UnixMicro(), "seq": seq, "pad": "xxxx"}); err != nil {
			t.Fatal(err)
		}
		// Spreads the ticks over three times the longest a silent client lasts (3 s on a
		// quiet machine: 60 ping rounds), so one that did not answer would be dropped.
		time.Sleep(3 * (pingInterval + pingTimeout) / ticks)
	}
	for f.delivered.Load() < clients*ticks && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if got := f.delivered.Load(); got != clients*ticks {
		t.Fatalf("delivered %d ticks, want %d (lost %d, malformed %d, disconnected %d)", got, clients*ticks,
			f.lost.Load(), f.malformed.Load(), f.disconnected.Load())
	}
	if f.lost.Load() != 0 || f.malformed.Load() != 0 || f.disconnected.Load() != 0 {
		t.Errorf("lost %d, malformed %d, disconnected %d; want none", f.lost.Load(), f.malformed.Load(), f.disconnected.Load())
	}
	if f.maxSeq.Load() != ticks-1 {
		t.Errorf("max seq %d, want %d", f.maxSeq.Load(), ticks-1)
	}
	if f.latencies.Load().Count() != clients*ticks {
		t.Errorf("%d latencies recorded, want %d", f.latencies.Load().Count(), clients*ticks)
	}
	if f.bytesIn() == 0 {
		t.Error("no bytes counted")
	}

	// The server ending the sessions shows up as disconnected clients.
	io.Close()
	for f.disconnected.Load() < clients && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if got := f.disconnected.Load(); got != clients {
		t.Errorf("%d clients disconnected after the server closed, want %d", got, clients)
	}
}
