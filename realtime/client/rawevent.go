package client

import (
	"bytes"
	"math"

	"tankarena/realtime/parser"
)

// RawEventHandler handles one received event without decoding it. payload is
// the packet's JSON array exactly as the server sent it, event name first
// (`["tick",{"t":1,"seq":2}]`). It is NOT validated as JSON: the handler reads
// what it needs from the bytes, and must cope with anything. payload is only
// valid during the call (the reader reuses it for the next message): copy what
// must outlive it. ack is non-nil when the server asked for an acknowledgement.
type RawEventHandler func(payload []byte, ack AckFunc)

// OnRaw sets a raw handler for event name, replacing any previous one; nil
// removes it. It is for receivers of many small events (a load generator):
// such an event skips the packet decoder, the JSON validation of its
// arguments and every per-message allocation of the client. It applies only
// to plain text events; an event carrying binary attachments (or in a form
// the shortcut does not read, e.g. an escaped name) takes the usual path, to
// the On handler or OnAny. A raw handler takes precedence over On for its name.
// Reserved names ("connect", …) are ignored: the server may not send them, and
// the decoder refuses them.
func (s *Socket) OnRaw(name string, h RawEventHandler) {
	if parser.IsReserved(name) {
		return
	}
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if h == nil {
		delete(s.rawHandlers, name)
		return
	}
	if s.rawHandlers == nil {
		s.rawHandlers = make(map[string]RawEventHandler)
	}
	s.rawHandlers[name] = h
}

// dispatchRaw hands the Socket.IO text message msg to a raw handler if it is
// a plain event that one wants, and reports whether it did; otherwise the
// message goes through the decoder as usual, which also refuses it if it is
// malformed.
func (m *Manager) dispatchRaw(c *engineConn, msg []byte) bool {
	ev, ok := cutPlainEvent(msg)
	if !ok {
		return false
	}
	m.mu.Lock()
	// Indexing with string(bytes) does not allocate.
	s := m.sockets[string(ev.namespace)]
	live := s != nil && s.sentOn == c
	m.mu.Unlock()
	if !live {
		return false
	}
	s.hmu.RLock()
	h := s.rawHandlers[string(ev.name)]
	s.hmu.RUnlock()
	if h == nil {
		return false
	}
	var ack AckFunc
	if ev.hasID {
		ack = s.ackFunc(c, ev.id)
	}
	h(ev.payload, ack)
	return true
}

// plainEvent is a text EVENT packet cut into its parts, as sub-slices of the message.
type plainEvent struct {
	namespace []byte // "/" when the packet names none
	id        uint64
	hasID     bool
	name      []byte
	payload   []byte
}

// rootNamespace is the namespace of a packet that names none.
var rootNamespace = []byte("/")

// cutPlainEvent reads `2[/nsp,][id]["name"…` — a Socket.IO EVENT without
// attachments whose payload starts with an unescaped event name. It checks no
// more of the JSON than that, so ok means only that the message has this
// shape; anything else (other packet types, an escaped name, spaces, an id out
// of range) is refused, for the decoder to handle or reject.
func cutPlainEvent(msg []byte) (ev plainEvent, ok bool) {
	if len(msg) == 0 || msg[0] != '2' {
		return ev, false
	}
	i := 1
	ev.namespace = rootNamespace
	if i < len(msg) && msg[i] == '/' {
		end := bytes.IndexByte(msg[i:], ',')
		if end < 0 {
			return ev, false
		}
		ev.namespace, i = msg[i:i+end], i+end+1
	}
	for ; i < len(msg) && msg[i] >= '0' && msg[i] <= '9'; i++ {
		d := uint64(msg[i] - '0')
		if ev.id > (math.MaxUint64-d)/10 {
			return ev, false // the decoder refuses an id out of range
		}
		ev.id, ev.hasID = ev.id*10+d, true
	}
	ev.payload = msg[i:]
	if len(ev.payload) < 3 || ev.payload[0] != '[' || ev.payload[1] != '"' {
		return ev, false
	}
	end := bytes.IndexByte(ev.payload[2:], '"') + 2
	if end < 2 || end+1 >= len(ev.payload) {
		return ev, false
	}
	ev.name = ev.payload[2:end]
	if bytes.IndexByte(ev.name, '\\') >= 0 {
		return ev, false
	}
	if next := ev.payload[end+1]; next != ',' && next != ']' {
		return ev, false
	}
	return ev, true
}
