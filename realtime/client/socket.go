package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"tankarena/realtime/parser"
)

var (
	// ErrNotConnected is returned when sending on a socket that is not connected.
	ErrNotConnected = errors.New("socket.io client: not connected")
	// ErrSendQueueFull is returned when the connection's send queue is full;
	// the packet was not sent. It signals a server or network slower than the caller.
	ErrSendQueueFull = errors.New("socket.io client: send queue full")
	// ErrAckTimeout is passed to an ack callback whose server did not answer in time.
	ErrAckTimeout = errors.New("socket.io client: ack timeout")
	// ErrDisconnected is passed to ack callbacks still waiting when the socket disconnects.
	ErrDisconnected = errors.New("socket.io client: disconnected before the ack arrived")
	// ErrAlreadyAcked is returned by an AckFunc (or Event.Ack) called a second time.
	ErrAlreadyAcked = errors.New("socket.io client: already acknowledged")
	// ErrNoAck is returned by Event.Ack when the server asked for no acknowledgement.
	ErrNoAck = errors.New("socket.io client: the server asked for no acknowledgement")
	// ErrReservedEvent is returned when emitting a name the protocol reserves.
	ErrReservedEvent = errors.New("socket.io client: reserved event name")
	// ErrClosed is returned once the socket or its Manager was closed by this client.
	ErrClosed = errors.New("socket.io client: closed")
)

// ConnectError reports why a namespace connection failed: either the server
// refused it (Message and Data as the server's middleware set them) or the
// transport could not be opened (Err holds the cause).
type ConnectError struct {
	Message string
	Data    json.RawMessage
	Err     error
}

func (e *ConnectError) Error() string { return "socket.io connect error: " + e.Message }
func (e *ConnectError) Unwrap() error { return e.Err }

// Event is one event received from the server: the same shape as the server's
// realtime.Event, so a handler reads alike on both sides.
type Event struct {
	Name   string
	Socket *Socket
	Args

	ack AckFunc // nil when the server asked for no acknowledgement
}

// WantsAck reports whether the server asked for an acknowledgement.
func (e *Event) WantsAck() bool { return e.ack != nil }

// Ack answers the server's acknowledgement request with args, at most once; it
// never blocks. Without a request it returns ErrNoAck, a second time
// ErrAlreadyAcked.
func (e *Event) Ack(args ...any) error {
	if e.ack == nil {
		return ErrNoAck
	}
	return e.ack(args...)
}

// EventHandler handles one received event.
type EventHandler func(*Event)

// AckFunc answers an event that requested an acknowledgement, at most once.
// It never blocks. Raw handlers get one (see RawEventHandler).
type AckFunc func(args ...any) error

// Socket is the client's end of one namespace. Handlers run one at a time,
// in arrival order, on the connection's reader goroutine: they must not block
// (in particular not on EmitWithAck, whose answer that same goroutine delivers;
// use EmitAck with a callback, or a goroutine, instead).
type Socket struct {
	m    *Manager
	nsp  string
	auth []byte

	// lifecycle, guarded by m.mu
	active    bool // the user wants it connected
	connected bool
	sid       string
	sentOn    *engineConn // the connection our CONNECT went out on
	waiters   []chan error

	hmu            sync.RWMutex
	handlers       map[string]EventHandler
	rawHandlers    map[string]RawEventHandler
	onAny          EventHandler
	onConnect      func()
	onDisconnect   func(reason string)
	onConnectError func(err *ConnectError)

	amu       sync.Mutex
	nextAckID uint64
	acks      map[uint64]*pendingAck
}

type pendingAck struct {
	callback func(Args, error)
	timer    *time.Timer
}

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() string { return s.nsp }

// ID returns the session id the server gave this namespace connection ("" when not connected).
func (s *Socket) ID() string {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	return s.sid
}

// Connected reports whether the namespace is connected now.
func (s *Socket) Connected() bool {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	return s.connected
}

// On sets the handler of event name, replacing any previous one.
func (s *Socket) On(name string, h EventHandler) {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if s.handlers == nil {
		s.handlers = make(map[string]EventHandler)
	}
	s.handlers[name] = h
}

