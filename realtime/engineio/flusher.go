package engineio

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// flushers are the goroutines that write sessions' websocket frames. A session with
// something to send is queued on one of them (by its id's shard) rather than given a
// goroutine of its own, and the flusher writes each session in its list with one
// non-blocking write of everything the session has queued:
//
//   - a broadcast to thousands of sessions costs a list append per session and one
//     goroutine, which writes them one after another, as an event loop would;
//   - a busy flusher gets to a session later, by which time more frames may be queued for
//     it, and they all go out in that one write: a system call costs about as much for one
//     frame as for several, so the busier the server, the less each frame costs it.
//
// A flusher goroutine runs only while its list has sessions; there is one shard per P, so
// writing spreads over the cores the program may use.
type flushers struct {
	shards []flusher
	next   atomic.Uint32 // round-robin shard for the next session
}

type flusher struct {
	mu      sync.Mutex
	pending []*Session // sessions to write, each at most once (its writing flag is set)
	running bool       // a goroutine is working through pending
}

// yieldEvery is how many sessions a flusher writes before it lets other goroutines run. Its
// writes never block, so without yielding a pass over thousands of sessions would hold its P
// for many milliseconds: arena tick loops and broadcasters that became runnable meanwhile
// would wait for the scheduler's preemption (10 ms), and a ticker that waits drops ticks.
const yieldEvery = 32

func newFlushers() *flushers {
	return &flushers{shards: make([]flusher, runtime.GOMAXPROCS(0))}
}

// shardFor picks the shard of a new session.
func (fs *flushers) shardFor() uint32 {
	return fs.next.Add(1) % uint32(len(fs.shards))
}

// schedule queues s for a write; the caller has set s.writing, so s is not queued twice.
func (fs *flushers) schedule(s *Session) {
	f := &fs.shards[s.shard]
	f.mu.Lock()
	f.pending = append(f.pending, s)
	start := !f.running
	f.running = true
	f.mu.Unlock()
	if start {
		go f.run()
	}
}

// run writes the pending sessions, taking the list as it grows, and ends when it is empty.
func (f *flusher) run() {
	growStack(0)
	var batch []*Session
	for {
		f.mu.Lock()
		if len(f.pending) == 0 {
			f.running = false
			f.mu.Unlock()
			return
		}
		batch, f.pending = f.pending, batch[:0] // the two slices take turns
		f.mu.Unlock()
		for i, s := range batch {
			s.flushNow()
			batch[i] = nil
			if i%yieldEvery == yieldEvery-1 {
				runtime.Gosched()
			}
		}
	}
}
