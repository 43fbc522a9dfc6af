package realtime

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"tankarena/realtime/engineio"
	"tankarena/realtime/parser"
)

// Socket is one client in one namespace. Its methods may be called from any goroutine.
type Socket struct {
	id     string
	ns     *Namespace
	client *client
	calls  callQueue // handler calls, run in order, then leave

	// roomsMu orders Join against the rooms being left on disconnect, so a Join racing the
	// disconnect cannot leave the id of a gone socket in a room.
	roomsMu sync.Mutex

	// answered is set once the CONNECT answer is queued: the socket is in its namespace a
	// moment before, and nothing may be written to it until then (see client.connect).
	answered atomic.Bool

	mu         sync.Mutex
	connected  bool
	done       chan struct{}          // made by the first Done while connected, closed by onClose
	reason     string                 // why the socket left
	handlers   []eventHandler         // in the order added; a socket has few, a scan beats a map
	leaveHooks []leaveHook            // OnDisconnecting and OnDisconnect, one slice: most sockets have none
	acks       map[uint64]func(*Args) // made by the first ack waited for

	// The handshake is built on first use: most applications never read it, and its header
	// and query copies would be most of an idle socket's memory. auth and joined are what
	// cannot be rebuilt later from the engine's handshake request. Guarded by mu.
	handshake *Handshake
	auth      string // the CONNECT payload until the handshake is built
	joined    time.Time
}

// leaveHook is one OnDisconnecting (inRooms) or OnDisconnect hook.
type leaveHook struct {
	fn      func(reason string)
	inRooms bool
}

// eventHandler is one On or OnInline registration.
type eventHandler struct {
	event  string
	fn     func(*Event)
	inline bool // OnInline: runs on the connection's reader as the event arrives
}

// newSocket makes the socket of a CONNECT; hs is the handshake if it was already needed,
// else nil, and auth the CONNECT payload, which the socket keeps a copy of.
func newSocket(ns *Namespace, c *client, hs *Handshake, auth json.RawMessage, joined time.Time) *Socket {
	s := &Socket{
		id:        newSocketID(),
		ns:        ns,
		client:    c,
		handshake: hs,
		joined:    joined,
		calls:     callQueue{limit: int32(min(ns.server.opts.EventQueueSize, math.MaxInt32))},
		connected: true,
	}
	if hs == nil {
		s.auth = string(auth) // a copy: not the CONNECT message's buffer, which may be much larger
	}
	return s
}

// enqueue queues a handler call without ever waiting (see callQueue.push); it reports false
// when the queue is full.
func (s *Socket) enqueue(fn func()) bool { return s.calls.push(fn) }

// newSocketID returns 20 random URL-safe characters, like the reference's ids.
func newSocketID() string {
	var b [15]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ID is the socket's id, also the name of the room only it is in.
func (s *Socket) ID() string { return s.id }

// Namespace is the namespace the socket joined.
func (s *Socket) Namespace() *Namespace { return s.ns }

// ConnID is the id of the Engine.IO connection the socket runs on (its "sid", the reference's
// socket.conn.id): the same for every namespace joined over that connection, and for the
// socket a second CONNECT to this namespace replaces this one with. Whatever an application
// grants once per client connection belongs under this key, not under the socket id, which
// the client can renew at will on the same connection.
func (s *Socket) ConnID() string { return s.client.conn.ID() }

// ClientIP is the key the server's per-address connection limits count the socket's
// connection under (engineio.AddressKey of the TCP peer, or with
// engineio.Options.TrustProxyHeaders of the last X-Forwarded-For entry): an IPv4 address, or
// an IPv6 client's /64. Per-client limits of an application should count under it too.
func (s *Socket) ClientIP() string { return s.client.conn.ClientIP() }

// Handshake is what the client sent when it joined: auth payload, headers, query, address.
func (s *Socket) Handshake() *Handshake {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handshake == nil {
		var auth json.RawMessage
		if s.auth != "" {
			auth = json.RawMessage(s.auth)
		}
		s.handshake = newHandshake(s.client.conn.Request(), auth, s.joined)
		s.auth = ""
	}
	return s.handshake
}

// Connected reports whether the socket is still in its namespace.
func (s *Socket) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// Done is closed when the socket disconnects; goroutines serving the socket can select on it.
func (s *Socket) Done() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.connected {
		return closedChannel
	}
	if s.done == nil { // made on demand: most sockets are never asked, and a channel is over 100 bytes
		s.done = make(chan struct{})
	}
	return s.done
}

