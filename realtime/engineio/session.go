package engineio

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Message is the payload of one Engine.IO "message" (type 4) packet.
type Message struct {
	Binary bool   // binary frame on websocket; "b"+base64 on polling
	Data   []byte // the engine never modifies Data; the same slice may be sent to many sessions

	// EndsWrite makes the message the last of its websocket write: messages queued after it
	// go out in a later write (system call), after a pause of about a millisecond, while
	// everything else is coalesced as usual. A client that handles one frame and only then
	// listens for the next (easy to write with the Node ws package) loses frames that arrive
	// together, so a message such a client waits for alone, like Socket.IO's CONNECT answer,
	// should not share a write, or a read, with what follows it. Polling ignores it: a poll
	// response carries everything queued, as the reference's does when the client was not
	// already waiting.
	EndsWrite bool

	frame *sharedFrame // set by NewSharedMessage: the websocket frame, built once for all sessions
}

type sessionState uint8

const (
	stateOpen    sessionState = iota
	stateClosing              // Close called: flushing the queue, then a close packet
	stateClosed
)

// Session is one Engine.IO client connection. It outlives its transports: a polling session
// keeps its id, queue and heartbeat when it upgrades to websocket.
//
// Nothing here owns a goroutine while idle: the heartbeat is a time.AfterFunc timer, a
// websocket writer goroutine exists only while there are packets to write, and the only
// long-lived goroutine is the websocket reader (polling uses the request goroutines).
type Session struct {
	id  string
	srv *Server
	req handshake
	ip  string // the client address its connection slot is counted under

	// deliverMu is held while OnMessage or OnClose runs, so handlers run one at a time and
	// OnClose runs after the last OnMessage has returned.
	deliverMu sync.Mutex

	mu            sync.Mutex
	state         sessionState
	closeReason   string
	closeNotified bool // OnClose has been called (or is being called)
	transport     string
	queue         []packet // waiting to be written; control packets and messages, in order
	queuedMsgs    int      // messages in queue, bounded by Options.SendQueueSize
	queuedBytes   int32    // data bytes of the messages in queue (int32: Session stays in the 288-byte class)
	unsentBytes   int32    // data bytes of messages a transport took from queue and is writing
	onMessage     func(Message)
	onClose       func(reason string)

	// Heartbeat: one timer that alternates between "send the next ping" (after
	// PingInterval) and "the pong is late" (after PingTimeout).
	heartbeat    *time.Timer
	heartbeatDue time.Time // when the timer is meant to fire; earlier firings are stale
	awaitingPong bool
	pongGrace    bool // a non-pong packet already extended the current ping timeout once

	// Polling transport.
	pollWake    chan struct{} // wakes the parked GET; created by the first poll
	pollActive  bool          // a GET is parked or collecting its payload
	pollWaiting bool          // a GET is parked and can take packets right now
	dataActive  bool          // a POST is being processed
	drainTimer  *time.Timer   // bounds the wait for a GET to carry the final close packet

	// WebSocket transport.
	ws           *wsConn // the active websocket, once the transport is websocket
	writing      bool    // a flusher or the writer goroutine owns ws writes
	shard        uint32  // the flusher that writes it
	probe        *wsConn // upgrade candidate, not yet the transport
	probed       bool    // "3probe" sent: parked polls are released so the client can pause
	upgradeTimer *time.Timer
}

func newSession(srv *Server, id string, req handshake, ip, transport string) *Session {
	return &Session{id: id, srv: srv, req: req, ip: ip, transport: transport, shard: srv.flushers.shardFor()}
}

// ID returns the session id (the "sid" of the open packet).
func (s *Session) ID() string { return s.id }

// ClientIP returns the client address the session's connection slot is counted under: the
// TCP peer's IP, or with Options.TrustProxyHeaders the last X-Forwarded-For entry. An
// application bounding something per address uses it to count as the server does.
func (s *Session) ClientIP() string { return s.ip }

// Request returns the handshake request: method, URL (with the query), headers, Host,
// RemoteAddr and TLS state; its body is gone and its context is a background one. The
// session keeps the request packed, so each call parses it again and returns a new
// *http.Request with its own URL and Header: call it once, not per message.
func (s *Session) Request() *http.Request { return s.req.request() }

// Transport returns the current transport, "polling" or "websocket".
func (s *Session) Transport() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.transport
}

// OnMessage sets the handler for incoming messages. Messages are delivered in order, one at
// a time, on a goroutine of the transport (so a slow handler slows that client's reads);
// fn may keep Data.
func (s *Session) OnMessage(fn func(Message)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onMessage = fn
}

