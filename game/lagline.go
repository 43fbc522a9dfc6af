package game

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// lagLine is one connection's simulated network (see LagProfile): a stream each way, and the
// bound on the messages both hold together (maxLagHeld), whatever the profile and however
// fast the client sends.
type lagLine struct {
	profile LagProfile
	up      lagStream // inputs, resyncs and pings from the player
	down    lagStream // snapshots, roster and ping answers to it
	held    atomic.Int32
	metrics *Metrics
}

// lagStream is one direction of a line: the messages it holds, in the order they were sent,
// and one timer armed for the first of them. Messages are delivered by that timer's chain, one
// after another, never by a goroutine of their own, so neither the tick nor the connection's
// reader ever waits for the simulator.
type lagStream struct {
	line  *lagLine
	clock lagClock

	mu      sync.Mutex
	rng     *rand.Rand
	queue   lagQueue
	last    time.Time // when the message sent last arrives: no later one arrives before it
	timer   lagTimer  // created on first use, re-armed for the head of the queue
	running bool      // the timer is armed, or its chain is delivering
	closed  bool
}

// newLagLine returns a connection's simulated network, timed by clock and drawing its delays
// and losses from seed. An inactive profile needs neither.
func newLagLine(p LagProfile, m *Metrics, clock lagClock, seed uint64) *lagLine {
	l := &lagLine{profile: p, metrics: m}
	l.up.line, l.down.line = l, l
	if p.Active() {
		l.up.clock, l.up.rng = clock, rand.New(rand.NewPCG(seed, 1))
		l.down.clock, l.down.rng = clock, rand.New(rand.NewPCG(seed, 2))
	}
	return l
}

// active reports whether the line changes anything.
func (l *lagLine) active() bool { return l.profile.Active() }

// close ends the line with its connection: held messages are forgotten and the timers
// stopped; later messages are refused.
func (l *lagLine) close() {
	if l.active() {
		l.up.close()
		l.down.close()
	}
}

// deliver runs fn when the message arrives (see LagProfile): on the caller's goroutine if it
// arrives at once (always with an inactive profile), later on the stream's timer. It reports
// false for a message it drops: one past maxLagHeld (counted), or sent after close.
func (s *lagStream) deliver(fn func()) bool {
	l := s.line
	if !l.active() {
		fn()
		return true
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	now := s.clock.Now()
	at := now.Add(l.profile.transit(s.rng))
	if at.Before(s.last) {
		at = s.last // TCP keeps the order: a message never overtakes the one sent before
	}
	if s.queue.len() == 0 && !s.running && !at.After(now) {
		s.last = at
		s.mu.Unlock()
		fn()
		return true
	}
	if l.held.Add(1) > maxLagHeld {
		l.held.Add(-1)
		s.mu.Unlock()
		l.metrics.lagOverflow.Add(1)
		return false
	}
	s.last = at
	s.queue.push(lagMessage{at: at, fn: fn})
	if !s.running {
		s.running = true
		s.arm(at.Sub(now))
	}
	s.mu.Unlock()
	return true
}

// fire is the timer's: it delivers every message due, in order, then re-arms the timer for
// the next one, if any. Only one fire runs at a time: the timer is armed again only here, or
// by deliver while no chain runs.
func (s *lagStream) fire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.closed {
		m, ok := s.queue.peek()
		if !ok {
			s.running = false
			return
		}
		if wait := m.at.Sub(s.clock.Now()); wait > 0 {
			s.arm(wait)
			return
		}
		s.queue.pop()
		s.line.held.Add(-1)
		s.mu.Unlock()
		m.fn()
		s.mu.Lock()
	}
}

// arm starts the timer for wait. The caller holds mu.
func (s *lagStream) arm(wait time.Duration) {
	if s.timer == nil {
		s.timer = s.clock.AfterFunc(wait, s.fire)
		return
	}
	s.timer.Reset(wait)
}

func (s *lagStream) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
	s.line.held.Add(-int32(s.queue.len()))
	s.queue = lagQueue{}
}

// lagMessage is a held message: when it arrives, and what delivers it.
type lagMessage struct {
	at time.Time
	fn func()
}

// lagQueue is a FIFO ring of held messages that grows by doubling (to maxLagHeld at most, by
// the line's bound) and is reused: a stream in steady state allocates nothing per message.
type lagQueue struct {
	buf     []lagMessage
	head, n int
}

func (q *lagQueue) len() int { return q.n }

func (q *lagQueue) push(m lagMessage) {
	if q.n == len(q.buf) {
		grown := make([]lagMessage, max(8, 2*len(q.buf)))
		for i := range q.n {
			grown[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = grown, 0
	}
	q.buf[(q.head+q.n)%len(q.buf)] = m
	q.n++
}

func (q *lagQueue) peek() (lagMessage, bool) {
	if q.n == 0 {
		return lagMessage{}, false
	}
	return q.buf[q.head], true
}

func (q *lagQueue) pop() {
	q.buf[q.head] = lagMessage{} // let the message's payload go
	q.head = (q.head + 1) % len(q.buf)
	q.n--
}

// lagClock is the time a line reads and waits on: the real one (realClock), or a test's.
type lagClock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) lagTimer
}

// lagTimer is a timer of a lagClock (*time.Timer for the real one).
type lagTimer interface {
	Reset(d time.Duration) bool
	Stop() bool
}

type realClock struct{}

func (realClock) Now() time.Time                               { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) lagTimer { return time.AfterFunc(d, f) }