// closedChannel is the Done of every socket asked only after it disconnected.
var closedChannel = func() chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}()

// On adds a handler for event. Handlers of one socket run one at a time, in the order the
// events arrived, on a goroutine of the socket's own: a slow handler delays the next events of
// this socket only, and may wait in EmitWithAck for its own client. Events that arrive
// meanwhile wait, up to Options.EventQueueSize (see ReasonEventQueueFull). A panicking handler
// is logged and the socket carries on.
func (s *Socket) On(event string, handler func(*Event)) {
	s.mu.Lock()
	s.handlers = append(s.handlers, eventHandler{event: event, fn: handler})
	s.mu.Unlock()
}

// OnInline adds a handler for event that runs on the connection's reader as the event arrives,
// instead of being queued for the socket's goroutine: it takes no place in the queue and wakes
// no goroutine, so a client may send such events as fast as its connection carries them (a
// burst after a network stall, say) without meeting Options.EventQueueSize. It is meant for
// frequent events whose handler is short and never blocks (no EmitWithAck, no lock held for
// long): the connection reads nothing else meanwhile. Inline handlers run in arrival order
// among themselves, but not in order with queued ones: an inline event may be handled before
// the queued handlers of an earlier event have run. An event that arrives before any inline
// handler for it was added (say, before the connection handlers ran) is queued as usual, and
// the inline handlers added by then run on the socket's goroutine with the others.
func (s *Socket) OnInline(event string, handler func(*Event)) {
	s.mu.Lock()
	s.handlers = append(s.handlers, eventHandler{event: event, fn: handler, inline: true})
	s.mu.Unlock()
}

// OnDisconnecting adds a hook that runs when the socket is about to leave, still in its rooms.
func (s *Socket) OnDisconnecting(fn func(reason string)) {
	s.mu.Lock()
	s.leaveHooks = append(s.leaveHooks, leaveHook{fn: fn, inRooms: true})
	s.mu.Unlock()
}

// OnDisconnect adds a hook that runs once the socket has left its namespace and rooms; reason
// is one of the Reason constants.
func (s *Socket) OnDisconnect(fn func(reason string)) {
	s.mu.Lock()
	s.leaveHooks = append(s.leaveHooks, leaveHook{fn: fn})
	s.mu.Unlock()
}

// Emit sends an event to this client. []byte values anywhere in args arrive as binary.
// It never blocks on the network: the packet is queued on the connection.
func (s *Socket) Emit(event string, args ...any) error {
	_, err := s.emit(event, args, false, nil)
	return err
}

// EmitWithAck sends an event that asks for an acknowledgement and waits for the client's
// answer, until ctx ends or the socket disconnects.
func (s *Socket) EmitWithAck(ctx context.Context, event string, args ...any) (*Args, error) {
	return s.emitWithAck(ctx, event, args, false)
}

// Volatile returns an emitter whose events are dropped when the client cannot take them right
// now (for example mid-upgrade or with a backlog), instead of being queued.
func (s *Socket) Volatile() Emitter { return Emitter{socket: s, volatile: true} }

// Timeout returns an emitter whose EmitWithAck gives up after d.
func (s *Socket) Timeout(d time.Duration) Emitter { return Emitter{socket: s, timeout: d} }

// Join puts the socket into rooms of its namespace; a disconnected socket joins nothing.
func (s *Socket) Join(rooms ...string) {
	s.roomsMu.Lock()
	defer s.roomsMu.Unlock()
	if s.Connected() {
		s.ns.adapter.AddAll(s.id, rooms...)
	}
}

// Leave takes the socket out of a room.
func (s *Socket) Leave(room string) { s.ns.adapter.Del(s.id, room) }

// Rooms lists the rooms the socket is in, including its own id.
func (s *Socket) Rooms() []string { return s.ns.adapter.SocketRooms(s.id) }

// Broadcast selects every socket of the namespace but this one.
func (s *Socket) Broadcast() BroadcastOperator {
	return BroadcastOperator{ns: s.ns, except: []string{s.id}}
}

// To selects the sockets in rooms, except this one (like the reference's socket.to).
func (s *Socket) To(rooms ...string) BroadcastOperator { return s.Broadcast().To(rooms...) }

