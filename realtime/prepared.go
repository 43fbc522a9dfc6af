package realtime

import (
	"errors"
	"fmt"

	"tankarena/realtime/engineio"
	"tankarena/realtime/parser"
)

// PreparedEvent is an event encoded once, to be sent to many sockets of one namespace, each
// with its own result. A broadcast also encodes once but reports nothing per recipient; a
// sender whose next message to a socket depends on what that socket took (a delta against the
// last snapshot it got) sends a PreparedEvent to each socket instead of emitting to each,
// which would encode the packet and frame it for websocket once per socket.
//
// A PreparedEvent holds no socket and may be sent from any goroutine, any number of times.
type PreparedEvent struct {
	namespace string
	msgs      []engineio.Message
}

// ErrOtherNamespace is returned when a PreparedEvent is sent to a socket of another namespace
// than the one it was prepared for: its packet names its namespace.
var ErrOtherNamespace = errors.New("realtime: event prepared for another namespace")

// PrepareEvent encodes an event for sending to sockets of this namespace
// (Emitter.TrySendPrepared). []byte values in args travel as binary, as with Emit.
func (n *Namespace) PrepareEvent(event string, args ...any) (*PreparedEvent, error) {
	pkt, err := eventPacket(n.name, event, args)
	if err != nil {
		return nil, err
	}
	return &PreparedEvent{namespace: n.name, msgs: sharedMessages(parser.Encode(pkt))}, nil
}

// TrySendPrepared sends a prepared event like TryEmit: it reports whether the connection took
// it (a volatile emitter's event is dropped when the transport cannot take it right away).
func (e Emitter) TrySendPrepared(p *PreparedEvent) (bool, error) {
	s := e.socket
	if p.namespace != s.ns.name {
		return false, fmt.Errorf("%w: %q, the socket is in %q", ErrOtherNamespace, p.namespace, s.ns.name)
	}
	if !s.Connected() {
		return false, ErrDisconnected
	}
	return e.tryWrite(p.msgs, "send prepared event")
}
