package arena

import "time"

// SetStepHook makes fn run inside every tick of every arena, just before the world steps, until
// the returned function removes it. Tests use it to inject a panic into an arena's loop.
func SetStepHook(fn func(arenaID int)) (remove func()) {
	hooks.Store(&testHooks{beforeStep: fn})
	return func() { hooks.Store(nil) }
}

// SetTickObserver makes fn see every tick's duration, until the returned function removes it.
func SetTickObserver(fn func(arenaID int, took time.Duration)) (remove func()) {
	hooks.Store(&testHooks{afterTick: fn})
	return func() { hooks.Store(nil) }
}