// OnClose sets the handler called exactly once, on its own goroutine, after the session is
// closed and after the last OnMessage call has returned. Being asynchronous, it may take
// locks its caller holds while sending. Set after the close, it is still called.
func (s *Session) OnClose(fn func(reason string)) {
	s.mu.Lock()
	s.onClose = fn
	late, reason := s.closeNotified, s.closeReason
	s.mu.Unlock()
	if late && fn != nil {
		go fn(reason)
	}
}

// Send queues msgs atomically and in order, and never blocks on the network. It returns
// ErrClosed once the session is closing, or ErrQueueFull when the queue would exceed
// Options.SendQueueSize or the backlog Options.SendQueueBytes, in which case the session is
// closed with ReasonTransportError.
func (s *Session) Send(msgs ...Message) error {
	size := dataBytes(msgs)
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		return ErrClosed
	}
	if s.queuedMsgs+len(msgs) > s.srv.opts.SendQueueSize {
		s.mu.Unlock()
		s.srv.counters.queueFullCloses.Add(1)
		s.srv.log.Debug("engineio: send queue full", "sid", s.id)
		s.closeNow(ReasonTransportError)
		return ErrQueueFull
	}
	if backlog := s.backlogLocked(); backlog+size > s.srv.opts.SendQueueBytes {
		s.mu.Unlock()
		s.srv.counters.queueBytesCloses.Add(1)
		s.srv.log.Debug("engineio: send backlog over its byte limit", "sid", s.id, "backlog", backlog, "adding", size)
		s.closeNow(ReasonTransportError)
		return fmt.Errorf("%w: %d bytes waiting, %d more would pass the limit of %d",
			ErrQueueFull, backlog, size, s.srv.opts.SendQueueBytes)
	}
	s.sendLocked(msgs, size)
	s.mu.Unlock()
	return nil
}

// dataBytes is what msgs add to a session's backlog: the size of their data.
func dataBytes(msgs []Message) int {
	n := 0
	for _, m := range msgs {
		n += len(m.Data)
	}
	return n
}

// messageBytes is what pkts count for in a session's backlog: the data of their messages.
func messageBytes(pkts []packet) int {
	n := 0
	for _, p := range pkts {
		if p.typ == packetMessage {
			n += len(p.data)
		}
	}
	return n
}

// backlogLocked is what Options.SendQueueBytes bounds: the bytes of the messages queued and
// of those a transport took to write and has not written yet. (The end of a frame a
// non-blocking write got only partly out, wsConn.rest, is not counted: it is at most one
// write's worth and goes first.)
func (s *Session) backlogLocked() int { return int(s.queuedBytes) + int(s.unsentBytes) }

// takeQueueLocked hands the whole queue to a transport writer; its messages count as unsent
// until the writer calls written.
func (s *Session) takeQueueLocked() []packet {
	batch := s.queue
	s.queue, s.queuedMsgs = nil, 0
	s.unsentBytes += s.queuedBytes
	s.queuedBytes = 0
	return batch
}

// written takes a batch from takeQueueLocked off the backlog, once written or lost.
func (s *Session) written(batch []packet) {
	if n := messageBytes(batch); n > 0 {
		s.mu.Lock()
		s.unsentBytes -= int32(n)
		s.mu.Unlock()
	}
}

// SendVolatile queues msgs only if the transport can write them right away: the session is
// open, not mid-upgrade, nothing is queued, and a poll is parked or the websocket writer is
// idle. Otherwise it drops them and returns false; meant for data a newer send supersedes.
func (s *Session) SendVolatile(msgs ...Message) bool {
	size := dataBytes(msgs)
	s.mu.Lock()
	ready := s.writableNowLocked() && len(msgs) <= s.srv.opts.SendQueueSize &&
		s.backlogLocked()+size <= s.srv.opts.SendQueueBytes
	if ready {
		s.sendLocked(msgs, size)
	}
	s.mu.Unlock()
	if !ready {
		s.srv.counters.volatileDropped.Add(int64(len(msgs)))
	}
	return ready
}

// writableNowLocked reports whether the transport would write a packet queued now at once.
func (s *Session) writableNowLocked() bool {
	if s.state != stateOpen || s.probe != nil || len(s.queue) > 0 {
		return false
	}
	if s.transport == TransportPolling {
		return s.pollWaiting
	}
	return !s.writing
}

// sendLocked queues msgs, whose data are size bytes, and hands them to the transport.
func (s *Session) sendLocked(msgs []Message, size int) {
	for _, m := range msgs {
		s.queue = append(s.queue, packet{typ: packetMessage, binary: m.Binary, endsWrite: m.EndsWrite, data: m.Data, frame: m.frame})
	}
	s.queuedMsgs += len(msgs)
	s.queuedBytes += int32(size) // fits: the backlog with it is at most SendQueueBytes
	s.flushLocked()
}

