package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/realtime/client"
)

// goroutineReceiver connects every client with tankarena/realtime/client: one reader
// goroutine per connection, parked in the runtime's netpoller between messages. It works
// everywhere, and it is what the idle mode measures memory with; at thousands of clients
// and hundreds of broadcasts per second its wakeups cost more than the server it measures.
type goroutineReceiver struct {
	f      *fleet
	url    string
	dialer *websocket.Dialer

	members connections[*member]
}

// member is one client; lastSeq belongs to its reader goroutine.
type member struct {
	m       *client.Manager
	lastSeq int64
}

func newGoroutineReceiver(f *fleet, url string, readBuffer int) *goroutineReceiver {
	return &goroutineReceiver{
		f:   f,
		url: url,
		dialer: &websocket.Dialer{
			HandshakeTimeout: 30 * time.Second,
			ReadBufferSize:   readBuffer,
			WriteBufferPool:  &sync.Pool{},
		},
	}
}

func (r *goroutineReceiver) connect(ctx context.Context, timeout time.Duration) error {
	m, err := client.NewManager(r.url, client.Options{Dialer: r.dialer})
	if err != nil {
		return fmt.Errorf("loadgen: %w", err)
	}
	s, err := m.Socket("/", nil)
	if err != nil {
		m.Close()
		return fmt.Errorf("loadgen: %w", err)
	}
	mem := &member{m: m, lastSeq: -1}
	// A raw handler: the tick's arguments are never decoded or validated as JSON, which
	// would cost more than everything else the load generator does per message.
	s.OnRaw("tick", func(payload []byte, _ client.AckFunc) {
		r.f.onTick(&mem.lastSeq, payload, time.Now().UnixMicro())
	})
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		m.Close()
		return fmt.Errorf("loadgen: connect: %w", err)
	}
	s.OnDisconnect(func(string) { r.f.disconnected.Add(1) })
	r.members.add(mem)
	return nil
}

func (r *goroutineReceiver) bytesIn() uint64 { return r.members.bytesIn() }

func (r *goroutineReceiver) close() { r.members.close() }
