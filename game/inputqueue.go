package game

// maxInputBacklog is how many inputs may wait for the next tick before the oldest are skipped.
// A client sends one input per tick, so in steady state one waits; a second absorbs network
// jitter. Anything beyond that is latency a burst (a client catching up, a stalled connection
// flushing) left behind: applying one input per tick would keep it for good, every later input
// reaching the player that many ticks late.
const maxInputBacklog = 2

// nextInput takes the input to apply this tick from a player's queue and returns the rest. When
// more than maxInputBacklog wait, the oldest are skipped so the queue drains to the backlog at
// once; what must survive of them (a shot) is absorbed by the oldest input kept
// (Input.Absorb). skipped counts the inputs merged away.
func nextInput[In Input[In]](queue []In) (in In, rest []In, skipped int) {
	if skipped = len(queue) - maxInputBacklog; skipped > 0 {
		queue = skipOldest(queue, skipped)
	} else {
		skipped = 0
	}
	return queue[0], queue[1:], skipped
}

// skipOldest drops the n oldest queued inputs in place, the oldest one kept absorbing them, in
// order. It needs n < len(queue).
func skipOldest[In Input[In]](queue []In, n int) []In {
	kept := queue[n]
	for i := n - 1; i >= 0; i-- {
		kept = kept.Absorb(queue[i])
	}
	queue = append(queue[:0], queue[n:]...)
	queue[0] = kept
	return queue
}
