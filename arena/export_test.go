package arena

// SetStepHook makes fn run inside every tick of every arena, just before the world steps, until
// the returned function removes it. Tests use it to inject a panic into an arena's loop.
func SetStepHook(fn func(arenaID int)) (remove func()) {
	stepHook.Store(&fn)
	return func() { stepHook.Store(nil) }
}
