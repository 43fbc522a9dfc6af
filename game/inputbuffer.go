package game

const (
	// inputBufferSize bounds the inputs a buffer holds, so its memory is fixed: more than the
	// deepest target plus the largest burst the rate limit lets through at once (inputBurst).
	// When an input arrives at a full buffer, the oldest is merged into the next.
	inputBufferSize = 48
	// maxTargetDepth caps the target: 8 ticks (133 ms at 60 Hz) is as much input latency as
	// the buffer will keep to ride out jitter; a link worse than that starves now and then.
	maxTargetDepth = 8
	// jitterWindows is how many one-second windows the jitter estimate remembers. It takes the
	// second largest depth spread among them, so one stall is not mistaken for jitter while a
	// link that stalls every other second is.
	jitterWindows = 4
)

// bufferClock is an input buffer's timing in ticks of its room's rate.
type bufferClock struct {
	window    int // ticks of one jitter window (a second)
	shedAfter int // ticks the depth must stay above its ceiling before the buffer sheds (half a second)
}

func newBufferClock(tickRate int) bufferClock {
	window := max(tickRate, 4)
	return bufferClock{window: window, shedAfter: window / 2}
}

// inputBuffer is where one player's inputs wait until a tick applies them: exactly one per
// tick, in the order they arrived (over TCP, the order they were sent). A client sends one
// input per tick, but the network delivers them unevenly: two in one tick and none in the next
// on a LAN whose clock phase slips, a few at once and then a gap on a jittery link, a whole
// burst after a stall. An input is never skipped to catch up: each one is a tick of the
// player's movement that its client predicted, and a skipped one is a correction of that
// tick's movement on screen.
//
// The buffer's depth is the inputs waiting when a tick takes one; less one, it is the input
// latency the buffer adds, in ticks. It grows by itself: a tick that finds the buffer empty
// (starved) applies no input (a paced simulation holds the player still, any other keeps the
// held input in force), and every later input is applied a tick later than it would have been.
// So the buffer never waits on purpose; it only decides when depth is latency to give back. For
// that it estimates the arrival jitter from how far the depth moves within each second, and
// sets a target depth that covers it: 1 on a steady link, 2 when the phase slips, more on a
// jittery link, at most maxTargetDepth. When the depth stays more than
// one above the target for half a second (a burst after a stall, or a link that calmed down),
// the buffer sheds: one input a tick beyond the one applied, until the depth is back at most one
// above the target. The tick then gets the oldest input as well (older): a simulation that paces
// its players (Pacer) applies it as an extra step, so nothing the client predicted is lost; for
// any other the oldest is merged into the next (Input.Absorb keeps its edges, a shot).
//
// Guarded by room.mu.
type inputBuffer[In Input[In]] struct {
	ring    [inputBufferSize]In
	head, n int // the oldest waiting input's index in ring, and how many wait
	// fed is set once an input arrived since the buffer was reset: only then is an empty
	// buffer starved (a new player that has not sent yet is not).
	fed bool
	// target is the depth the arrival jitter needs; above counts the consecutive ticks the
	// depth was above target+1.
	target, above int
	// The current jitter window: its ticks so far, the lowest and highest depth seen in it
	// with the inputs shed in it counted back (shedding is the buffer's doing, not jitter),
	// and those inputs.
	ticks, lo, hi, shed int
	spreads             [jitterWindows]int // the depth spread of the last windows, a ring
	next                int                // the slot of spreads the current window fills
}

// tickResult is what a tick did with a buffer, for the metrics.
type tickResult struct {
	depth   int  // inputs waiting when the tick came, before shedding
	applied bool // an input was taken; else the held one stays in force
	starved bool // nothing waited although the player sends inputs
	shed    bool // one input more was taken to give back latency (take's older)
}

// reset empties the buffer and forgets its estimate: a new connection may be on another
// network. Until three windows have been seen the target assumes the worst, so the buffer
// sheds nothing a jittery link would need back at once.
func (b *inputBuffer[In]) reset() {
	*b = inputBuffer[In]{target: maxTargetDepth}
	for i := range b.spreads {
		b.spreads[i] = maxTargetDepth - 1
	}
}

// push queues an input that arrived. At a full buffer the oldest is merged into the next
// first; merged reports that.
func (b *inputBuffer[In]) push(in In) (merged bool) {
	if b.n == len(b.ring) {
		b.mergeOldest()
		merged = true
	}
	b.ring[(b.head+b.n)%len(b.ring)] = in
	b.n++
	b.fed = true
	return merged
}

// mergeOldest drops the oldest input, the next one absorbing it. It needs two waiting.
func (b *inputBuffer[In]) mergeOldest() {
	next := (b.head + 1) % len(b.ring)
	b.ring[next] = b.ring[next].Absorb(b.ring[b.head])
	var zero In
	b.ring[b.head] = zero
	b.head = next
	b.n--
}

// take is one tick: it updates the jitter estimate and returns the input to apply
// (res.applied false: none waits). When the depth has stayed too high it sheds: it takes the
// oldest input as older too (res.shed), in is the one after it.
func (b *inputBuffer[In]) take(c bufferClock) (in, older In, res tickResult) {
	res.depth = b.n
	if !b.fed {
		return in, older, res // nothing sent yet: no jitter to learn from
	}
	b.observe(b.n+b.shed, c)
	if b.n > b.target+1 {
		b.above++
	} else {
		b.above = 0
	}
	if b.above > c.shedAfter {
		older = b.pop() // n > target+1 >= 2
		b.shed++
		res.shed = true
	}
	if b.n == 0 {
		res.starved = true
		return in, older, res
	}
	res.applied = true
	return b.pop(), older, res
}

// pop takes the oldest waiting input. It needs one waiting.
func (b *inputBuffer[In]) pop() In {
	in := b.ring[b.head]
	var zero In
	b.ring[b.head] = zero
	b.head = (b.head + 1) % len(b.ring)
	b.n--
	return in
}

// observe counts one tick's depth into the current window and, at its end, renews the target.
func (b *inputBuffer[In]) observe(depth int, c bufferClock) {
	if b.ticks == 0 || depth < b.lo {
		b.lo = depth
	}
	if b.ticks == 0 || depth > b.hi {
		b.hi = depth
	}
	if b.ticks++; b.ticks < c.window {
		return
	}
	b.spreads[b.next] = b.hi - b.lo
	b.next = (b.next + 1) % len(b.spreads)
	b.ticks, b.shed = 0, 0
	// The second largest spread: the depth moved that much within at least two of the last
	// windows. A spread of s needs s inputs of room above the one a tick takes.
	first, second := 0, 0
	for _, s := range b.spreads {
		if s > first {
			first, second = s, first
		} else if s > second {
			second = s
		}
	}
	b.target = min(second+1, maxTargetDepth)
}