// Disconnect makes the socket leave its namespace with ReasonServerDisconnect; the client is
// told and does not reconnect. With close the whole connection is closed too, leaving every
// namespace it joined.
func (s *Socket) Disconnect(close bool) {
	if !s.Connected() {
		return // as the reference: a socket that already left closes nothing, not even with close
	}
	if close {
		s.client.disconnectAll()
		return
	}
	_ = s.client.send(&parser.Packet{Type: parser.Disconnect, Namespace: s.ns.name})
	s.onClose(ReasonServerDisconnect)
}

// Transport is the transport the socket's connection is on now: "polling" until the client
// upgrades, then "websocket" (the reference's socket.conn.transport.name).
func (s *Socket) Transport() string { return s.client.conn.Transport() }

// CloseTransport closes the connection under the socket, as the reference's
// socket.conn.close() does: every namespace on it is left with ReasonForcedClose, and the
// client, told nothing at the Socket.IO level, sees "transport close" and reconnects by itself
// (unlike Disconnect, after which it stays away). Queued packets are still sent first.
func (s *Socket) CloseTransport() { s.client.close(ReasonForcedClose) }

// emit sends an event; with ack it asks for an acknowledgement and returns the ack id that
// ack is registered under.
func (s *Socket) emit(event string, args []any, volatile bool, ack func(*Args)) (ackID uint64, err error) {
	if !s.Connected() {
		return 0, ErrDisconnected
	}
	pkt, err := eventPacket(s.ns.name, event, args)
	if err != nil {
		return 0, err
	}
	if ack != nil {
		pkt.ID, pkt.HasID = s.ns.nextAckID(), true
		if !s.addAck(pkt.ID, ack) {
			return 0, ErrDisconnected
		}
	}
	if err := s.write(messages(parser.Encode(pkt)), volatile); err != nil {
		if ack == nil && errors.Is(err, errDropped) {
			return 0, nil // dropping is what volatile asks for
		}
		if ack != nil {
			s.takeAck(pkt.ID)
		}
		return 0, fmt.Errorf("realtime: emit %q: %w", event, err)
	}
	return pkt.ID, nil
}

func (s *Socket) emitWithAck(ctx context.Context, event string, args []any, volatile bool) (*Args, error) {
	answer := make(chan *Args, 1)
	id, err := s.emit(event, args, volatile, func(a *Args) { answer <- a })
	if err != nil {
		return nil, err
	}
	select {
	case a := <-answer:
		if a == nil { // settled by onClose
			return nil, fmt.Errorf("realtime: ack for %q: %w", event, ErrDisconnected)
		}
		return a, nil
	case <-ctx.Done():
		// Forget the waiter, or every unanswered ack would stay in s.acks until disconnect.
		s.takeAck(id)
		return nil, fmt.Errorf("realtime: ack for %q: %w", event, ctx.Err())
	case <-s.Done():
		return nil, fmt.Errorf("realtime: ack for %q: %w", event, ErrDisconnected)
	}
}

// errDropped reports a volatile packet the transport could not take right away;
// errNotAnswered a packet for a socket whose CONNECT answer is not queued yet.
var (
	errDropped     = errors.New("realtime: volatile packet dropped")
	errNotAnswered = errors.New("realtime: socket not connected yet")
)

// answeredAfterWait waits for a CONNECT answer being queued (client.connect holds s.mu while
// it queues it and sets answered) and reports whether the socket is answered now.
func (s *Socket) answeredAfterWait() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answered.Load()
}

func (s *Socket) write(msgs []engineio.Message, volatile bool) error {
	if !s.answered.Load() && !s.answeredAfterWait() {
		return errNotAnswered // a broadcast made before the CONNECT answer: the client was not in yet
	}
	if volatile {
		if !s.client.conn.SendVolatile(msgs...) {
			return errDropped
		}
		return nil
	}
	return s.client.conn.Send(msgs...)
}

// eventPacket builds an EVENT; []byte arguments become attachments.
func eventPacket(namespace, event string, args []any) (*parser.Packet, error) {
	if parser.IsReserved(event) {
		return nil, fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	values := make([]any, 0, 1+len(args))
	values = append(values, event)
	values = append(values, args...)
	data, atts, err := parser.MarshalArgs(values...)
	if err != nil {
		return nil, fmt.Errorf("realtime: emit %q: %w", event, err)
	}
	return &parser.Packet{Type: parser.Event, Namespace: namespace, Data: data, Attachments: atts}, nil
}

// addAck registers fn for the answer to ack id. It reports false, registering nothing, once the
// socket has disconnected: no answer can come any more.
func (s *Socket) addAck(id uint64, fn func(*Args)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.connected {
		return false
	}
	if s.acks == nil {
		s.acks = make(map[uint64]func(*Args))
	}
	s.acks[id] = fn
	return true
}

func (s *Socket) takeAck(id uint64) func(*Args) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn := s.acks[id]
	delete(s.acks, id)
	return fn
}