// OnAny sets the handler of every event without a handler of its own (a load
// generator counting broadcasts, a logger, a proxy).
func (s *Socket) OnAny(f EventHandler) {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	s.onAny = f
}

// OnConnect sets the function called each time the namespace (re)connects.
func (s *Socket) OnConnect(f func()) {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	s.onConnect = f
}

// OnDisconnect sets the function called when a connected namespace disconnects,
// with one of the Reason* constants.
func (s *Socket) OnDisconnect(f func(reason string)) {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	s.onDisconnect = f
}

// OnConnectError sets the function called when connecting fails: the server
// refused the namespace (final) or the transport failed (retried if Reconnect is set).
func (s *Socket) OnConnectError(f func(err *ConnectError)) {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	s.onConnectError = f
}

// Connect connects the namespace, opening the Manager's connection if
// needed, and waits until the server accepts it. It returns a *ConnectError
// when the server refuses, or when the transport fails and Reconnect is off;
// with Reconnect on it keeps trying until ctx ends. When ctx ends first the
// socket gives up (as Disconnect) and ctx's error is returned.
func (s *Socket) Connect(ctx context.Context) error {
	wait := make(chan error, 1)
	m := s.m
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	if s.connected {
		m.mu.Unlock()
		return nil
	}
	s.waiters = append(s.waiters, wait)
	if !s.active {
		s.active = true
		m.startLocked(s)
	}
	m.mu.Unlock()
	select {
	case err := <-wait:
		return err
	case <-ctx.Done():
		s.Disconnect()
		return ctx.Err()
	}
}

// Disconnect leaves the namespace ("io client disconnect") and stops
// reconnecting it; the connection closes when no namespace uses it.
func (s *Socket) Disconnect() {
	m := s.m
	m.mu.Lock()
	if !s.active {
		m.mu.Unlock()
		return
	}
	if s.sentOn != nil {
		_ = s.sentOn.enqueue(frame(&parser.Packet{Type: parser.Disconnect, Namespace: s.nsp}))
	}
	end := s.deactivateLocked()
	m.releaseLocked()
	m.mu.Unlock()
	end.finish(ReasonClientDisconnect, ErrClosed)
}

// Emit sends an event. Arguments are marshalled with encoding/json; []byte
// values (wherever they sit: argument, slice or map element, struct field)
// travel as binary attachments. It never blocks on the network.
func (s *Socket) Emit(name string, args ...any) error {
	out, err := s.eventPacket(name, args, 0, false)
	if err != nil {
		return err
	}
	return s.send(out)
}

// EmitAck sends an event that asks for an acknowledgement; onAck receives the
// server's answer, or ErrAckTimeout after timeout (0 waits indefinitely), or
// ErrDisconnected. onAck runs on the reader goroutine (or a timer's) and is
// called exactly once, unless EmitAck returns an error, in which case never.
func (s *Socket) EmitAck(name string, timeout time.Duration, onAck func(Args, error), args ...any) error {
	_, err := s.emitAck(name, timeout, onAck, args)
	return err
}

// EmitWithAck sends an event and waits for the server's acknowledgement
// until ctx ends. Do not call it from a handler (see Socket).
func (s *Socket) EmitWithAck(ctx context.Context, name string, args ...any) (Args, error) {
	type result struct {
		args Args
		err  error
	}
	answer := make(chan result, 1)
	id, err := s.emitAck(name, 0, func(a Args, err error) { answer <- result{a, err} }, args)
	if err != nil {
		return Args{}, err
	}
	select {
	case r := <-answer:
		return r.args, r.err
	case <-ctx.Done():
		s.takeAck(id)
		return Args{}, ctx.Err()
	}
}

