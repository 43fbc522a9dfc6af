package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"tankarena/bench/latency"
)

// fleet is the set of connected clients and the counters their ticks feed. A receiver
// connects and reads the clients; whatever goroutine it reads a client on touches only
// atomics and that client's own state.
type fleet struct {
	rx receiver

	mu   sync.Mutex
	size int // clients connected so far, disconnected ones included

	delivered    atomic.Uint64
	lost         atomic.Uint64
	malformed    atomic.Uint64
	disconnected atomic.Int64
	maxSeq       atomic.Int64
	latencies    atomic.Pointer[latency.Histogram]
}

// A receiver connects fan-out clients and reads them, feeding their ticks to the fleet
// (fleet.onTick) and their losses of connection to fleet.disconnected.
type receiver interface {
	// connect adds one client, connected to namespace "/".
	connect(ctx context.Context, timeout time.Duration) error
	// bytesIn sums the websocket data bytes every client has received so far.
	bytesIn() uint64
	// close disconnects every client.
	close()
}

// Receiver kinds, the -receiver flag's values.
const (
	receiverGoroutines = "goroutines"
	receiverEpoll      = "epoll"
)

// Receive stamps, the -stamp flag's values.
const (
	stampKernel = "kernel"
	stampRead   = "read"
)

// newFleet makes an empty fleet whose clients connect to url through the receiver kind;
// stamp says how the epoll receiver times arrivals.
func newFleet(url, kind string, readBuffer int, stamp string) (*fleet, error) {
	f := &fleet{}
	f.maxSeq.Store(-1)
	f.latencies.Store(new(latency.Histogram))
	rx, err := newReceiver(kind, f, url, readBuffer, stamp)
	if err != nil {
		return nil, err
	}
	f.rx = rx
	return f, nil
}

func (f *fleet) clients() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.size
}

// connected counts clients that have not been disconnected.
func (f *fleet) connected() int { return f.clients() - int(f.disconnected.Load()) }

// grow connects clients until the fleet has n, at most concurrency handshakes at a time.
// It returns how many attempts failed and how long the new clients took.
func (f *fleet) grow(ctx context.Context, n, concurrency int, timeout time.Duration) (failed int, took time.Duration) {
	need := n - f.clients()
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
				if err := f.rx.connect(ctx, timeout); err != nil {
					failures.Add(1)
					continue
				}
				f.mu.Lock()
				f.size++
				f.mu.Unlock()
			}
		})
	}
	wg.Wait()
	return int(failures.Load()), time.Since(start)
}

// onTick counts one tick received at now (Unix µs) by the client whose highest sequence
// number so far is *lastSeq; payload is the event as sent, `["tick",{"t":…,"seq":…,"pad":"…"}]`.
func (f *fleet) onTick(lastSeq *int64, payload []byte, now int64) {
	t, seq, ok := parseTick(payload)
	if !ok {
		f.malformed.Add(1)
		return
	}
	f.latencies.Load().Record(time.Duration(now-t) * time.Microsecond)
	f.delivered.Add(1)
	if *lastSeq >= 0 && seq > *lastSeq+1 {
		f.lost.Add(uint64(seq - *lastSeq - 1))
	}
	if seq > *lastSeq {
		*lastSeq = seq
	}
	for {
		m := f.maxSeq.Load()
		if seq <= m || f.maxSeq.CompareAndSwap(m, seq) {
			break
		}
	}
}

func (f *fleet) bytesIn() uint64 { return f.rx.bytesIn() }

// close disconnects every client.
func (f *fleet) close() { f.rx.close() }
