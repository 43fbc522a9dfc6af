package arena

import "tankarena/game/tanks"

// maxInputBacklog is how many inputs may wait for the next tick before the oldest are skipped.
// A client sends one input per tick, so in steady state one waits; a second absorbs network
// jitter. Anything beyond that is latency a burst (a client catching up, a stalled connection
// flushing) left behind: applying one input per tick would keep it for good, every later input
// reaching the tank that many ticks late.
const maxInputBacklog = 2

// nextInput takes the input to apply this tick from a player's queue and returns the rest. When
// more than maxInputBacklog wait, the oldest are skipped so the queue drains to the backlog at
// once; throttle, turn and aim are held states that the newer inputs supersede, but a shot is an
// edge, so a fire in a skipped input is carried into the applied one. skipped counts the inputs
// merged away.
func nextInput(queue []tanks.Input) (in tanks.Input, rest []tanks.Input, skipped int) {
	if skipped = len(queue) - maxInputBacklog; skipped > 0 {
		queue = skipOldest(queue, skipped)
	} else {
		skipped = 0
	}
	return queue[0], queue[1:], skipped
}

// skipOldest drops the n oldest queued inputs in place, carrying a fire among them into the
// oldest one kept. It needs n < len(queue).
func skipOldest(queue []tanks.Input, n int) []tanks.Input {
	fire := false
	for _, in := range queue[:n] {
		fire = fire || in.Fire
	}
	kept := append(queue[:0], queue[n:]...)
	kept[0].Fire = kept[0].Fire || fire
	return kept
}
