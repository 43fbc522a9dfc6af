package realtime

import "sync"

// callQueue runs one socket's handler calls one at a time, in the order they were queued, on
// a goroutine that exists only while calls are waiting (as the engine's websocket writer
// does): an idle socket holds no goroutine, and no goroutine stack, of its own. Calls run off
// the connection's reader, so a handler may wait for an ack from its own client.
type callQueue struct {
	mu       sync.Mutex
	calls    []func() // waiting, oldest first; nil while idle
	limit    int32    // most calls that may wait (an int32 so the flags share its word)
	running  bool     // a goroutine is draining calls
	finished bool     // finish was called: its call is the last one queued
}

// push queues fn without ever waiting: it is called on the connection's reader, and a reader
// blocked behind a busy handler could not read the ack that handler may be waiting for (nor
// the pongs, nor the close), a deadlock. It reports false when limit calls are already
// waiting, or after finish.
func (q *callQueue) push(fn func()) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.finished || len(q.calls) >= int(q.limit) {
		return false
	}
	q.calls = append(q.calls, fn)
	q.startLocked()
	return true
}

// finish refuses further calls and queues last, beyond the limit, to run after the calls
// already queued.
func (q *callQueue) finish(last func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.finished {
		return
	}
	q.finished = true
	q.calls = append(q.calls, last)
	q.startLocked()
}

func (q *callQueue) startLocked() {
	if !q.running {
		q.running = true
		go q.drain()
	}
}

// drain runs the queued calls and returns once nothing is waiting; the goroutine's stack,
// grown by the handlers, goes with it. After finish's call nothing is queued any more, so
// no goroutine starts again.
func (q *callQueue) drain() {
	growHandlerStack(0)
	for {
		q.mu.Lock()
		if len(q.calls) == 0 {
			q.calls = nil // an idle socket keeps no buffer
			q.running = false
			q.mu.Unlock()
			return
		}
		fn := q.calls[0]
		q.calls[0] = nil
		q.calls = q.calls[1:]
		q.mu.Unlock()
		fn()
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
