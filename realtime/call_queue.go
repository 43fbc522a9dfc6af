package realtime

import "sync"

// callQueue runs one socket's handler calls one at a time, in the order they were queued, on
// a goroutine that exists only while calls are waiting (as the engine's websocket writer
// does): an idle socket holds no goroutine, and no goroutine stack, of its own. Calls run off
// the connection's reader, so a handler may wait for an ack from its own client.
type callQueue struct {
	mu       sync.Mutex
	calls    []func() // waiting, oldest first; nil while idle
	limit    int      // most calls that may wait
	running  bool     // a goroutine is draining calls
	last     func()   // set by finish: runs once every call queued before it has run
	finished bool     // finish was called; nothing more is queued
}

// push queues fn without ever waiting: it is called on the connection's reader, and a reader
// blocked behind a busy handler could not read the ack that handler may be waiting for (nor
// the pongs, nor the close), a deadlock. It reports false when limit calls are already
// waiting, or after finish.
func (q *callQueue) push(fn func()) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.finished || len(q.calls) >= q.limit {
		return false
	}
	q.calls = append(q.calls, fn)
	q.startLocked()
	return true
}

// finish refuses further calls and has last run after the calls already queued.
func (q *callQueue) finish(last func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.finished {
		return
	}
	q.finished, q.last = true, last
	q.startLocked()
}

func (q *callQueue) startLocked() {
	if !q.running {
		q.running = true
		go q.drain()
	}
}

// drain runs the queued calls, then last if finish was called, and returns once nothing is
// waiting; the goroutine's stack, grown by the handlers, goes with it.
func (q *callQueue) drain() {
	growHandlerStack(0)
	for {
		q.mu.Lock()
		if len(q.calls) > 0 {
			fn := q.calls[0]
			q.calls[0] = nil
			q.calls = q.calls[1:]
			q.mu.Unlock()
			fn()
			continue
		}
		q.calls = nil // an idle socket keeps no buffer
		last := q.last
		q.last = nil
		q.running = last != nil // after last, nothing starts another goroutine
		q.mu.Unlock()
		if last != nil {
			last()
		}
		return
	}
}

// growHandlerStack grows a new drain goroutine's stack in one step while it is still nearly
// empty. The goroutine starts at 2 KB and handlers (JSON decoding, the application's code) need
// more; growing on demand doubles the stack, copying every frame under the handler each time.
// A drain starts once per burst of calls, so once per event for a client sending a steady
// stream of them. The array is indexed with an argument so it cannot be optimized out.
//
//go:noinline
func growHandlerStack(i int) byte {
	var room [6144]byte
	room[i] = 1
	return room[i/2]
}