func (s *Socket) onEvent(p *parser.Packet) {
	name := p.Event // the decoder split the payload and refused an event without a name
	ev := &Event{Name: name, Socket: s, Args: argsOf(p)}
	if p.HasID {
		ev.ack = &ackRequest{socket: s, id: p.ID}
	}
	s.mu.Lock()
	handlers := s.handlers // On and OnInline only append: the first len entries never change
	s.mu.Unlock()
	ranInline, needsQueue := false, false
	for _, h := range handlers {
		if h.event != name {
			continue
		}
		if h.inline {
			ranInline = true
			guard(s.ns.server.log, "event "+name, func() { h.fn(ev) })
		} else {
			needsQueue = true
		}
	}
	if ranInline && !needsQueue {
		return
	}
	queued := s.enqueue(func() {
		s.mu.Lock()
		handlers := s.handlers
		s.mu.Unlock()
		handled := ranInline
		for _, h := range handlers {
			if h.event == name && !(ranInline && h.inline) {
				handled = true
				guard(s.ns.server.log, "event "+name, func() { h.fn(ev) })
			}
		}
		if !handled {
			s.ns.server.log.Debug("realtime: no handler for event", "namespace", s.ns.name, "event", name)
		}
	})
	if !queued && s.Connected() {
		// The client sends faster than its handlers run: drop it rather than hold its
		// events without bound (or stop reading it, which can deadlock; see enqueue).
		s.ns.server.log.Warn("realtime: event queue full, closing the connection",
			"namespace", s.ns.name, "socket", s.id, "queued", s.calls.limit)
		s.client.close(ReasonEventQueueFull)
	}
}

func (s *Socket) sendAck(id uint64, args []any) error {
	data, atts, err := parser.MarshalArgs(args...)
	if err != nil {
		return fmt.Errorf("realtime: ack: %w", err)
	}
	pkt := &parser.Packet{Type: parser.Ack, Namespace: s.ns.name, ID: id, HasID: true, Data: data, Attachments: atts}
	if err := s.write(messages(parser.Encode(pkt)), false); err != nil {
		return fmt.Errorf("realtime: ack: %w", err)
	}
	return nil
}

func (s *Socket) onAck(p *parser.Packet) {
	if !p.HasID {
		// Checked before the lookup: p.ID is 0 here, which would take the waiter of id 0.
		s.ns.server.log.Debug("realtime: ack without an id", "namespace", s.ns.name)
		return
	}
	fn := s.takeAck(p.ID)
	if fn == nil {
		s.ns.server.log.Debug("realtime: ack with an unknown id", "namespace", s.ns.name, "id", p.ID)
		return
	}
	answer := argsOf(p)
	guard(s.ns.server.log, "ack", func() { fn(&answer) })
}

// onClose marks the socket disconnected, once; its queued handler calls still run, then
// leave. Nothing here waits for handlers, so a handler may disconnect its own socket.
func (s *Socket) onClose(reason string) {
	s.mu.Lock()
	if !s.connected {
		s.mu.Unlock()
		return
	}
	s.connected = false
	s.reason = reason
	unanswered, done := s.acks, s.done
	s.acks = nil
	s.mu.Unlock()
	s.client.forget(s)
	if done != nil {
		close(done)
	}
	// No answer can come any more: settle every waiter with nil, so that a broadcast counts
	// this socket as done instead of waiting for it until its timeout (or forever).
	for _, fn := range unanswered {
		fn(nil)
	}
	s.calls.finish(s.leave)
}

// leave runs after the socket's last handler call once it disconnected: the disconnecting hooks while
// the socket is still in its rooms, then the rooms are left, then the disconnect hooks.
func (s *Socket) leave() {
	s.mu.Lock()
	reason, hooks := s.reason, s.leaveHooks
	s.mu.Unlock()
	for _, h := range hooks {
		if h.inRooms {
			guard(s.ns.server.log, "disconnecting", func() { h.fn(reason) })
		}
	}
	s.roomsMu.Lock() // onClose cleared connected first: no Join adds a room after this
	s.ns.remove(s)
	s.roomsMu.Unlock()
	for _, h := range hooks {
		if !h.inRooms {
			guard(s.ns.server.log, "disconnect", func() { h.fn(reason) })
		}
	}
}
