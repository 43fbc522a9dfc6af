package game

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// fakeClock is a lagClock that moves only when the test advances it, running the timers that
// come due on the test's goroutine, in order: the simulator's timing without waiting for it.
type fakeClock struct {
	mu     sync.Mutex
	start  time.Time
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c     *fakeClock
	at    time.Time
	f     func()
	armed bool
}

func newFakeClock() *fakeClock {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return &fakeClock{start: start, now: start}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// since is the time passed since the clock was made.
func (c *fakeClock) since() time.Duration { return c.Now().Sub(c.start) }

func (c *fakeClock) AfterFunc(d time.Duration, f func()) lagTimer {
	t := &fakeTimer{c: c, f: f}
	c.mu.Lock()
	c.timers = append(c.timers, t)
	c.mu.Unlock()
	t.Reset(d)
	return t
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.armed
	t.at, t.armed = t.c.now.Add(d), true
	return was
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.armed
	t.armed = false
	return was
}

// advance moves the clock d forward, stopping at each timer that comes due to run it.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		var next *fakeTimer
		for _, t := range c.timers {
			if t.armed && !t.at.After(end) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			c.now = end
			c.mu.Unlock()
			return
		}
		if next.at.After(c.now) {
			c.now = next.at
		}
		next.armed = false
		c.mu.Unlock()
		next.f()
		c.mu.Lock()
	}
}

// armed counts the timers still set.
func (c *fakeClock) armed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if t.armed {
			n++
		}
	}
	return n
}

// arrival is one delivered message: which, when sent and when delivered.
type arrival struct {
	i        int
	sent, at time.Duration
}

// recorder sends numbered messages on a stream and keeps their arrivals.
type recorder struct {
	clock *fakeClock
	got   []arrival
	sent  int
}

func (r *recorder) send(s *lagStream) bool {
	i, sent := r.sent, r.clock.since()
	r.sent++
	return s.deliver(func() { r.got = append(r.got, arrival{i, sent, r.clock.since()}) })
}

// inOrder fails unless every message sent arrived, in the order sent.
func (r *recorder) inOrder(t *testing.T) {
	t.Helper()
	if len(r.got) != r.sent {
		t.Fatalf("%d of %d messages arrived", len(r.got), r.sent)
	}
	for k, a := range r.got {
		if a.i != k {
			t.Fatalf("message %d arrived as the %d-th", a.i, k)
		}
	}
}

// scriptedLoss is a random source under which the messages listed are lost, and no others: it
// answers the one draw a message without jitter takes.
type scriptedLoss struct {
	lose  map[int]bool
	draws int
}

func (s *scriptedLoss) Uint64() uint64 {
	s.draws++
	if s.lose[s.draws-1] {
		return 0 // Float64 0: below any loss
	}
	return ^uint64(0) // Float64 just under 1: above any loss below 1
}

// TestLagStreamKeepsOrderUnderJitter: with jitter as large as the lag, messages sent every 5 ms
// would overtake each other; they arrive bunched instead, in order, none later than its own
// lag plus jitter.
func TestLagStreamKeepsOrderUnderJitter(t *testing.T) {
	clock := newFakeClock()
	p := LagProfile{Lag: 50 * time.Millisecond, Jitter: 50 * time.Millisecond}
	line := newLagLine(p, testMetrics(), clock, 7)
	r := &recorder{clock: clock}
	for range 200 {
		if !r.send(&line.down) {
			t.Fatal("a message was dropped")
		}
		clock.advance(5 * time.Millisecond)
	}
	clock.advance(time.Second)
	r.inOrder(t)
	bunched, varied := 0, 0
	for k, a := range r.got {
		if a.at < a.sent || a.at > a.sent+p.Lag+p.Jitter {
			t.Fatalf("message %d sent at %v arrived at %v", a.i, a.sent, a.at)
		}
		if a.at != a.sent+p.Lag {
			varied++
		}
		if k > 0 && a.at == r.got[k-1].at {
			bunched++ // held behind the one before, which drew a longer delay
		}
	}
	if varied < 150 || bunched < 20 {
		t.Fatalf("of 200 messages %d had their delay varied and %d waited for the one before", varied, bunched)
	}
	if line.held.Load() != 0 || clock.armed() != 0 {
		t.Fatalf("all delivered, yet %d held and %d timers armed", line.held.Load(), clock.armed())
	}
}

