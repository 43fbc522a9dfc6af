package engineio

import (
	"errors"
	"io"
	"net"
	"net/http"
	"time"
	"unsafe"
)

// handshakeWebSocket opens a session directly over websocket (no polling first).
func (s *Server) handshakeWebSocket(w http.ResponseWriter, r *http.Request, ip string) {
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.release(ip)
		s.log.Debug("engineio: websocket handshake failed", "remote", r.RemoteAddr, "err", err)
		return // the upgrader has answered the request
	}
	c := newWSConn(conn)
	sess := s.register(r, ip, TransportWebSocket, c)
	if sess == nil {
		s.counters.rejectShuttingDown.Add(1)
		c.close(s.parker, s.opts.WriteTimeout)
		return
	}
	// A fresh goroutine, rather than this request's, keeps the idle reader's stack small.
	go sess.readLoop(c)
}

// upgradeSession accepts the websocket a polling client opens to upgrade. It becomes the
// session's transport only after the "2probe"/"3probe" exchange and the client's "5".
func (s *Server) upgradeSession(sess *Session, w http.ResponseWriter, r *http.Request) {
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.counters.rejectUpgrade.Add(1)
		s.log.Debug("engineio: websocket upgrade failed", "sid", sess.id, "remote", r.RemoteAddr, "err", err)
		return
	}
	c := newWSConn(conn)
	if !sess.beginProbe(c) {
		s.counters.rejectUpgrade.Add(1)
		s.log.Debug("engineio: upgrade refused", "sid", sess.id, "remote", r.RemoteAddr)
		c.close(s.parker, s.opts.WriteTimeout)
		return
	}
	go sess.readLoop(c)
}

// beginProbe records c as the upgrade candidate, if the session can upgrade: open, still
// polling, no other upgrade under way, upgrades enabled.
func (s *Session) beginProbe(c *wsConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateOpen || s.transport != TransportPolling || s.probe != nil || s.srv.opts.DisableUpgrades {
		return false
	}
	s.probe = c
	s.upgradeTimer = time.AfterFunc(s.srv.opts.UpgradeTimeout, func() {
		s.srv.log.Debug("engineio: upgrade timed out", "sid", s.id)
		s.abortProbe(c)
	})
	return true
}

// abortProbe gives up the upgrade over c (if still the candidate) and closes c; the session
// carries on over polling.
func (s *Session) abortProbe(c *wsConn) {
	s.mu.Lock()
	if s.probe == c {
		s.abortProbeLocked()
		s.srv.counters.rejectUpgrade.Add(1)
	}
	s.mu.Unlock()
	c.close(s.srv.parker, s.srv.opts.WriteTimeout)
}

// abortProbeLocked forgets the upgrade candidate and returns it for the caller to close.
func (s *Session) abortProbeLocked() *wsConn {
	c := s.probe
	s.probe, s.probed = nil, false
	if s.upgradeTimer != nil {
		s.upgradeTimer.Stop()
	}
	return c
}

// readLoop reads messages from c until it fails, the session closes, or c is parked. c is
// either the session's transport or an upgrade candidate; this is its only reader.
//
// The reader is the one goroutine a connection keeps, so its stack is most of a connection's
// cost. An idle connection does not keep it: after parkIdleAfter without a message the
// connection is parked (parker) and this goroutine ends; a new one starts when data
// arrives. And handling a message (OnMessage included) can grow the stack, which the
// runtime shrinks only while less than a quarter is in use: once a message has moved the
// stack, reading carries on in a fresh goroutine, whose stack starts small, and this one
// ends.
func (s *Session) readLoop(c *wsConn) {
	c.armIdle()
	mark := stackMark()
	for {
		if !s.readOne(c) {
			return
		}
		if stackMark() != mark {
			go s.readLoop(c)
			return
		}
	}
}

// stackMark returns the address of a local variable: called from the same frame, it changes
// only when the runtime has moved the goroutine's stack, which it does to grow it.
//
//go:noinline
func stackMark() uintptr {
	var local byte
	return uintptr(unsafe.Pointer(&local))
}

