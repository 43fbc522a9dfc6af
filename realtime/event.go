package realtime

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
)

// Args are the arguments of an event or of an ack answer, kept as JSON until the handler says
// what Go type each one is. Binary sent by the client (Buffer, ArrayBuffer, typed arrays) decodes
// into []byte, wherever it sits in an argument.
type Args struct {
	raw []json.RawMessage
}

// Len is the number of arguments.
func (a *Args) Len() int { return len(a.raw) }

// Raw returns argument i as JSON (binary appears as a base64 string), or nil when absent.
func (a *Args) Raw(i int) json.RawMessage {
	if i < 0 || i >= len(a.raw) {
		return nil
	}
	return a.raw[i]
}

// Decode unmarshals argument i into v, like json.Unmarshal.
func (a *Args) Decode(i int, v any) error {
	if i < 0 || i >= len(a.raw) {
		return fmt.Errorf("realtime: argument %d of %d is missing", i, len(a.raw))
	}
	if err := json.Unmarshal(a.raw[i], v); err != nil {
		return fmt.Errorf("realtime: argument %d: %w", i, err)
	}
	return nil
}

// Event is one event received from a client.
type Event struct {
	Name   string
	Socket *Socket
	Args

	ack     func(args ...any) error
	acked   atomic.Bool
	ackable bool
}

// WantsAck reports whether the client passed an acknowledgement callback (or used emitWithAck).
func (e *Event) WantsAck() bool { return e.ackable }

// Ack answers the client's acknowledgement callback with args. It may be called later, from any
// goroutine, but at most once; without a callback on the client side it returns ErrNoAck.
func (e *Event) Ack(args ...any) error {
	if !e.ackable || e.acked.Swap(true) {
		return ErrNoAck
	}
	return e.ack(args...)
}