// flushLocked hands queued packets to the transport: it wakes the parked poll, or, if no
// websocket write is under way, gives the session to a flusher (see flusher.go), or to a
// writer goroutine of its own when the flusher cannot write its socket or it is closing.
func (s *Session) flushLocked() {
	if len(s.queue) == 0 && s.state != stateClosing {
		return
	}
	switch s.transport {
	case TransportPolling:
		s.wakePollLocked()
	default:
		if s.writing || s.ws == nil {
			return
		}
		s.writing = true
		if s.state == stateOpen && s.ws.raw != nil {
			s.srv.flushers.schedule(s)
			return
		}
		go s.writeLoop(s.ws)
	}
}

// Close sends what is queued and a close packet (polling) or close frame (websocket), then
// closes the session; OnClose gets reason. It never blocks and is idempotent.
func (s *Session) Close(reason string) {
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		return
	}
	s.state = stateClosing
	s.closeReason = reason
	if s.heartbeat != nil {
		s.heartbeat.Stop()
	}
	// An upgrade under way is left to finish, as in the reference: a client that has seen
	// "3probe" has paused polling and will only hear of the close over the probe, after its
	// "5". Dropping the probe now would look to it like a failed upgrade and leave it
	// paused, polling no more. closeNow closes the probe if the upgrade never completes.
	if s.transport == TransportPolling && !s.pollWaiting {
		// The close packet rides on the client's next poll, or on the websocket if the
		// upgrade completes first; a client that does neither is given up after
		// PingTimeout, as a dead one would be.
		s.drainTimer = time.AfterFunc(s.srv.opts.PingTimeout, func() { s.closeNow(reason) })
	}
	s.flushLocked()
	s.mu.Unlock()
}

// closeNow closes the session at once, dropping whatever is still queued; a parked poll
// is answered with a close packet (a noop if the client closed) and websockets get a close
// frame. OnClose runs later on its own goroutine, so closeNow never blocks.
func (s *Session) closeNow(reason string) {
	s.mu.Lock()
	if s.state == stateClosed {
		s.mu.Unlock()
		return
	}
	s.state = stateClosed
	s.closeReason = reason
	s.srv.counters.open(s.transport).Add(-1)
	s.srv.counters.closed(reason)
	for _, t := range []*time.Timer{s.heartbeat, s.drainTimer, s.upgradeTimer} {
		if t != nil {
			t.Stop()
		}
	}
	ws, probe := s.ws, s.abortProbeLocked()
	s.queue, s.queuedMsgs, s.queuedBytes = nil, 0, 0
	s.wakePollLocked()
	s.mu.Unlock()

	s.srv.unregister(s)
	s.srv.log.Debug("engineio: session closed", "sid", s.id, "reason", reason)
	go s.finish(reason, ws, probe)
}

// finish closes the websockets and then, after any running OnMessage, calls OnClose.
func (s *Session) finish(reason string, conns ...*wsConn) {
	for _, c := range conns {
		if c != nil {
			c.close(s.srv.parker, s.srv.opts.WriteTimeout)
		}
	}
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	s.mu.Lock()
	s.closeNotified = true
	fn := s.onClose
	s.mu.Unlock()
	if fn != nil {
		fn(reason)
	}
}

// deliver passes one incoming message to OnMessage, unless the session stopped being open.
func (s *Session) deliver(m Message) {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	s.mu.Lock()
	fn, open := s.onMessage, s.state == stateOpen
	s.mu.Unlock()
	if open && fn != nil {
		fn(m)
	}
}

// handlePacket acts on one packet from the client's active transport. It returns false when
// the session is closed and the transport should stop reading.
func (s *Session) handlePacket(p packet) bool {
	s.mu.Lock()
	switch {
	case s.state == stateClosed:
		s.mu.Unlock()
		return false
	case s.state == stateClosing:
		s.mu.Unlock()
		return true // the reference ignores packets once closing
	case p.typ == packetPong:
		s.gotPongLocked()
	default:
		s.extendPingTimeoutLocked()
	}
	s.mu.Unlock()

	switch p.typ {
	case packetClose:
		s.closeNow(ReasonTransportClose)
		return false
	case packetPing:
		// v4 pings go server to client only; "2probe" is handled by the upgrade.
		s.srv.log.Debug("engineio: invalid heartbeat direction", "sid", s.id)
		s.closeNow(ReasonTransportError)
		return false
	case packetMessage:
		s.srv.counters.msgsIn.Add(1)
		s.deliver(Message{Binary: p.binary, Data: p.data})
	}
	return true
}