// TestLagStreamLossStallsLaterMessagesThenDeliversInOrder: a lost message arrives a
// retransmission timeout late, every later message of its direction waits for it and then
// all arrive in order; the other direction does not wait, and the stall ends with it.
func TestLagStreamLossStallsLaterMessagesThenDeliversInOrder(t *testing.T) {
	clock := newFakeClock()
	p := LagProfile{Lag: 100 * time.Millisecond, Loss: 0.5}
	line := newLagLine(p, testMetrics(), clock, 1)
	line.down.rng = rand.New(&scriptedLoss{lose: map[int]bool{1: true}})
	line.up.rng = rand.New(&scriptedLoss{})
	rto := p.RetransmissionTimeout()
	if rto != 400*time.Millisecond {
		t.Fatalf("RTO %v at lag 100 ms, want 2 × 100 ms + TCP's minimum 200 ms", rto)
	}
	down, up := &recorder{clock: clock}, &recorder{clock: clock}
	for range 6 { // sent at 0, 10 (lost), 20 ... 50 ms
		down.send(&line.down)
		clock.advance(10 * time.Millisecond)
	}
	up.send(&line.up) // at 60 ms
	stalled := 10*time.Millisecond + rto + p.Lag
	clock.advance(stalled - clock.since() - time.Millisecond)
	if len(down.got) != 1 || len(up.got) != 1 {
		t.Fatalf("before the retransmission arrived: %d messages down (want the one before the loss), %d up (want 1)", len(down.got), len(up.got))
	}
	clock.advance(time.Millisecond)
	down.inOrder(t)
	for _, a := range down.got[1:] {
		if a.at != stalled || a.at-a.sent < rto-50*time.Millisecond {
			t.Fatalf("message %d sent at %v arrived at %v, want with the retransmission at %v", a.i, a.sent, a.at, stalled)
		}
	}
	clock.advance(time.Second)
	down.send(&line.down) // the stall is over: the next message takes its lag alone
	clock.advance(time.Second)
	down.inOrder(t)
	if last := down.got[len(down.got)-1]; last.at-last.sent != p.Lag {
		t.Fatalf("after the stall a message took %v, want %v", last.at-last.sent, p.Lag)
	}
}

func TestRetransmissionTimeoutIsLinuxsForTheProfile(t *testing.T) {
	for _, c := range []struct {
		p    LagProfile
		want time.Duration
	}{
		{LagProfile{Loss: 0.1}, 200 * time.Millisecond},
		{LagProfile{Lag: 150 * time.Millisecond}, 500 * time.Millisecond},
		{LagProfile{Lag: 100 * time.Millisecond, Jitter: 20 * time.Millisecond}, 400 * time.Millisecond},
		{LagProfile{Lag: 100 * time.Millisecond, Jitter: 300 * time.Millisecond}, 1000 * time.Millisecond},
	} {
		if got := c.p.RetransmissionTimeout(); got != c.want {
			t.Errorf("%v: RTO %v, want %v", c.p, got, c.want)
		}
	}
}

