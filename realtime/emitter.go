package realtime

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"tankarena/realtime/engineio"
	"tankarena/realtime/parser"
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

// TryEmit sends an event like Emit and also reports whether the connection took it. Emit on a
// volatile Emitter returns nil whether or not the event went out; a sender whose next message
// depends on this one having arrived (a delta against it) needs to know, and gets false when
// the transport could not take the event right away and dropped it, or the socket is gone.
func (e Emitter) TryEmit(event string, args ...any) (bool, error) {
	s := e.socket
	if !s.Connected() {
		return false, ErrDisconnected
	}
	pkt, err := eventPacket(s.ns.name, event, args)
	if err != nil {
		return false, err
	}
	return e.tryWrite(messages(parser.Encode(pkt)), "emit "+strconv.Quote(event))
}

// tryWrite writes an event's messages and reports whether the connection took them: a volatile
// drop is false without an error.
func (e Emitter) tryWrite(msgs []engineio.Message, what string) (bool, error) {
	if err := e.socket.write(msgs, e.volatile); err != nil {
		if errors.Is(err, errDropped) {
			return false, nil
		}
		return false, fmt.Errorf("realtime: %s: %w", what, err)
	}
	return true, nil
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
