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