// readOne reads one message from c and acts on it; it returns false when this goroutine
// should stop reading c (c failed, the session ended, or c was parked).
//
//go:noinline
func (s *Session) readOne(c *wsConn) bool {
	isBinary, data, err := c.readMessage(s.srv.opts.MaxPayload)
	if err == errIdle {
		c.releaseBuffer()
		if s.srv.parker.park(s, c) {
			return false
		}
		c.armIdle()
		return true
	}
	if err != nil {
		s.readFailed(c, err)
		return false
	}
	s.srv.counters.bytesIn.Add(int64(len(data)))
	s.mu.Lock()
	active := s.ws == c
	s.mu.Unlock()
	if active {
		return s.handleFrame(isBinary, data)
	}
	return s.handleProbeFrame(c, isBinary, data)
}

// handleFrame decodes a frame of the active websocket: binary frames are binary messages
// as they are; text frames are packets.
func (s *Session) handleFrame(isBinary bool, data []byte) bool {
	if isBinary {
		return s.handlePacket(packet{typ: packetMessage, binary: true, data: data})
	}
	p, err := decodePacket(data)
	if err != nil {
		s.srv.counters.parseErrors.Add(1)
		s.srv.log.Debug("engineio: bad websocket packet", "sid", s.id, "err", err)
		s.closeNow(ReasonParseError)
		return false
	}
	return s.handlePacket(p)
}

// handleProbeFrame runs the upgrade over candidate c: "2probe" is answered with "3probe" and
// parked polls get released; "5" makes c the transport, after which everything still
// queued goes out over it, so no message is reordered; a session closing meanwhile ends
// with a close frame on c. Anything else aborts the upgrade.
func (s *Session) handleProbeFrame(c *wsConn, isBinary bool, data []byte) bool {
	if !isBinary && string(data) == "2probe" {
		pong := appendFrame(nil, packet{typ: packetPong, data: []byte("probe")})
		if err := c.write(net.Buffers{pong}, s.srv.opts.WriteTimeout); err != nil {
			s.srv.log.Debug("engineio: probe write failed", "sid", s.id, "err", err)
			s.abortProbe(c)
			return false
		}
		s.mu.Lock()
		if s.probe == c {
			s.probed = true
			s.wakePollLocked()
		}
		s.mu.Unlock()
		return true
	}
	if !isBinary && string(data) == "5" {
		s.mu.Lock()
		// Closing too: the websocket then carries the rest of the queue and the close.
		if s.probe == c && s.state != stateClosed {
			s.abortProbeLocked()
			s.transport, s.ws = TransportWebSocket, c
			s.srv.counters.openPolling.Add(-1)
			s.srv.counters.openWebSocket.Add(1)
			s.srv.counters.upgrades.Add(1)
			s.wakePollLocked()
			s.flushLocked()
			s.mu.Unlock()
			s.srv.log.Debug("engineio: upgraded to websocket", "sid", s.id)
			return true
		}
		s.mu.Unlock()
	}
	s.srv.log.Debug("engineio: unexpected packet during upgrade", "sid", s.id)
	s.abortProbe(c)
	return false
}

// readFailed ends the session when its websocket fails, or just the upgrade when the
// candidate fails. A close frame or EOF is the peer leaving; anything else (a message over
// MaxPayload, a broken frame) is a transport error, and the close frame says which.
func (s *Session) readFailed(c *wsConn, err error) {
	var protoErr *wsProtocolError
	switch {
	case errors.Is(err, errTooBig):
		c.closeCode.Store(closeMessageTooBig)
	case errors.As(err, &protoErr):
		c.closeCode.Store(int32(protoErr.code))
	}
	s.mu.Lock()
	active := s.ws == c
	s.mu.Unlock()
	if !active {
		s.abortProbe(c)
		return
	}
	reason := ReasonTransportError
	if errors.Is(err, errTooBig) {
		s.srv.counters.oversize.Add(1)
	}
	if errors.Is(err, errPeerClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		reason = ReasonTransportClose
	}
	s.srv.log.Debug("engineio: websocket read ended", "sid", s.id, "err", err)
	s.closeNow(reason)
}
