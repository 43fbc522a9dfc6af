package realtime

import (
	"log/slog"
	"runtime/debug"
)

// guard runs application code so that a panic in one handler is logged with its stack and the
// connection, and the server, carry on.
func guard(log *slog.Logger, what string, fn func()) (panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			panicked = true
			log.Error("realtime: handler panicked", "handler", what, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	fn()
	return false
}