func (s *Socket) emitAck(name string, timeout time.Duration, onAck func(Args, error), args []any) (uint64, error) {
	s.amu.Lock()
	id := s.nextAckID
	s.nextAckID++
	if s.acks == nil {
		s.acks = make(map[uint64]*pendingAck)
	}
	s.acks[id] = &pendingAck{callback: onAck}
	s.amu.Unlock()

	out, err := s.eventPacket(name, args, id, true)
	if err == nil {
		err = s.send(out)
	}
	if err != nil {
		s.takeAck(id)
		return id, err
	}
	if timeout > 0 {
		s.amu.Lock()
		if pa := s.acks[id]; pa != nil {
			pa.timer = time.AfterFunc(timeout, func() {
				if pa := s.takeAck(id); pa != nil {
					pa.callback(Args{}, ErrAckTimeout)
				}
			})
		}
		s.amu.Unlock()
	}
	return id, nil
}

// takeAck removes and returns the pending ack id (nil if already settled).
func (s *Socket) takeAck(id uint64) *pendingAck {
	s.amu.Lock()
	defer s.amu.Unlock()
	pa := s.acks[id]
	if pa == nil {
		return nil
	}
	delete(s.acks, id)
	if pa.timer != nil {
		pa.timer.Stop()
	}
	return pa
}

// failAcks settles every pending ack with err.
func (s *Socket) failAcks(err error) {
	s.amu.Lock()
	pending := s.acks
	s.acks = nil
	s.amu.Unlock()
	for _, pa := range pending {
		if pa.timer != nil {
			pa.timer.Stop()
		}
		pa.callback(Args{}, err)
	}
}

// eventPacket builds the EVENT name(args...), asking for an acknowledgement when wantsAck.
func (s *Socket) eventPacket(name string, args []any, id uint64, wantsAck bool) (outgoing, error) {
	if parser.IsReserved(name) {
		return outgoing{}, fmt.Errorf("%w: %q", ErrReservedEvent, name)
	}
	return argsPacket(parser.Event, s.nsp, id, wantsAck, name, args)
}

func (s *Socket) send(out outgoing) error {
	s.m.mu.Lock()
	c, connected := s.sentOn, s.connected
	s.m.mu.Unlock()
	if !connected {
		return ErrNotConnected
	}
	return c.enqueue(out)
}

// sendConnectLocked asks the server to open this namespace on c.
func (s *Socket) sendConnectLocked(c *engineConn) {
	if s.sentOn == c {
		return
	}
	s.sentOn = c
	if err := c.enqueue(frame(&parser.Packet{Type: parser.Connect, Namespace: s.nsp, Data: s.auth})); err != nil {
		s.m.log.Warn("socket.io client: cannot send connect", "nsp", s.nsp, "err", err)
	}
}

// socketEnd is what remains to do, outside the Manager's lock, after a
// socket lost its connection: settle acks, tell handlers and waiters.
type socketEnd struct {
	s            *Socket
	wasConnected bool
	waiters      []chan error
}

// suspendLocked marks the socket disconnected while it waits for a reconnection.
func (s *Socket) suspendLocked() socketEnd {
	end := socketEnd{s: s, wasConnected: s.connected}
	s.connected, s.sentOn, s.sid = false, nil, ""
	return end
}

// deactivateLocked marks the socket disconnected for good (until Connect).
func (s *Socket) deactivateLocked() socketEnd {
	end := s.suspendLocked()
	s.active = false
	end.waiters, s.waiters = s.waiters, nil
	return end
}

// finish runs the side effects of a socketEnd; reason "" means no disconnect event.
func (e socketEnd) finish(reason string, waiterErr error) {
	e.s.failAcks(ErrDisconnected)
	if e.wasConnected && reason != "" {
		e.s.hmu.RLock()
		f := e.s.onDisconnect
		e.s.hmu.RUnlock()
		if f != nil {
			f(reason)
		}
	}
	for _, w := range e.waiters {
		w <- waiterErr
	}
}

func (s *Socket) emitConnectError(err *ConnectError) {
	s.hmu.RLock()
	f := s.onConnectError
	s.hmu.RUnlock()
	if f != nil {
		f(err)
	}
}

