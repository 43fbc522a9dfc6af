package realtime

import (
	"context"
	"time"
)

// Emitter sends to one socket with options; Socket.Volatile and Socket.Timeout make one, and
// the options combine: s.Volatile().Timeout(time.Second).
type Emitter struct {
	socket   *Socket
	volatile bool
	timeout  time.Duration
}

// Volatile drops the events the client cannot take right now instead of queueing them.
func (e Emitter) Volatile() Emitter { e.volatile = true; return e }

// Timeout bounds how long EmitWithAck waits for the answer.
func (e Emitter) Timeout(d time.Duration) Emitter { e.timeout = d; return e }

// Emit sends an event; see Socket.Emit.
func (e Emitter) Emit(event string, args ...any) error {
	_, err := e.socket.emit(event, args, e.volatile, nil)
	return err
}

// EmitWithAck sends an event and waits for the answer, until the timeout, ctx's end or the
// socket's disconnection; a timeout is reported as an error wrapping context.DeadlineExceeded.
func (e Emitter) EmitWithAck(ctx context.Context, event string, args ...any) (*Args, error) {
	if e.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.timeout)
		defer cancel()
	}
	return e.socket.emitWithAck(ctx, event, args, e.volatile)
}
