package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/bench/latency"
	"tankarena/realtime/client"
)

// fleet is the set of connected clients and the counters their handlers feed. Every
// handler runs on its client's reader goroutine and touches only atomics and its own state.
type fleet struct {
	url    string
	dialer *websocket.Dialer

	mu      sync.Mutex
	members []*member

	delivered    atomic.Uint64
	lost         atomic.Uint64
	malformed    atomic.Uint64
	disconnected atomic.Int64
	maxSeq       atomic.Int64
	latencies    atomic.Pointer[latency.Histogram]
}

// member is one client; lastSeq belongs to its reader goroutine.
type member struct {
	m       *client.Manager
	lastSeq int64
}

func newFleet(url string, readBuffer int) *fleet {
	f := &fleet{
		url: url,
		dialer: &websocket.Dialer{
			HandshakeTimeout: 30 * time.Second,
			ReadBufferSize:   readBuffer,
			WriteBufferPool:  &sync.Pool{},
		},
	}
	f.maxSeq.Store(-1)
	f.latencies.Store(new(latency.Histogram))
	return f
}

func (f *fleet) size() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.members)
}

// connected counts clients that have not been disconnected.
func (f *fleet) connected() int { return f.size() - int(f.disconnected.Load()) }

// grow connects clients until the fleet has n, at most concurrency handshakes at a time.
// It returns how many attempts failed and how long the new clients took.
func (f *fleet) grow(ctx context.Context, n, concurrency int, timeout time.Duration) (failed int, took time.Duration) {
	need := n - f.size()
	if need <= 0 {
		return 0, 0
	}
	start := time.Now()
	var failures atomic.Int64
	work := make(chan struct{}, need)
	for range need {
		work <- struct{}{}
	}
	close(work)
	var wg sync.WaitGroup
	for range min(concurrency, need) {
		wg.Go(func() {
			for range work {
				if ctx.Err() != nil {
					failures.Add(1)
					continue
				}
				if err := f.connectOne(ctx, timeout); err != nil {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return int(failures.Load()), time.Since(start)
}

func (f *fleet) connectOne(ctx context.Context, timeout time.Duration) error {
	m, err := client.NewManager(f.url, client.Options{Dialer: f.dialer})
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
	s.OnRaw("tick", func(payload []byte, _ client.AckFunc) { f.onTick(mem, payload) })
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		m.Close()
		return fmt.Errorf("loadgen: connect: %w", err)
	}
	s.OnDisconnect(func(string) { f.disconnected.Add(1) })
	f.mu.Lock()
	f.members = append(f.members, mem)
	f.mu.Unlock()
	return nil
}

// onTick counts one tick; payload is the event as sent, `["tick",{"t":…,"seq":…,"pad":"…"}]`.
func (f *fleet) onTick(mem *member, payload []byte) {
	now := time.Now().UnixMicro()
	t, seq, ok := parseTick(payload)
	if !ok {
		f.malformed.Add(1)
		return
	}
	f.latencies.Load().Record(time.Duration(now-t) * time.Microsecond)
	f.delivered.Add(1)
	if mem.lastSeq >= 0 && seq > mem.lastSeq+1 {
		f.lost.Add(uint64(seq - mem.lastSeq - 1))
	}
	if seq > mem.lastSeq {
		mem.lastSeq = seq
	}
	for {
		m := f.maxSeq.Load()
		if seq <= m || f.maxSeq.CompareAndSwap(m, seq) {
			break
		}
	}
}

// bytesIn sums the payload bytes every client has received so far.
func (f *fleet) bytesIn() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var total uint64
	for _, mem := range f.members {
		total += mem.m.Stats().BytesIn
	}
	return total
}

// close disconnects every client.
func (f *fleet) close() {
	f.mu.Lock()
	members := f.members
	f.members = nil
	f.mu.Unlock()
	for _, mem := range members {
		mem.m.Close()
	}
}