// onPacket handles a packet for this namespace on the reader goroutine.
// An error means the server broke the protocol and the connection must close.
func (s *Socket) onPacket(c *engineConn, p *parser.Packet) error {
	switch p.Type {
	case parser.Connect:
		return s.onConnectPacket(c, p)
	case parser.ConnectError:
		return s.onConnectErrorPacket(c, p)
	case parser.Disconnect:
		if end, ok := s.deactivateOn(c); ok {
			end.finish(ReasonServerDisconnect, fmt.Errorf("%w: %s", ErrNotConnected, ReasonServerDisconnect))
		}
	case parser.Event, parser.BinaryEvent:
		return s.onEvent(c, p)
	case parser.Ack, parser.BinaryAck:
		// The parser lets an ACK without id through, as the reference does; from a
		// server it can only be a bug, and it answers nothing we asked.
		if !p.HasID || len(p.Data) == 0 {
			return fmt.Errorf("%w: ACK without id or payload", errMalformed)
		}
		if pa := s.takeAck(p.ID); pa != nil {
			pa.callback(Args{raw: p.Args, attachments: p.Attachments}, nil)
		}
	}
	return nil
}

func (s *Socket) onConnectPacket(c *engineConn, p *parser.Packet) error {
	var accepted struct {
		SID string `json:"sid"`
	}
	if len(p.Data) > 0 {
		if err := json.Unmarshal(p.Data, &accepted); err != nil {
			return fmt.Errorf("%w: connect: %v", errMalformed, err)
		}
	}
	s.m.mu.Lock()
	if s.sentOn != c || !s.active || s.connected {
		s.m.mu.Unlock()
		return nil
	}
	s.connected, s.sid = true, accepted.SID
	waiters := s.waiters
	s.waiters = nil
	s.m.mu.Unlock()
	for _, w := range waiters {
		w <- nil
	}
	s.hmu.RLock()
	f := s.onConnect
	s.hmu.RUnlock()
	if f != nil {
		f()
	}
	return nil
}

func (s *Socket) onConnectErrorPacket(c *engineConn, p *parser.Packet) error {
	cerr := &ConnectError{}
	switch {
	case len(p.Data) == 0:
		return fmt.Errorf("%w: connect error without payload", errMalformed)
	case p.Data[0] == '"':
		if err := json.Unmarshal(p.Data, &cerr.Message); err != nil {
			return fmt.Errorf("%w: connect error: %v", errMalformed, err)
		}
	default:
		var body struct {
			Message string          `json:"message"`
			Data    json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(p.Data, &body); err != nil {
			return fmt.Errorf("%w: connect error: %v", errMalformed, err)
		}
		cerr.Message, cerr.Data = body.Message, body.Data
	}
	if end, ok := s.deactivateOn(c); ok {
		s.emitConnectError(cerr)
		end.finish("", cerr)
	}
	return nil
}

// deactivateOn ends the socket for good when the server tells it to on c, the connection its
// CONNECT went out on; a stale packet from an older connection (ok false) changes nothing.
func (s *Socket) deactivateOn(c *engineConn) (end socketEnd, ok bool) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if s.sentOn != c || !s.active {
		return socketEnd{}, false
	}
	end = s.deactivateLocked()
	s.m.releaseLocked()
	return end, true
}

func (s *Socket) onEvent(c *engineConn, p *parser.Packet) error {
	name := p.Event
	s.hmu.RLock()
	h, fallback := s.handlers[name], s.onAny
	s.hmu.RUnlock()
	if h == nil && fallback == nil {
		return nil
	}
	ev := &Event{Name: name, Socket: s, Args: Args{raw: p.Args, attachments: p.Attachments}}
	if p.HasID {
		ev.ack = s.ackFunc(c, p.ID)
	}
	if h == nil {
		h = fallback
	}
	h(ev)
	return nil
}

// ackFunc builds the answer to event id, sent on the connection it came from.
func (s *Socket) ackFunc(c *engineConn, id uint64) AckFunc {
	var done atomic.Bool
	return func(args ...any) error {
		if !done.CompareAndSwap(false, true) {
			return ErrAlreadyAcked
		}
		out, err := argsPacket(parser.Ack, s.nsp, id, true, "", args)
		if err != nil {
			return err
		}
		return c.enqueue(out)
	}
}