// TestLagLineHoldsABoundedNumberOfMessages: however fast a client sends and however long its
// chosen delay, the simulator holds maxLagHeld messages for its connection, both directions
// together; the rest are dropped and counted, and the held ones still arrive in order.
func TestLagLineHoldsABoundedNumberOfMessages(t *testing.T) {
	clock := newFakeClock()
	m := testMetrics()
	line := newLagLine(LagProfile{Lag: time.Hour}, m, clock, 1)
	up, down := &recorder{clock: clock}, &recorder{clock: clock}
	for range 300 {
		up.send(&line.up)
	}
	dropped := 0
	for range maxLagHeld - 300 + 100 {
		if !down.send(&line.down) {
			dropped++
		}
	}
	if held := line.held.Load(); held != maxLagHeld || dropped != 100 || m.lagOverflow.Load() != 100 {
		t.Fatalf("held %d, dropped %d, counted %d: want %d, 100, 100", held, dropped, m.lagOverflow.Load(), maxLagHeld)
	}
	clock.advance(time.Hour)
	up.inOrder(t)
	if len(down.got) != maxLagHeld-300 || line.held.Load() != 0 {
		t.Fatalf("%d arrived down, %d still held: want %d and 0", len(down.got), line.held.Load(), maxLagHeld-300)
	}
}

// TestZeroLagProfileDeliversAtOnce: a perfect network, or a lossy one whose message was not
// lost and has no lag, runs the message on the sender's goroutine before deliver returns.
func TestZeroLagProfileDeliversAtOnce(t *testing.T) {
	for _, p := range []LagProfile{{}, {Loss: 0.5}} {
		line := newLagLine(p, testMetrics(), newFakeClock(), 1)
		if p.Active() {
			line.down.rng = rand.New(&scriptedLoss{})
		}
		ran := false
		if !line.down.deliver(func() { ran = true }) || !ran {
			t.Fatalf("%v: the message did not arrive at once", p)
		}
	}
}

// TestClosedLagLineReleasesItsTimers: the connection gone, its line forgets what it held,
// stops its timers and refuses more; nothing it held runs later.
func TestClosedLagLineReleasesItsTimers(t *testing.T) {
	clock := newFakeClock()
	line := newLagLine(LagProfile{Lag: 100 * time.Millisecond, Jitter: 10 * time.Millisecond}, testMetrics(), clock, 1)
	r := &recorder{clock: clock}
	for range 10 {
		r.send(&line.up)
		r.send(&line.down)
	}
	if clock.armed() != 2 {
		t.Fatalf("%d timers armed for two directions", clock.armed())
	}
	line.close()
	if clock.armed() != 0 || line.held.Load() != 0 || line.up.queue.len()+line.down.queue.len() != 0 {
		t.Fatalf("closed, yet %d timers armed and %d messages held", clock.armed(), line.held.Load())
	}
	if r.send(&line.down) {
		t.Fatal("a closed line took a message")
	}
	clock.advance(time.Hour)
	if len(r.got) != 0 {
		t.Fatalf("%d messages arrived after the line closed", len(r.got))
	}

	real := newLagLine(LagProfile{Lag: time.Hour}, testMetrics(), realClock{}, 1)
	real.down.deliver(func() { t.Error("delivered within the hour") })
	real.close()
	if real.down.timer.Stop() {
		t.Fatal("close left the real timer running")
	}
}

// TestLagLineDeliversOnTheRealClock: the timer chain runs without a test driving it.
func TestLagLineDeliversOnTheRealClock(t *testing.T) {
	line := newLagLine(LagProfile{Lag: time.Millisecond, Jitter: time.Millisecond}, testMetrics(), realClock{}, 1)
	defer line.close()
	var mu sync.Mutex
	var got []int
	done := make(chan struct{})
	for i := range 50 {
		line.up.deliver(func() {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, i)
			if len(got) == 50 {
				close(done)
			}
		})
	}
	select {
	case <-done:
	case <-time.After(testenv.Patience(10 * time.Second)):
		t.Fatal("the messages never all arrived")
	}
	mu.Lock()
	defer mu.Unlock()
	for k, i := range got {
		if i != k {
			t.Fatalf("message %d arrived as the %d-th", i, k)
		}
	}
	if line.held.Load() != 0 {
		t.Fatalf("all delivered, yet %d held", line.held.Load())
	}
}
