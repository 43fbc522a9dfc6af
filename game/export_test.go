package game

import "time"

// SetStepHook makes fn run inside every tick of every room, just before the world steps, until
// the returned function removes it. Tests use it to inject a panic into a room's loop.
func SetStepHook(fn func(roomID string)) (remove func()) {
	hooks.Store(&testHooks{beforeStep: fn})
	return func() { hooks.Store(nil) }
}

// SetTickObserver makes fn see every tick's duration, until the returned function removes it.
func SetTickObserver(fn func(roomID string, took time.Duration)) (remove func()) {
	hooks.Store(&testHooks{afterTick: fn})
	return func() { hooks.Store(nil) }
}

// SetLoad makes the lobby judge admission by what fn returns instead of what its rooms measure.
func SetLoad[In Input[In]](l *Lobby[In], fn func() Load) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.loadProbe = fn
}

// DecayedShare exposes the decaying share admission reads its skipped ticks and dropped
// snapshots from, with the times given.
type DecayedShare struct{ d decayedShare }

func (s *DecayedShare) Add(now time.Time, part, all float64) { s.d.add(now, part, all) }
func (s *DecayedShare) Share(now time.Time) (share, volume float64) {
	return s.d.share(now)
}

// SetClock makes the lobby read the time from fn (join pacing, the join rates) instead of
// time.Now.
func SetClock[In Input[In]](l *Lobby[In], fn func() time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clock = fn
}

// Project is join pacing's projection of a measure (pacing.go).
func Project(measured, bound, players, unseen, minSeen float64) float64 {
	return project(measured, bound, players, unseen, minSeen)
}
