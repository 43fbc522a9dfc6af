package realtime

import (
	"encoding/json"
	"fmt"
	"sync/atomic"

	"tankarena/realtime/parser"
)

// Args are the arguments of an event or of an ack answer, kept as JSON until the handler says
// what Go type each one is. Binary sent by the client (Buffer, ArrayBuffer, typed arrays) decodes
// into []byte, wherever it sits in an argument.
type Args struct {
	raw    []json.RawMessage // binary as base64 strings, which encoding/json reads into []byte
	binary *binaryArgs       // nil when the packet carried no binary, raw being as it came then
}

// binaryArgs are the arguments of a binary packet as they came, placeholders in place, and
// the attachments they stand for: what tells binary from strings. Apart from Args so that
// the Event of every other packet is no bigger for them.
type binaryArgs struct {
	wire        []json.RawMessage
	attachments [][]byte
}

// argsOf returns the arguments of a decoded EVENT or ACK.
func argsOf(p *parser.Packet) Args {
	a := Args{raw: p.Args}
	if p.WireArgs != nil {
		a.binary = &binaryArgs{wire: p.WireArgs, attachments: p.Attachments}
	}
	return a
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

// Decode unmarshals argument i into v, like json.Unmarshal. Binary goes into []byte: a
// []byte variable, field or element, or, when v is an *any, wherever it sits in the tree
// (map[string]any, []any) that json.Unmarshal makes, so binary can be told from strings.
func (a *Args) Decode(i int, v any) error {
	if i < 0 || i >= len(a.raw) {
		return fmt.Errorf("realtime: argument %d of %d is missing", i, len(a.raw))
	}
	if tree, ok := v.(*any); ok && a.binary != nil {
		var parsed any
		if err := json.Unmarshal(a.binary.wire[i], &parsed); err != nil {
			return fmt.Errorf("realtime: argument %d: %w", i, err)
		}
		// The decoder checked every placeholder on arrival: none names a missing attachment.
		resolved, err := parser.ResolvePlaceholders(parsed, a.binary.attachments)
		if err != nil {
			return fmt.Errorf("realtime: argument %d: %w", i, err)
		}
		*tree = resolved
		return nil
	}
	if err := json.Unmarshal(a.raw[i], v); err != nil {
		return fmt.Errorf("realtime: argument %d: %w", i, err)
	}
	return nil
}

// Values returns the arguments as Emit (and Ack, and the broadcasts) takes them to send them
// on unchanged, binary included, like the reference's socket.emit(event, ...args): an
// argument without binary is its JSON as it came (a json.RawMessage); one holding binary is
// its decoded tree with []byte where the binary was and numbers as json.Number (see
// parser.ForwardArg). A relay is s.Emit(ev.Name, ev.Values()...).
func (a *Args) Values() []any {
	values := make([]any, len(a.raw))
	for i, raw := range a.raw {
		values[i] = raw
		if a.binary == nil {
			continue
		}
		// The decoder checked every placeholder on arrival, so this cannot fail; if it
		// did, the argument would go on as Raw has it, binary as base64 strings.
		if v, err := parser.ForwardArg(a.binary.wire[i], a.binary.attachments); err == nil {
			values[i] = v
		}
	}
	return values
}

// Event is one event received from a client.
type Event struct {
	Name   string
	Socket *Socket
	Args

	ack *ackRequest // nil when the client passed no acknowledgement callback
}

// ackRequest is the acknowledgement an event asked for. It lives apart from the Event so
// that an event without one, the common case, is no bigger for it.
type ackRequest struct {
	socket   *Socket
	id       uint64
	answered atomic.Bool
}

// WantsAck reports whether the client passed an acknowledgement callback (or used emitWithAck).
func (e *Event) WantsAck() bool { return e.ack != nil }

// Ack answers the client's acknowledgement callback with args. It may be called later, from any
// goroutine, but at most once; without a callback on the client side it returns ErrNoAck.
func (e *Event) Ack(args ...any) error {
	if e.ack == nil || e.ack.answered.Swap(true) {
		return ErrNoAck
	}
	return e.ack.socket.sendAck(e.ack.id, args)
}

// ArgsOf returns values as the receiver of a packet carrying them sees them, binary included:
// for an adapter that brings the acknowledgements of other nodes' sockets to
// BroadcastOptions.OnAck.
func ArgsOf(values ...any) (*Args, error) {
	data, atts, err := parser.MarshalArgs(values...)
	if err != nil {
		return nil, err
	}
	enc := parser.Encode(&parser.Packet{Type: parser.Ack, HasID: true, Data: data, Attachments: atts})
	var d parser.Decoder
	p, err := d.Add(enc.Text, false)
	for _, att := range enc.Attachments {
		if err != nil {
			break
		}
		p, err = d.Add(att, true)
	}
	if err != nil {
		return nil, fmt.Errorf("realtime: arguments: %w", err)
	}
	a := argsOf(p)
	return &a, nil
}
